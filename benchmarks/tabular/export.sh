#!/usr/bin/env bash
# Installs the Debian R data packages the suite uses and exports the data sets to CSV
# (benchmarks/tabular/data/<set>/{all,train,test}.csv) with the committed train/test splits.
set -euo pipefail
cd "$(dirname "$0")"
PKGS="r-base-core r-cran-palmerpenguins r-cran-ggplot2 r-cran-aer r-cran-psych"
missing=""
for p in $PKGS; do dpkg -s "$p" >/dev/null 2>&1 || missing="$missing $p"; done
if [ -n "$missing" ]; then
  echo "installing$missing" >&2
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi
Rscript --vanilla export.R data . 2>&1 | grep -v "^$\|Attaching\|masked\|^    \|^The following"
