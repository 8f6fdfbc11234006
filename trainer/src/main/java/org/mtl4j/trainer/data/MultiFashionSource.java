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
 * The {@code multi-fashion} data source (see {@link MultiFashionGenerator}): {@code size} x {@code
 * size} features (36x36 = 1296 by default), made by the recipe its options choose ({@code
 * placement}, {@code pairing}, {@code size}, {@code mean}, {@code std}; stored in the preprocessing
 * under {@value #COMPOSITES}); labels {@code left} and {@code right}, the classes of the two items.
 * Training composites use training images only, test composites test images only.
 */
public final class MultiFashionSource implements DataSource {
  /**
   * One row as an image with the default {@code size}: what convolutional trunks read (MLPs read
   * the row as it is).
   */
  public static final FeatureShape IMAGE =
      new FeatureShape(1, MultiFashionGenerator.SIZE, MultiFashionGenerator.SIZE);

  /** The preprocessing key of the composite recipe ({@link #entry}). */
  public static final String COMPOSITES = "composites";

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
    o.add(
        OptionSpec.ofChoice(
            "placement",
            "random",
            "random: each item shifted by up to 4 pixels; fixed: left item at (0, 0), right at (6,"
                + " 6) (Sener and Koltun)",
            "random",
            "fixed"));
    o.add(
        OptionSpec.ofChoice(
            "pairing",
            "different-classes",
            "different-classes: two random items of different classes; every-image: composite i"
                + " pairs image i with a random image of any class (Sener and Koltun)",
            "different-classes",
            "every-image"));
    o.add(
        OptionSpec.ofInt(
            "size",
            MultiFashionGenerator.SIZE,
            "side of the composite, resized by nearest neighbour"));
    o.add(OptionSpec.ofDouble("mean", 0.0, "subtracted from every pixel in [0, 1]"));
    o.add(OptionSpec.ofDouble("std", 1.0, "divides every pixel after the mean is subtracted"));
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
    MultiFashionGenerator.Recipe recipe = recipe(o);
    FashionMnist raw = FashionMnistSource.read(files, o);
    Examples train =
        examples(
            MultiFashionGenerator.generate(
                raw.trainImages(),
                raw.trainLabels(),
                trainSize,
                CounterRng.derive(seed, 101),
                recipe),
            tasks);
    Examples test =
        examples(
            MultiFashionGenerator.generate(
                raw.testImages(), raw.testLabels(), testSize, CounterRng.derive(seed, 102), recipe),
            tasks);
    List<Task> built = new ArrayList<>();
    for (TaskConfig t : tasks) {
      built.add(TaskFactory.build(t, FashionMnist.CLASSES));
    }
    return new Dataset(
        built,
        Split.all(train),
        Split.all(test),
        Map.of(
            InputLayout.IMAGE,
            InputLayout.imageEntry(new FeatureShape(1, recipe.size(), recipe.size())),
            COMPOSITES,
            entry(recipe)));
  }

  /**
   * The recipe as stored in the preprocessing ({@value #COMPOSITES} in {@code checkpoint.json}): a
   * row the model reads is {@code (p - mean) / std} of pixels p in [0, 1] of a {@code size} x
   * {@code size} composite.
   */
  static Map<String, Object> entry(MultiFashionGenerator.Recipe r) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("placement", r.placement() == MultiFashionGenerator.Placement.FIXED ? "fixed" : "random");
    m.put(
        "pairing",
        r.pairing() == MultiFashionGenerator.Pairing.EVERY_IMAGE
            ? "every-image"
            : "different-classes");
    m.put("size", r.size());
    m.put("mean", Double.parseDouble(Float.toString(r.mean())));
    m.put("std", Double.parseDouble(Float.toString(r.std())));
    return m;
  }

  /** The composite recipe of the options; a user error names a bad {@code size} or {@code std}. */
  static MultiFashionGenerator.Recipe recipe(Options o) {
    int size = o.getInt("size");
    if (size < 1 || size > MultiFashionGenerator.SIZE) {
      throw Options.invalid("data.options", "size", size, "a side in [1, 36]");
    }
    double mean = o.getDouble("mean");
    double std = o.getDouble("std");
    if (!Float.isFinite((float) mean)) {
      throw Options.invalid("data.options", "mean", mean, "a finite number");
    }
    if (!((float) std > 0f) || !Float.isFinite((float) std)) {
      throw Options.invalid("data.options", "std", std, "a finite number above 0");
    }
    return new MultiFashionGenerator.Recipe(
        o.getString("placement").equals("fixed")
            ? MultiFashionGenerator.Placement.FIXED
            : MultiFashionGenerator.Placement.RANDOM,
        o.getString("pairing").equals("every-image")
            ? MultiFashionGenerator.Pairing.EVERY_IMAGE
            : MultiFashionGenerator.Pairing.DIFFERENT_CLASSES,
        size,
        (float) mean,
        (float) std);
  }

  private static Examples examples(MultiFashionGenerator.Composites c, List<TaskConfig> tasks) {
    Map<String, float[]> targets = new HashMap<>();
    for (TaskConfig t : tasks) {
      targets.put(t.name(), t.label().equals("left") ? c.left() : c.right());
    }
    int d = c.size() * c.size();
    return new Examples(c.count(), d, c.pixels(), targets, Map.of());
  }
}
