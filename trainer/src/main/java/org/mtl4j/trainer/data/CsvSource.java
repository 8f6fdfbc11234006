package org.mtl4j.trainer.data;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.mtl4j.api.backend.CounterRng;
import org.mtl4j.api.options.OptionSpec;
import org.mtl4j.api.options.Options;
import org.mtl4j.api.task.Task;
import org.mtl4j.api.task.TaskType;
import org.mtl4j.trainer.config.ConfigException;
import org.mtl4j.trainer.config.TaskConfig;
import org.mtl4j.trainer.io.Excerpt;

/**
 * The {@code csv} data source: any CSV file with a header. Each task's {@code label} names a
 * column; every other column (except {@code ignore}) is a feature, numeric unless listed in {@code
 * categorical} (one-hot) or {@code embed} (a learned embedding of the given width, looked up by the
 * network, see {@link InputLayout}). An empty label cell means "no label for this task": the row
 * stays and is masked out of that task's loss and metrics. Class labels are the distinct values
 * seen in training, sorted (numerically when all are numbers); class {@code k} is output {@code k}.
 * A binary task's positive class (output 1, a score above 0) is the second of its two sorted values
 * unless the task names it with {@code positive}. Columns listed in {@code id} are no features;
 * {@code predict} copies them to its output.
 */
public final class CsvSource implements DataSource {
  /** The largest embedding dimension {@code embed} accepts. */
  static final int MAX_EMBEDDING = 1024;

  @Override
  public String name() {
    return "csv";
  }

  @Override
  public String description() {
    return "any CSV file with a header: label columns as tasks, numeric and categorical features";
  }

  @Override
  public List<OptionSpec> options() {
    return List.of(
        new OptionSpec("path", OptionSpec.Type.STRING, null, "the training CSV file", List.of()),
        new OptionSpec(
            "test_path",
            OptionSpec.Type.STRING,
            "",
            "a separate test CSV (default: hold out test_split of path)",
            List.of()),
        OptionSpec.ofDouble("test_split", 0.2, "fraction held out for testing without test_path"),
        new OptionSpec(
            "categorical",
            OptionSpec.Type.STRING,
            "",
            "comma-separated categorical feature columns (one-hot encoded)",
            List.of()),
        new OptionSpec(
            "embed",
            OptionSpec.Type.STRING,
            "",
            "categorical columns to embed instead, with their dimension: 'city:8,shop:4'",
            List.of()),
        new OptionSpec(
            "ignore",
            OptionSpec.Type.STRING,
            "",
            "comma-separated columns that are neither features nor labels",
            List.of()),
        new OptionSpec(
            "id",
            OptionSpec.Type.STRING,
            "",
            "comma-separated row id columns: not features, copied into predict's output",
            List.of()),
        new OptionSpec("delimiter", OptionSpec.Type.STRING, ",", "field separator", List.of()));
  }

  @Override
  public List<PathOption> pathOptions() {
    return List.of(
        PathOption.file("path", "a CSV file with a header line (the training data)"),
        PathOption.file("test_path", "a CSV file with a header line (the test data)"));
  }

  @Override
  public Dataset load(Options o, List<TaskConfig> tasks, long seed) {
    return load(o, parts(o, seed), tasks);
  }

  /**
   * A file's training and test rows: {@code test_path}'s rows, or a seeded {@code test_split} of
   * {@code path}'s.
   */
  record Parts(CsvTable train, int[] trainRows, CsvTable test, int[] testRows, Double splitOf) {
    /** Parts whose test rows are not a {@code test_split} of the training file. */
    Parts(CsvTable train, int[] trainRows, CsvTable test, int[] testRows) {
      this(train, trainRows, test, testRows, null);
    }
  }

  /** Reads {@code path} (and {@code test_path}) and picks the training and test rows. */
  static Parts parts(Options o, long seed) {
    char delim = delimiter(o);
    CsvTable train = CsvTable.read(Path.of(o.getString("path")), delim);
    int[] trainRows;
    int[] testRows;
    CsvTable test;
    Double splitOf = null; // test_split, when the test rows are held out of path
    if (!o.getString("test_path").isBlank()) {
      test = CsvTable.read(Path.of(o.getString("test_path")), delim);
      trainRows = range(train.rows().size());
      testRows = range(test.rows().size());
    } else {
      double split = o.getDouble("test_split");
      if (!(split > 0 && split < 1)) {
        throw Options.invalid("data.options", "test_split", split, "in (0, 1)");
      }
      test = train;
      splitOf = split;
      int[] perm = Permutations.of(train.rows().size(), CounterRng.derive(seed, 201));
      int nTest = (int) Math.round(train.rows().size() * split);
      testRows = Arrays.copyOfRange(perm, 0, nTest);
      trainRows = Arrays.copyOfRange(perm, nTest, perm.length);
      Arrays.sort(testRows);
      Arrays.sort(trainRows);
    }
    if (trainRows.length == 0 || testRows.length == 0) {
      throw new DataException(
          train.file()
              + ": too few rows ("
              + train.rows().size()
              + ") for a training and a test part"
              + (splitOf == null
                  ? ""
                  : " with data.options.test_split "
                      + splitOf
                      + " ("
                      + trainRows.length
                      + " training, "
                      + testRows.length
                      + " test rows)"));
    }
    return new Parts(train, trainRows, test, testRows, splitOf);
  }

  static char delimiter(Options o) {
    String delim = o.getString("delimiter");
    if (delim.length() != 1) {
      throw Options.invalid("data.options", "delimiter", Excerpt.of(delim), "a single character");
    }
    return delim.charAt(0);
  }

  /** The data set of the given rows: the feature schema fitted on {@code p}'s training rows. */
  static Dataset load(Options o, Parts p, List<TaskConfig> tasks) {
    String delim = String.valueOf(delimiter(o));
    CsvTable train = p.train();
    List<String> categorical = list(o.getString("categorical"));
    List<String> ids = list(o.getString("id"));
    List<String> ignore = new ArrayList<>(list(o.getString("ignore")));
    ignore.addAll(ids);
    List<String> errors = new ArrayList<>();
    for (String c : ids) {
      if (train.column(c) < 0) {
        errors.add(
            "data.options.id: '"
                + c
                + "' is not a column of "
                + train.file()
                + "; columns: "
                + train.columnsForMessage());
      }
    }
    for (int i = 0; i < tasks.size(); i++) {
      TaskConfig t = tasks.get(i);
      if (train.column(t.label()) < 0) {
        errors.add(
            "tasks["
                + i
                + "].label: '"
                + t.label()
                + "' is not a column of "
                + train.file()
                + "; columns: "
                + train.columnsForMessage());
      }
      if (t.type() == TaskType.MULTILABEL) {
        errors.add(
            "tasks["
                + i
                + "].type: 'multilabel' is not supported for CSV labels;"
                + " expected multiclass, binary or regression");
      }
    }
    for (String c : categorical) {
      if (train.column(c) < 0) {
        errors.add("data.options.categorical: '" + c + "' is not a column of " + train.file());
      }
    }
    Map<String, Integer> embed = embeddings(o.getString("embed"), train, categorical, errors);
    if (!errors.isEmpty()) {
      throw new ConfigException(errors);
    }
    List<String> labels = tasks.stream().map(TaskConfig::label).toList();
    List<String> features = new ArrayList<>();
    for (String h : train.header()) {
      if (!labels.contains(h) && !ignore.contains(h)) {
        features.add(h);
      }
    }
    if (features.isEmpty()) {
      throw new DataException(
          train.file()
              + ": no feature columns remain after the labels "
              + labels
              + " and ignored columns "
              + ignore);
    }
    int[] trainRows = p.trainRows();
    int[] testRows = p.testRows();
    CsvTable test = p.test();
    Double splitOf = p.splitOf();
    for (String c : embed.keySet()) {
      if (!features.contains(c)) {
        throw new ConfigException(
            List.of(
                "data.options.embed: '"
                    + c
                    + "' is a label or ignored column, not a feature; expected a categorical"
                    + " feature column"));
      }
    }
    CsvSchema schema = CsvSchema.fit(train, trainRows, features, categorical, embed);
    Map<String, Object> pre = new LinkedHashMap<>();
    pre.put("format", "csv");
    pre.put("delimiter", delim);
    pre.put("features", schema.toMaps());
    if (!ids.isEmpty()) {
      pre.put("id_columns", ids);
    }
    List<Task> built = new ArrayList<>();
    Map<String, List<String>> classes = new HashMap<>();
    Map<String, Object> labelInfo = new LinkedHashMap<>();
    for (int ti = 0; ti < tasks.size(); ti++) {
      TaskConfig t = tasks.get(ti);
      int c = train.column(t.label());
      List<String> cl = List.of();
      int out = 1;
      if (t.type() != TaskType.REGRESSION) {
        cl = classes(train, trainRows, c);
        int needed = t.type() == TaskType.BINARY ? 2 : Math.max(2, cl.size());
        if (splitOf != null && cl.size() < needed) {
          List<String> all = classes(train, range(train.rows().size()), c);
          if (all.size() > cl.size()) {
            throw new ConfigException(
                List.of(
                    "data.options.test_split: "
                        + splitOf
                        + " leaves "
                        + trainRows.length
                        + " of the "
                        + train.rows().size()
                        + " rows of "
                        + train.file()
                        + " for training, which hold "
                        + cl.size()
                        + " of the "
                        + all.size()
                        + " classes of task "
                        + t.name()
                        + " (column "
                        + Excerpt.quoted(t.label())
                        + "); expected a smaller test_split or a test_path"));
          }
        }
        if (t.type() == TaskType.BINARY && cl.size() != 2) {
          throw new DataException(
              train.file()
                  + ", column '"
                  + t.label()
                  + "': a binary task"
                  + " needs exactly 2 distinct values, found "
                  + cl.size()
                  + " "
                  + cl);
        }
        if (t.type() == TaskType.MULTICLASS && cl.size() < 2) {
          throw new DataException(
              train.file()
                  + ", column '"
                  + t.label()
                  + "': a multiclass"
                  + " task needs at least 2 distinct values, found "
                  + cl);
        }
        if (t.type() == TaskType.BINARY && t.positive() != null) {
          cl = positiveLast(cl, t.positive(), ti, train);
        }
        out = t.type() == TaskType.BINARY ? 1 : cl.size();
      }
      classes.put(t.name(), cl);
      labelInfo.put(t.name(), Map.of("column", t.label(), "classes", cl));
      built.add(TaskFactory.build(t, out));
    }
    pre.put("labels", labelInfo);
    Examples trainEx = encode(train, trainRows, schema, tasks, classes);
    Examples testEx = encode(test, testRows, schema, tasks, classes);
    return new Dataset(built, Split.all(trainEx), Split.all(testEx), pre);
  }

  private static Examples encode(
      CsvTable table,
      int[] rows,
      CsvSchema schema,
      List<TaskConfig> tasks,
      Map<String, List<String>> classes) {
    int d = schema.inputSize();
    float[] x = new float[rows.length * d];
    Map<String, float[]> targets = new HashMap<>();
    Map<String, float[]> masks = new HashMap<>();
    for (TaskConfig t : tasks) {
      targets.put(t.name(), new float[rows.length]);
      masks.put(t.name(), new float[rows.length]);
    }
    for (int i = 0; i < rows.length; i++) {
      int r = rows[i];
      schema.encode(table, r, x, i * d);
      for (TaskConfig t : tasks) {
        int c = table.column(t.label());
        if (c < 0) {
          throw new DataException(table.file() + ":1: no label column '" + t.label() + "'");
        }
        String v = table.rows().get(r)[c];
        if (v.isEmpty()) {
          continue;
        }
        float y;
        if (t.type() == TaskType.REGRESSION) {
          y = CsvSchema.label(table, r, c);
        } else {
          int k = classes.get(t.name()).indexOf(v);
          if (k < 0) {
            throw new DataException(
                table.where(r, c)
                    + ": '"
                    + v
                    + "' is not a class seen in"
                    + " training; expected one of "
                    + classes.get(t.name()));
          }
          y = k;
        }
        targets.get(t.name())[i] = y;
        masks.get(t.name())[i] = 1f;
      }
    }
    return new Examples(rows.length, d, x, targets, masks);
  }

  /** Parses {@code embed}: {@code column:dimension} pairs, comma-separated. */
  private static Map<String, Integer> embeddings(
      String spec, CsvTable train, List<String> categorical, List<String> errors) {
    Map<String, Integer> out = new LinkedHashMap<>();
    for (String entry : list(spec)) {
      int colon = entry.lastIndexOf(':');
      String name = colon < 0 ? entry : entry.substring(0, colon).trim();
      String dim = colon < 0 ? "" : entry.substring(colon + 1).trim();
      int d;
      try {
        d = Integer.parseInt(dim);
      } catch (NumberFormatException e) {
        d = -1;
      }
      if (d < 1 || d > MAX_EMBEDDING) {
        errors.add(
            "data.options.embed: '"
                + entry
                + "' is not column:dimension with a dimension in [1, "
                + MAX_EMBEDDING
                + "]");
      } else if (train.column(name) < 0) {
        errors.add("data.options.embed: '" + name + "' is not a column of " + train.file());
      } else if (categorical.contains(name)) {
        errors.add(
            "data.options.embed: '"
                + name
                + "' is also in data.options.categorical; expected each column in one of them"
                + " (embed for a learned embedding, categorical for one-hot)");
      } else if (out.put(name, d) != null) {
        errors.add("data.options.embed: '" + name + "' is listed twice");
      }
    }
    return out;
  }

  static List<String> classes(CsvTable t, int[] rows, int c) {
    TreeSet<String> vals = new TreeSet<>();
    for (int r : rows) {
      String v = t.rows().get(r)[c];
      if (!v.isEmpty()) {
        vals.add(v);
      }
    }
    List<String> out = new ArrayList<>(vals);
    if (out.stream().allMatch(s -> s.matches("[-+]?[0-9]*\\.?[0-9]+([eE][-+]?[0-9]+)?"))) {
      out.sort((a, b) -> Double.compare(Double.parseDouble(a), Double.parseDouble(b)));
    }
    return out;
  }

  /**
   * The two classes of a binary task with {@code positive} second (the class a score above 0
   * predicts), matched as text or, when both are numbers, by value ({@code 1} matches {@code 1.0}).
   */
  static List<String> positiveLast(
      List<String> classes, String positive, int task, CsvTable train) {
    for (int i = 0; i < 2; i++) {
      if (sameLabel(classes.get(i), positive)) {
        return List.of(classes.get(1 - i), classes.get(i));
      }
    }
    throw new ConfigException(
        List.of(
            "tasks["
                + task
                + "].positive: '"
                + positive
                + "' is not a label of this binary task; the training rows of "
                + train.file()
                + " hold "
                + classes));
  }

  private static boolean sameLabel(String a, String b) {
    if (a.equals(b)) {
      return true;
    }
    try {
      return Double.parseDouble(a) == Double.parseDouble(b);
    } catch (NumberFormatException e) {
      return false;
    }
  }

  static List<String> list(String csv) {
    return Arrays.stream(csv.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
  }

  private static int[] range(int n) {
    int[] r = new int[n];
    Arrays.setAll(r, i -> i);
    return r;
  }
}
