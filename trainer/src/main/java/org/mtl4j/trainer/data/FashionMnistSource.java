package org.mtl4j.trainer.data;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.mtl4j.api.nn.FeatureShape;
import org.mtl4j.api.options.OptionSpec;
import org.mtl4j.api.options.Options;
import org.mtl4j.api.task.Task;
import org.mtl4j.api.task.TaskType;
import org.mtl4j.trainer.config.TaskConfig;

/**
 * The {@code fashion-mnist} data source: 784 pixel features scaled to [0, 1] and the tasks of
 * {@link FashionLabels}.
 */
public final class FashionMnistSource implements DataSource {
  /** One row as an image: what convolutional trunks read (MLPs read the row as it is). */
  public static final FeatureShape IMAGE = new FeatureShape(1, 28, 28);

  private final FashionMnistFiles files;

  /** Reads the files from the standard places ({@link FashionMnistFiles#standard()}). */
  public FashionMnistSource() {
    this(FashionMnistFiles.standard());
  }

  public FashionMnistSource(FashionMnistFiles files) {
    this.files = files;
  }

  @Override
  public String name() {
    return "fashion-mnist";
  }

  @Override
  public String description() {
    return "Fashion-MNIST (Xiao et al. 2017): 28x28 clothing images; labels category, footwear,"
        + " group";
  }

  /** The options shared with the sources built on Fashion-MNIST images. */
  static List<OptionSpec> fileOptions() {
    return List.of(
        new OptionSpec(
            "dir",
            OptionSpec.Type.STRING,
            "",
            "folder with the four IDX .gz files (default: MTL4J_DATA, Debian's folder, cache)",
            List.of()),
        OptionSpec.ofBoolean("download", true, "download into the cache when not found"),
        new OptionSpec(
            "mirror",
            OptionSpec.Type.STRING,
            FashionMnistFiles.OFFICIAL_MIRROR,
            "base URL of the download",
            List.of()));
  }

  /** The path options shared with the sources built on Fashion-MNIST images. */
  static List<PathOption> filePathOptions() {
    return List.of(
        PathOption.folder("dir", "a folder holding " + String.join(", ", FashionMnistFiles.FILES)));
  }

  @Override
  public List<PathOption> pathOptions() {
    return filePathOptions();
  }

  @Override
  public List<OptionSpec> options() {
    List<OptionSpec> o = new ArrayList<>(fileOptions());
    o.add(OptionSpec.ofInt("train_limit", 0, "use only the first N training images (0: all)"));
    o.add(OptionSpec.ofInt("test_limit", 0, "use only the first N test images (0: all)"));
    return o;
  }

  @Override
  public Optional<Map<String, Set<TaskType>>> labels() {
    return Optional.of(FashionLabels.labels());
  }

  static FashionMnist read(FashionMnistFiles files, Options o) {
    return FashionMnist.read(
        files.locate(o.getString("dir"), o.getBoolean("download"), o.getString("mirror")));
  }

  @Override
  public Dataset load(Options o, List<TaskConfig> tasks, long seed) {
    FashionMnist raw = read(files, o);
    Examples train = examples(raw.trainImages(), raw.trainLabels(), tasks, o.getInt("train_limit"));
    Examples test = examples(raw.testImages(), raw.testLabels(), tasks, o.getInt("test_limit"));
    List<Task> built = new ArrayList<>();
    for (TaskConfig t : tasks) {
      int k = FashionLabels.classes(t.label());
      built.add(TaskFactory.build(t, t.type() == TaskType.BINARY ? 1 : k));
    }
    return new Dataset(
        built,
        Split.all(train),
        Split.all(test),
        Map.of(InputLayout.IMAGE, InputLayout.imageEntry(IMAGE)));
  }

  private static Examples examples(
      IdxReader.Images images, byte[] labels, List<TaskConfig> tasks, int limit) {
    int n = limit > 0 ? Math.min(limit, images.count()) : images.count();
    int d = images.rows() * images.cols();
    float[] x = new float[n * d];
    byte[] px = images.pixels();
    for (int i = 0; i < x.length; i++) {
      x[i] = (px[i] & 0xFF) / 255f;
    }
    Map<String, float[]> targets = new HashMap<>();
    for (TaskConfig t : tasks) {
      float[] y = new float[n];
      for (int i = 0; i < n; i++) {
        y[i] = FashionLabels.derive(t.label(), labels[i]);
      }
      targets.put(t.name(), y);
    }
    return new Examples(n, d, x, targets, Map.of());
  }
}
