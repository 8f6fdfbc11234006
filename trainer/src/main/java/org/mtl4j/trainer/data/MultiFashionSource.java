package org.mtl4j.trainer.data;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.mtl4j.api.backend.CounterRng;
import org.mtl4j.api.nn.FeatureShape;
import org.mtl4j.api.options.OptionSpec;
import org.mtl4j.api.options.Options;
import org.mtl4j.api.task.Task;
import org.mtl4j.api.task.TaskType;
import org.mtl4j.trainer.config.TaskConfig;

/**
 * The {@code multi-fashion} data source (see {@link MultiFashionGenerator}): 36x36 = 1296 features;
 * labels {@code left} and {@code right}, the classes of the two items. Training composites use
 * training images only, test composites test images only.
 */
public final class MultiFashionSource implements DataSource {
  /** One row as an image: what convolutional trunks read (MLPs read the row as it is). */
  public static final FeatureShape IMAGE =
      new FeatureShape(1, MultiFashionGenerator.SIZE, MultiFashionGenerator.SIZE);

  private final FashionMnistFiles files;

  /**
   * Reads the Fashion-MNIST files from the standard places ({@link FashionMnistFiles#standard()}).
   */
  public MultiFashionSource() {
    this(FashionMnistFiles.standard());
  }

  public MultiFashionSource(FashionMnistFiles files) {
    this.files = files;
  }

  @Override
  public String name() {
    return "multi-fashion";
  }

  @Override
  public String description() {
    return "MultiFashion (Sener and Koltun 2018; Lin et al. 2019): two Fashion-MNIST items on a"
        + " 36x36 canvas; labels left, right";
  }

  @Override
  public List<OptionSpec> options() {
    List<OptionSpec> o = new ArrayList<>(FashionMnistSource.fileOptions());
    o.add(OptionSpec.ofInt("train_size", 30000, "number of training composites"));
    o.add(OptionSpec.ofInt("test_size", 5000, "number of test composites"));
    return o;
  }

  @Override
  public List<PathOption> pathOptions() {
    return FashionMnistSource.filePathOptions();
  }

  @Override
  public Optional<Map<String, Set<TaskType>>> labels() {
    Map<String, Set<TaskType>> m = new LinkedHashMap<>();
    m.put("left", Set.of(TaskType.MULTICLASS));
    m.put("right", Set.of(TaskType.MULTICLASS));
    return Optional.of(m);
  }

  @Override
  public Dataset load(Options o, List<TaskConfig> tasks, long seed) {
    int trainSize = o.getInt("train_size");
    int testSize = o.getInt("test_size");
    if (trainSize <= 0 || testSize <= 0) {
      throw Options.invalid(
          "data.options",
          trainSize <= 0 ? "train_size" : "test_size",
          trainSize <= 0 ? trainSize : testSize,
          "a positive number of composites");
    }
    FashionMnist raw = FashionMnistSource.read(files, o);
    Examples train =
        examples(
            MultiFashionGenerator.generate(
                raw.trainImages(), raw.trainLabels(), trainSize, CounterRng.derive(seed, 101)),
            tasks);
    Examples test =
        examples(
            MultiFashionGenerator.generate(
                raw.testImages(), raw.testLabels(), testSize, CounterRng.derive(seed, 102)),
            tasks);
    List<Task> built = new ArrayList<>();
    for (TaskConfig t : tasks) {
      built.add(TaskFactory.build(t, FashionMnist.CLASSES));
    }
    return new Dataset(
        built,
        Split.all(train),
        Split.all(test),
        Map.of(InputLayout.IMAGE, InputLayout.imageEntry(IMAGE)));
  }

  private static Examples examples(MultiFashionGenerator.Composites c, List<TaskConfig> tasks) {
    Map<String, float[]> targets = new HashMap<>();
    for (TaskConfig t : tasks) {
      targets.put(t.name(), t.label().equals("left") ? c.left() : c.right());
    }
    int d = MultiFashionGenerator.SIZE * MultiFashionGenerator.SIZE;
    return new Examples(c.count(), d, c.pixels(), targets, Map.of());
  }
}
