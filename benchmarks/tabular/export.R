# Exports the suite's data sets from Debian's R data packages to CSV, with fixed train/test splits.
# Run by export.sh (which installs the packages); writes data/<set>/{all,train,test}.csv.
# The test rows of each set are the 1-based row numbers in splits/<set>.test-rows.txt (committed);
# when that file is missing it is drawn once with set.seed(2026) (25% of the rows) and written.
args <- commandArgs(trailingOnly = TRUE)
out <- if (length(args) > 0) args[1] else "data"
here <- if (length(args) > 1) args[2] else "."

write_set <- function(name, df) {
  dir.create(file.path(out, name), recursive = TRUE, showWarnings = FALSE)
  split_file <- file.path(here, "splits", paste0(name, ".test-rows.txt"))
  if (file.exists(split_file)) {
    test <- scan(split_file, what = integer(), quiet = TRUE)
  } else {
    set.seed(2026)
    test <- sort(sample(nrow(df), round(0.25 * nrow(df))))
    writeLines(as.character(test), split_file)
  }
  stopifnot(all(test >= 1), all(test <= nrow(df)), !any(duplicated(test)))
  w <- function(d, f) write.csv(d, file.path(out, name, f), row.names = FALSE, na = "", quote = FALSE)
  w(df, "all.csv")
  w(df[-test, ], "train.csv")
  w(df[test, ], "test.csv")
  cat(sprintf("%-11s %5d rows: %5d train, %4d test\n", name, nrow(df), nrow(df) - length(test), length(test)))
}

# Palmer penguins (Horst, Hill and Gorman 2020): species, sex and body mass from bill, flipper, island, year.
# The two rows without any measurement are dropped; the 9 missing sexes stay as masked labels.
library(palmerpenguins)
p <- as.data.frame(penguins)
p <- p[!is.na(p$bill_length_mm), ]
write_set("penguins", data.frame(
  island = p$island, bill_length_mm = p$bill_length_mm, bill_depth_mm = p$bill_depth_mm,
  flipper_length_mm = p$flipper_length_mm, year = p$year,
  species = p$species, sex = p$sex, body_mass_g = p$body_mass_g))

# Diamonds (ggplot2): price and cut grade from carat, colour, clarity and the dimensions;
# a fixed sample of 10,000 of the 53,940 rows (set.seed(2026)) keeps the suite short.
library(ggplot2)
d <- as.data.frame(diamonds)
set.seed(2026)
d <- d[sort(sample(nrow(d), 10000)), ]
write_set("diamonds", data.frame(
  carat = d$carat, color = as.character(d$color), clarity = as.character(d$clarity),
  depth = d$depth, table = d$table, x = d$x, y = d$y, z = d$z,
  price = d$price, cut = as.character(d$cut)))

# NMES 1988 (AER; Deb and Trivedi 1997): three counts of health-care use of 4,406 people over 65:
# physician office visits, emergency room visits, hospital stays.
data("NMES1988", package = "AER")
n <- NMES1988
write_set("nmes", data.frame(
  health = n$health, chronic = n$chronic, adl = n$adl, region = n$region, age = n$age,
  afam = n$afam, gender = n$gender, married = n$married, school = n$school, income = n$income,
  employed = n$employed, insurance = n$insurance, medicaid = n$medicaid,
  visits = n$visits, emergency = n$emergency, hospital = n$hospital))

# Credit card applications (AER; Greene 2003): was the application accepted, and monthly expenditure.
# 'share' (expenditure / income) is left out: it would leak the expenditure.
data("CreditCard", package = "AER")
cc <- CreditCard
write_set("creditcard", data.frame(
  reports = cc$reports, age = cc$age, income = cc$income, owner = cc$owner, selfemp = cc$selfemp,
  dependents = cc$dependents, months = cc$months, majorcards = cc$majorcards, active = cc$active,
  card = cc$card, expenditure = cc$expenditure))

# SAT and ACT scores of 700 people (psych; Revelle, Wilt and Rosenthal 2010): ACT, SAT verbal and
# SAT quantitative from gender, education level and age; the 13 missing SATQ stay as masked labels.
library(psych)
s <- sat.act
write_set("satact", data.frame(
  gender = ifelse(s$gender == 1, "male", "female"), education = paste0("e", s$education), age = s$age,
  ACT = s$ACT, SATV = s$SATV, SATQ = s$SATQ))
