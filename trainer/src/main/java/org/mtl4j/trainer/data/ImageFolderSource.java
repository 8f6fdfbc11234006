package org.mtl4j.trainer.data;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.mtl4j.api.backend.CounterRng;
import org.mtl4j.api.options.OptionSpec;
import org.mtl4j.api.options.Options;
import org.mtl4j.api.task.Task;
import org.mtl4j.api.task.TaskType;
import org.mtl4j.trainer.config.ConfigException;
import org.mtl4j.trainer.config.TaskConfig;

/**
 * The {@code image-folder} data source: the user's own images. A folder of image files (PNG, JPEG,
 * ...) and a CSV with one row per image: the file's name (relative to the folder) and its label for
 * each task, an empty cell where an image has no label for a task (masked in that task's loss and
 * metrics). Images are decoded and resized with the JDK's ImageIO ({@link ImageFiles}), gray or
 * RGB, and normalised per channel with the mean and standard deviation of the training images'
 * pixels; the statistics are stored in the preprocessing ({@code images}) and used by {@code
 * predict}, which reads a folder of images. Rows are images ({@code preprocessing.image}), so a
 * convolutional trunk sees them as such.
 *
 * <p>Classes of a label column are its distinct values in the training rows, sorted as the {@code
 * csv} source sorts them; a binary task's positive class is the second unless {@code positive:}
 * names it. The test rows are the rows whose {@code split_column} says {@code test} or, without
 * one, a seeded {@code test_split} fraction.
 */
public final class ImageFolderSource implements DataSource {
  /** The preprocessing key of the decoder's settings and statistics. */
  public static final String IMAGES = "images";

  /** {@code preprocessing.format} of this source. */
  public static final String FORMAT = "image-folder";

  @Override
  public String name() {
    return "image-folder";
  }

  @Override
  public String description() {
    return "a folder of PNG/JPEG images and a CSV of their labels per task (empty: masked)";
  }

  @Override
  public List<OptionSpec> options() {
    return List.of(
        new OptionSpec("dir", OptionSpec.Type.STRING, null, "the folder of image files", List.of()),
        new OptionSpec(
            "labels",
            OptionSpec.Type.STRING,
            null,
            "CSV with a header: a file column and one column per label",
            List.of()),
        new OptionSpec(
            "file_column",
            OptionSpec.Type.STRING,
            "file",
            "the labels CSV's column of file names (relative to dir)",
            List.of()),
        OptionSpec.ofInt("size", 32, "images are resized to size x size pixels"),
        OptionSpec.ofChoice("channels", "rgb", "rgb (3 channels) or gray (1)", "rgb", "gray"),
        OptionSpec.ofDouble(
            "test_split", 0.2, "fraction held out for testing without split_column"),
        new OptionSpec(
            "split_column",
            OptionSpec.Type.STRING,
            "",
            "a column saying train or test per image (default: a seeded test_split)",
            List.of()),
        new OptionSpec("delimiter", OptionSpec.Type.STRING, ",", "the CSV's separator", List.of()));
  }

  @Override
  public List<PathOption> pathOptions() {
    return List.of(
        PathOption.folder("dir", "a folder of image files"),
        PathOption.file("labels", "a CSV file with a header line naming each image's labels"));
  }

  @Override
  public Dataset load(Options o, List<TaskConfig> tasks, long seed) {
    String delim = o.getString("delimiter");
    if (delim.length() != 1) {
      throw Options.invalid("data.options", "delimiter", delim, "a single character");
    }
    int size = o.getInt("size");
    if (size < 1 || size > 1024) {
      throw Options.invalid("data.options", "size", size, "a side in [1, 1024] pixels");
    }
    Path dir = Path.of(o.getString("dir"));
    CsvTable table = CsvTable.read(Path.of(o.getString("labels")), delim.charAt(0));
    List<String> errors = new ArrayList<>();
    int fileCol = table.column(o.getString("file_column"));
    if (fileCol < 0) {
      errors.add(
          "data.options.file_column: '"
              + o.getString("file_column")
              + "' is not a column of "
              + table.file()
              + "; columns: "
              + String.join(", ", table.header()));
    }
    String splitName = o.getString("split_column");
    int splitCol = splitName.isBlank() ? -1 : table.column(splitName);
    if (!splitName.isBlank() && splitCol < 0) {
      errors.add(
          "data.options.split_column: '" + splitName + "' is not a column of " + table.file());
    }
    for (int i = 0; i < tasks.size(); i++) {
      TaskConfig t = tasks.get(i);
      if (table.column(t.label()) < 0) {
        errors.add(
            "tasks["
                + i
                + "].label: '"
                + t.label()
                + "' is not a column of "
                + table.file()
                + "; columns: "
                + String.join(", ", table.header()));
      } else if (t.type() == TaskType.MULTILABEL) {
        errors.add(
            "tasks["
                + i
                + "].type: 'multilabel' is not supported for image-folder labels; expected"
                + " multiclass, binary or regression");
      }
    }
    if (!errors.isEmpty()) {
      throw new ConfigException(errors);
    }
    int n = table.rows().size();
    int[][] parts = split(table, splitCol, o.getDouble("test_split"), seed);
    int[] trainRows = parts[0];
    int[] testRows = parts[1];
    if (trainRows.length == 0 || testRows.length == 0) {
      throw new DataException(
          table.file() + ": too few images (" + n + ") for a training and a test part");
    }
    boolean rgb = o.getString("channels").equals("rgb");
    ImageFiles raw = ImageFiles.raw(size, rgb);
    float[] xTrain = decode(raw, dir, table, fileCol, trainRows);
    ImageFiles images = statistics(raw, xTrain, trainRows.length);
    normalise(images, xTrain);
    float[] xTest = decode(images, dir, table, fileCol, testRows);

    Map<String, Object> pre = new LinkedHashMap<>();
    pre.put("format", FORMAT);
    pre.put(InputLayout.IMAGE, InputLayout.imageEntry(images.shape()));
    pre.put(IMAGES, images.toMap());
    pre.put("id_columns", List.of(table.header().get(fileCol)));
    List<Task> built = new ArrayList<>();
    Map<String, List<String>> classes = new HashMap<>();
    Map<String, Object> labelInfo = new LinkedHashMap<>();
    for (int ti = 0; ti < tasks.size(); ti++) {
      TaskConfig t = tasks.get(ti);
      int c = table.column(t.label());
      List<String> cl = List.of();
      int out = 1;
      if (t.type() != TaskType.REGRESSION) {
        cl = CsvSource.classes(table, trainRows, c);
        if (t.type() == TaskType.BINARY ? cl.size() != 2 : cl.size() < 2) {
          throw new DataException(
              table.file()
                  + ", column '"
                  + t.label()
                  + "': a "
                  + t.type().configName()
                  + " task needs "
                  + (t.type() == TaskType.BINARY ? "exactly 2" : "at least 2")
                  + " distinct labels in the training images, found "
                  + cl);
        }
        if (t.type() == TaskType.BINARY && t.positive() != null) {
          cl = CsvSource.positiveLast(cl, t.positive(), ti, table);
        }
        out = t.type() == TaskType.BINARY ? 1 : cl.size();
      }
      classes.put(t.name(), cl);
      labelInfo.put(t.name(), Map.of("column", t.label(), "classes", cl));
      built.add(TaskFactory.build(t, out));
    }
    pre.put("labels", labelInfo);
    return new Dataset(
        built,
        Split.all(labels(table, trainRows, xTrain, images, tasks, classes)),
        Split.all(labels(table, testRows, xTest, images, tasks, classes)),
        pre);
  }

  private static int[][] split(CsvTable table, int splitCol, double fraction, long seed) {
    int n = table.rows().size();
    if (splitCol >= 0) {
      List<Integer> train = new ArrayList<>();
      List<Integer> test = new ArrayList<>();
      for (int r = 0; r < n; r++) {
        String v = table.rows().get(r)[splitCol].trim().toLowerCase(Locale.ROOT);
        if (v.equals("train")) {
          train.add(r);
        } else if (v.equals("test")) {
          test.add(r);
        } else {
          throw new DataException(
              table.where(r, splitCol) + ": '" + v + "' is neither train nor test");
        }
      }
      return new int[][] {
        train.stream().mapToInt(Integer::intValue).toArray(),
        test.stream().mapToInt(Integer::intValue).toArray()
      };
    }
    if (!(fraction > 0 && fraction < 1)) {
      throw Options.invalid("data.options", "test_split", fraction, "in (0, 1)");
    }
    int[] perm = Permutations.of(n, CounterRng.derive(seed, 201));
    int nTest = (int) Math.round(n * fraction);
    int[] test = Arrays.copyOfRange(perm, 0, nTest);
    int[] train = Arrays.copyOfRange(perm, nTest, n);
    Arrays.sort(test);
    Arrays.sort(train);
    return new int[][] {train, test};
  }

  private static float[] decode(
      ImageFiles images, Path dir, CsvTable table, int fileCol, int[] rows) {
    int d = images.rowSize();
    if ((long) rows.length * d > Integer.MAX_VALUE - 8) {
      throw new DataException(
          table.file()
              + ": "
              + rows.length
              + " images of "
              + images.shape()
              + " exceed one array ("
              + (Integer.MAX_VALUE / d)
              + " at most); use a smaller size");
    }
    float[] x = new float[rows.length * d];
    for (int i = 0; i < rows.length; i++) {
      String name = table.rows().get(rows[i])[fileCol];
      if (name.isBlank()) {
        throw new DataException(table.where(rows[i], fileCol) + ": no file name");
      }
      try {
        images.decode(dir.resolve(name), x, i * d);
      } catch (DataException e) {
        throw new DataException(table.where(rows[i], fileCol) + ": " + e.getMessage(), e);
      }
    }
    return x;
  }

  /**
   * The image files of {@code folder} (by extension, {@link ImageFiles#EXTENSIONS}), sorted by
   * name, as a one-column table for {@code predict}: the column {@code fileColumn} names each file.
   */
  public static CsvTable listing(Path folder, String fileColumn) {
    if (!java.nio.file.Files.isDirectory(folder)) {
      throw new DataException(
          folder + ": not a folder; predict with an image-folder model reads a folder of images");
    }
    List<String> names;
    try (var files = java.nio.file.Files.list(folder)) {
      names =
          files
              .filter(java.nio.file.Files::isRegularFile)
              .map(f -> f.getFileName().toString())
              .filter(
                  f ->
                      ImageFiles.EXTENSIONS.stream()
                          .anyMatch(e -> f.toLowerCase(Locale.ROOT).endsWith(e)))
              .sorted()
              .toList();
    } catch (java.io.IOException e) {
      throw new DataException(folder + ": cannot be listed: " + e.getMessage(), e);
    }
    if (names.isEmpty()) {
      throw new DataException(
          folder + ": no image files (" + String.join(", ", ImageFiles.EXTENSIONS) + ")");
    }
    List<String[]> rows = names.stream().map(f -> new String[] {f}).toList();
    int[] lines = new int[rows.size()];
    Arrays.setAll(lines, i -> i + 2);
    return new CsvTable(folder, List.of(fileColumn), rows, lines);
  }

  /** The images a {@link #listing} names, prepared as the checkpoint's preprocessing says. */
  public static float[] decodeListing(Map<String, Object> preprocessing, Path folder, CsvTable t) {
    if (!(preprocessing.get(IMAGES) instanceof Map<?, ?> m)) {
      throw new DataException("the checkpoint's preprocessing lacks '" + IMAGES + "'");
    }
    ImageFiles images = ImageFiles.of(m);
    int[] rows = new int[t.rows().size()];
    Arrays.setAll(rows, i -> i);
    return decode(images, folder, t, 0, rows);
  }

  /** Per-channel mean and population std of the raw [0, 1] pixels of the training images. */
  private static ImageFiles statistics(ImageFiles raw, float[] x, int n) {
    int c = raw.channels();
    int plane = raw.size() * raw.size();
    double[] mean = new double[c];
    double[] std = new double[c];
    for (int k = 0; k < c; k++) {
      double s = 0;
      for (int i = 0; i < n; i++) {
        int base = i * c * plane + k * plane;
        for (int p = 0; p < plane; p++) {
          s += x[base + p];
        }
      }
      mean[k] = s / ((double) n * plane);
      double q = 0;
      for (int i = 0; i < n; i++) {
        int base = i * c * plane + k * plane;
        for (int p = 0; p < plane; p++) {
          double dv = x[base + p] - mean[k];
          q += dv * dv;
        }
      }
      double sd = Math.sqrt(q / ((double) n * plane));
      std[k] = sd > 1e-6 ? sd : 1.0;
    }
    return raw.normalised(mean, std);
  }

  private static void normalise(ImageFiles images, float[] x) {
    int c = images.channels();
    int plane = images.size() * images.size();
    for (int i = 0; i < x.length; i++) {
      int k = (i / plane) % c;
      x[i] = (float) ((x[i] - images.mean()[k]) / images.std()[k]);
    }
  }

  private static Examples labels(
      CsvTable table,
      int[] rows,
      float[] x,
      ImageFiles images,
      List<TaskConfig> tasks,
      Map<String, List<String>> classes) {
    Map<String, float[]> targets = new HashMap<>();
    Map<String, float[]> masks = new HashMap<>();
    for (TaskConfig t : tasks) {
      float[] y = new float[rows.length];
      float[] m = new float[rows.length];
      int c = table.column(t.label());
      for (int i = 0; i < rows.length; i++) {
        String v = table.rows().get(rows[i])[c];
        if (v.isEmpty()) {
          continue;
        }
        if (t.type() == TaskType.REGRESSION) {
          y[i] = (float) CsvSchema.number(table, rows[i], c);
        } else {
          int k = classes.get(t.name()).indexOf(v);
          if (k < 0) {
            throw new DataException(
                table.where(rows[i], c)
                    + ": '"
                    + v
                    + "' is not a label of the training images; expected one of "
                    + classes.get(t.name()));
          }
          y[i] = k;
        }
        m[i] = 1f;
      }
      targets.put(t.name(), y);
      masks.put(t.name(), m);
    }
    return new Examples(rows.length, images.rowSize(), x, targets, masks);
  }
}
