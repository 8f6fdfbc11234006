package org.mtl4j.trainer.data;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.mtl4j.api.options.Options;
import org.mtl4j.api.task.Task;
import org.mtl4j.trainer.config.ConfigException;
import org.mtl4j.trainer.config.DataConfig;
import org.mtl4j.trainer.config.TaskConfig;

/**
 * Per-task data sets: each task learns from its own data D_t ({@code tasks[i].data}, else the
 * top-level {@code data}), so the objective is {@code Σ_t α_t L_t(θ_t, D_t)}. Tasks that name the
 * same data form one group; the groups' examples are stacked into one {@link Examples} (groups in
 * the order of their first task), where a task's rows from another group carry mask 0. Training,
 * validation and test rows of every consumer (batches, the {@code Evaluator}, baselines, affinity
 * analysis) are then "the union with missing labels masked", and each task is scored on its own
 * test rows only.
 *
 * <p>The inputs of all groups feed one trunk and must agree: the same source kind, for CSV the same
 * feature columns and options that prepare them ({@code categorical}, {@code embed}, {@code
 * ignore}, {@code id}, {@code delimiter}), otherwise the same input width and preprocessing (for
 * images: the same shape). <b>Preprocessing statistics are fitted on the union of the groups'
 * training rows</b> (CSV means, standard deviations and category lists; regression target scaling
 * per task over its own labelled rows): one trunk must see one encoding of a feature whichever data
 * set a row came from, and {@code predict} on new rows (which carry no data-set tag) needs exactly
 * one; it also makes two CSV files with one task each train exactly like one file holding both with
 * the missing labels empty. The rule and each group's rows are recorded in the preprocessing
 * ({@code data_sets}, {@code statistics}) that the checkpoint keeps.
 */
final class TaskDataSets {
  /** The preprocessing key describing the groups. */
  static final String KEY = "data_sets";

  private TaskDataSets() {}

  /** Tasks that learn from the same data, and where that data is configured (for messages). */
  record Group(DataConfig data, String path, List<Integer> tasks) {}

  /** The groups of {@code tasks}: one per distinct data, in the order of their first task. */
  static List<Group> groups(DataConfig shared, List<TaskConfig> tasks) {
    Map<DataConfig, Group> out = new LinkedHashMap<>();
    for (int i = 0; i < tasks.size(); i++) {
      TaskConfig t = tasks.get(i);
      DataConfig d = t.dataOr(shared);
      String path = t.data() == null ? "data" : "tasks[" + i + "].data";
      out.computeIfAbsent(d, k -> new Group(k, path, new ArrayList<>())).tasks().add(i);
    }
    return List.copyOf(out.values());
  }

  /** Loads and stacks the groups (more than one, or one restricted to a part of its rows). */
  static Dataset load(Datasets datasets, List<Group> groups, List<TaskConfig> tasks, long seed) {
    boolean csv = groups.stream().anyMatch(g -> datasets.source(g) instanceof CsvSource);
    if (csv) {
      for (Group g : groups) {
        if (!(datasets.source(g) instanceof CsvSource)) {
          throw new ConfigException(
              List.of(
                  g.path()
                      + ".source: '"
                      + g.data().source()
                      + "' does not match "
                      + groups.get(0).path()
                      + ".source 'csv'; the data sets feeding one trunk must have the same"
                      + " inputs"));
        }
      }
      return csvUnion(datasets, groups, tasks, seed);
    }
    return stacked(datasets, groups, tasks, seed);
  }

  /** CSV groups: the files' rows as one table, the schema fitted on the union of training rows. */
  private static Dataset csvUnion(
      Datasets datasets, List<Group> groups, List<TaskConfig> tasks, long seed) {
    List<Options> options = new ArrayList<>();
    List<CsvSource.Parts> parts = new ArrayList<>();
    for (Group g : groups) {
      Options o = datasets.options(g.data(), g.path());
      options.add(o);
    }
    List<String> errors = new ArrayList<>();
    for (String key : List.of("categorical", "embed", "ignore", "id", "delimiter")) {
      for (int g = 1; g < groups.size(); g++) {
        String a = options.get(0).getString(key);
        String b = options.get(g).getString(key);
        if (!Objects.equals(a, b)) {
          errors.add(
              groups.get(g).path()
                  + ".options."
                  + key
                  + ": '"
                  + b
                  + "' differs from "
                  + groups.get(0).path()
                  + ".options."
                  + key
                  + " '"
                  + a
                  + "'; the data sets feeding one trunk must prepare their inputs the same way");
        }
      }
    }
    if (!errors.isEmpty()) {
      throw new ConfigException(errors);
    }
    for (int g = 0; g < groups.size(); g++) {
      parts.add(part(CsvSource.parts(options.get(g), seed), groups.get(g).data()));
    }
    Set<String> labels = new LinkedHashSet<>();
    tasks.forEach(t -> labels.add(t.label()));
    Set<String> notFeatures = new LinkedHashSet<>(labels);
    notFeatures.addAll(CsvSource.list(options.get(0).getString("ignore")));
    notFeatures.addAll(CsvSource.list(options.get(0).getString("id")));
    List<String> features0 = features(parts.get(0).train(), notFeatures);
    for (int g = 0; g < groups.size(); g++) {
      CsvTable table = parts.get(g).train();
      for (int i : groups.get(g).tasks()) {
        if (table.column(tasks.get(i).label()) < 0) {
          errors.add(
              "tasks["
                  + i
                  + "].label: '"
                  + tasks.get(i).label()
                  + "' is not a column of "
                  + table.file()
                  + "; columns: "
                  + String.join(", ", table.header()));
        }
      }
      for (CsvTable t : List.of(parts.get(g).train(), parts.get(g).test())) {
        List<String> f = features(t, notFeatures);
        if (!new LinkedHashSet<>(f).equals(new LinkedHashSet<>(features0))) {
          List<String> missing = new ArrayList<>(features0);
          missing.removeAll(f);
          List<String> extra = new ArrayList<>(f);
          extra.removeAll(features0);
          errors.add(
              groups.get(g).path()
                  + ": the feature columns of "
                  + t.file()
                  + " differ from those of "
                  + parts.get(0).train().file()
                  + " ("
                  + groups.get(0).path()
                  + "): "
                  + (missing.isEmpty() ? "" : "missing " + missing)
                  + (missing.isEmpty() || extra.isEmpty() ? "" : ", ")
                  + (extra.isEmpty() ? "" : "extra " + extra)
                  + "; the data sets feeding one trunk need the same feature columns (list"
                  + " others in options.ignore)");
        }
      }
    }
    if (!errors.isEmpty()) {
      throw new ConfigException(errors);
    }
    List<String> header = new ArrayList<>(parts.get(0).train().header());
    for (CsvSource.Parts p : parts) {
      for (CsvTable t : List.of(p.train(), p.test())) {
        for (String h : t.header()) {
          if (!header.contains(h)) {
            header.add(h);
          }
        }
      }
    }
    CsvTable train = concat(groups, parts, tasks, header, true);
    CsvTable test = concat(groups, parts, tasks, header, false);
    Dataset d =
        CsvSource.load(
            options.get(0),
            new CsvSource.Parts(train, all(train.rows().size()), test, all(test.rows().size())),
            tasks);
    Map<String, Object> pre = new LinkedHashMap<>(d.preprocessing());
    pre.put(KEY, describe(groups, tasks, sizes(parts, true), sizes(parts, false)));
    pre.put("statistics", "union of the training rows of every data set");
    return new Dataset(d.tasks(), d.train(), d.test(), pre);
  }

  private static int[] sizes(List<CsvSource.Parts> parts, boolean train) {
    return parts.stream().mapToInt(p -> (train ? p.trainRows() : p.testRows()).length).toArray();
  }

  private static List<String> features(CsvTable t, Set<String> notFeatures) {
    return t.header().stream().filter(h -> !notFeatures.contains(h)).toList();
  }

  /** The rows of every group as one table over {@code header}; others' label cells left empty. */
  private static CsvTable concat(
      List<Group> groups,
      List<CsvSource.Parts> parts,
      List<TaskConfig> tasks,
      List<String> header,
      boolean train) {
    List<String[]> rows = new ArrayList<>();
    List<Integer> lines = new ArrayList<>();
    List<String> files = new ArrayList<>();
    for (int g = 0; g < groups.size(); g++) {
      CsvTable t = train ? parts.get(g).train() : parts.get(g).test();
      int[] sel = train ? parts.get(g).trainRows() : parts.get(g).testRows();
      if (!files.contains(t.file().toString())) {
        files.add(t.file().toString());
      }
      int[] from = new int[header.size()];
      for (int c = 0; c < from.length; c++) {
        from[c] = t.column(header.get(c));
      }
      Set<String> foreignLabels = new java.util.HashSet<>();
      for (int i = 0; i < tasks.size(); i++) {
        if (!groups.get(g).tasks().contains(i)) {
          foreignLabels.add(tasks.get(i).label());
        }
      }
      for (int i : groups.get(g).tasks()) {
        foreignLabels.remove(tasks.get(i).label());
      }
      for (int r : sel) {
        String[] src = t.rows().get(r);
        String[] row = new String[header.size()];
        for (int c = 0; c < row.length; c++) {
          row[c] = from[c] < 0 || foreignLabels.contains(header.get(c)) ? "" : src[from[c]];
        }
        rows.add(row);
        lines.add(t.lines()[r]);
      }
    }
    return new CsvTable(
        Path.of(String.join(" + ", files)),
        List.copyOf(header),
        rows,
        lines.stream().mapToInt(Integer::intValue).toArray());
  }

  /** Non-CSV groups: each loaded by its source, inputs checked equal, examples stacked. */
  private static Dataset stacked(
      Datasets datasets, List<Group> groups, List<TaskConfig> tasks, long seed) {
    List<Dataset> loaded = new ArrayList<>();
    for (Group g : groups) {
      List<TaskConfig> own = g.tasks().stream().map(tasks::get).toList();
      Dataset d = datasets.loadRaw(g.data(), g.path(), own, seed);
      if (g.data().partial()) {
        d =
            new Dataset(
                d.tasks(), part(d.train(), g.data()), part(d.test(), g.data()), d.preprocessing());
      }
      loaded.add(d);
    }
    Dataset first = loaded.get(0);
    List<String> errors = new ArrayList<>();
    Map<String, Object> labels = new LinkedHashMap<>();
    for (int g = 0; g < loaded.size(); g++) {
      Dataset d = loaded.get(g);
      if (d.preprocessing().get("labels") instanceof Map<?, ?> m) {
        m.forEach((k, v) -> labels.put((String) k, v));
      }
      if (g == 0) {
        continue;
      }
      String what = groups.get(g).path() + " (" + groups.get(g).data().source() + ")";
      String ref = groups.get(0).path() + " (" + groups.get(0).data().source() + ")";
      if (d.inputSize() != first.inputSize()) {
        errors.add(
            what
                + ": inputs of width "
                + d.inputSize()
                + " differ from "
                + ref
                + "'s width "
                + first.inputSize()
                + "; the data sets feeding one trunk need the same input shape");
      }
      Set<String> keys = new LinkedHashSet<>(first.preprocessing().keySet());
      keys.addAll(d.preprocessing().keySet());
      keys.remove("labels");
      for (String k : keys) {
        Object a = first.preprocessing().get(k);
        Object b = d.preprocessing().get(k);
        if (!Objects.equals(a, b)) {
          errors.add(
              what
                  + ": input preprocessing '"
                  + k
                  + "' is "
                  + b
                  + ", "
                  + ref
                  + " has "
                  + a
                  + "; the data sets feeding one trunk must prepare their inputs the same way");
        }
      }
    }
    if (!errors.isEmpty()) {
      throw new ConfigException(errors);
    }
    List<Task> built = new ArrayList<>();
    for (TaskConfig t : tasks) {
      for (Dataset d : loaded) {
        d.tasks().stream().filter(x -> x.name().equals(t.name())).forEach(built::add);
      }
    }
    Map<String, Object> pre = new LinkedHashMap<>(first.preprocessing());
    if (!labels.isEmpty()) {
      pre.put("labels", labels);
    }
    pre.put(
        KEY,
        describe(
            groups,
            tasks,
            loaded.stream().mapToInt(d -> d.train().size()).toArray(),
            loaded.stream().mapToInt(d -> d.test().size()).toArray()));
    pre.put("statistics", "fixed input scaling of the source (nothing fitted on data)");
    return new Dataset(
        built,
        Split.all(stack(groups, loaded, built, true)),
        Split.all(stack(groups, loaded, built, false)),
        pre);
  }

  /** The groups' training (or test) rows as one {@link Examples}, foreign labels masked. */
  private static Examples stack(
      List<Group> groups, List<Dataset> loaded, List<Task> tasks, boolean train) {
    int n = 0;
    int width = loaded.get(0).inputSize();
    for (Dataset d : loaded) {
      n += (train ? d.train() : d.test()).size();
    }
    float[] x = new float[n * width];
    Map<String, float[]> targets = new HashMap<>();
    Map<String, float[]> masks = new HashMap<>();
    for (Task t : tasks) {
      targets.put(t.name(), new float[n * t.targetColumns()]);
      masks.put(t.name(), new float[n]);
    }
    int at = 0;
    for (int g = 0; g < loaded.size(); g++) {
      Split s = train ? loaded.get(g).train() : loaded.get(g).test();
      Examples e = s.examples();
      for (int i = 0; i < s.size(); i++) {
        int r = s.rows()[i];
        System.arraycopy(e.features(), r * width, x, (at + i) * width, width);
        for (Task t : loaded.get(g).tasks()) {
          int k = t.targetColumns();
          System.arraycopy(e.targets(t.name()), r * k, targets.get(t.name()), (at + i) * k, k);
          float[] m = e.mask(t.name());
          masks.get(t.name())[at + i] = m == null ? 1f : m[r];
        }
      }
      at += s.size();
    }
    return new Examples(n, width, x, targets, masks);
  }

  private static List<Object> describe(
      List<Group> groups, List<TaskConfig> tasks, int[] train, int[] test) {
    List<Object> out = new ArrayList<>();
    for (int g = 0; g < groups.size(); g++) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("config", groups.get(g).path());
      m.put("source", groups.get(g).data().source());
      m.put("tasks", groups.get(g).tasks().stream().map(i -> tasks.get(i).name()).toList());
      if (groups.get(g).data().partial()) {
        m.put("part", groups.get(g).data().part() + "/" + groups.get(g).data().parts());
      }
      m.put("train_rows", train[g]);
      m.put("test_rows", test[g]);
      out.add(m);
    }
    return out;
  }

  /** The part of a split's rows that {@code data.part} keeps. */
  static Split part(Split s, DataConfig data) {
    int[] r = data.partRange(s.size());
    return new Split(s.examples(), Arrays.copyOfRange(s.rows(), r[0], r[1]));
  }

  private static CsvSource.Parts part(CsvSource.Parts p, DataConfig data) {
    if (!data.partial()) {
      return p;
    }
    int[] a = data.partRange(p.trainRows().length);
    int[] b = data.partRange(p.testRows().length);
    return new CsvSource.Parts(
        p.train(),
        Arrays.copyOfRange(p.trainRows(), a[0], a[1]),
        p.test(),
        Arrays.copyOfRange(p.testRows(), b[0], b[1]),
        p.splitOf());
  }

  private static int[] all(int n) {
    int[] r = new int[n];
    Arrays.setAll(r, i -> i);
    return r;
  }
}
