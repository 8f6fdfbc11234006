package org.mtl4j.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.mtl4j.trainer.Mtl4j;
import org.mtl4j.trainer.config.Mtl4jConfig;
import org.mtl4j.trainer.data.Dataset;
import org.mtl4j.trainer.data.Datasets;
import org.mtl4j.trainer.data.Examples;
import org.mtl4j.trainer.metrics.EpochRecord;
import org.mtl4j.trainer.training.Trainer;
import org.mtl4j.trainer.training.TrainingResult;

/**
 * One side of the MultiFashion LeNet comparison with PyTorch ({@code multi-fashion-lenet.sh}):
 * takes a config ({@code examples/multi-fashion-lenet.yaml}), overrides seed, epochs and sizes,
 * writes the exact composites the run trains and tests on (little-endian float32 files that {@code
 * torch_lenet.py} reads), trains through {@link Trainer} (no validation split, so every composite
 * trains on both sides) and prints {@code key=value} lines: per-task test accuracy and the training
 * throughput (composites per second over epochs 2..N, median; epoch 1 includes JIT warm-up).
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar org.mtl4j.benchmarks.LenetHarness \
 *     --config examples/multi-fashion-lenet.yaml --seed 1 --epochs 10 --train-size 60000 \
 *     --test-size 10000 --out /tmp/lenet-1 [--strategy hard] [--weighting equal]
 * </pre>
 */
public final class LenetHarness {
  private LenetHarness() {}

  public static void main(String[] args) throws IOException {
    Path config = Path.of("examples/multi-fashion-lenet.yaml");
    Path out = null;
    long seed = 1;
    int epochs = 10;
    int trainSize = 60000;
    int testSize = 10000;
    String strategy = null;
    String weighting = null;
    for (int i = 0; i < args.length; i += 2) {
      String v = args[i + 1];
      switch (args[i]) {
        case "--config" -> config = Path.of(v);
        case "--out" -> out = Path.of(v);
        case "--seed" -> seed = Long.parseLong(v);
        case "--epochs" -> epochs = Integer.parseInt(v);
        case "--train-size" -> trainSize = Integer.parseInt(v);
        case "--test-size" -> testSize = Integer.parseInt(v);
        case "--strategy" -> strategy = v;
        case "--weighting" -> weighting = v;
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    if (out == null) {
      throw new IllegalArgumentException("--out DIR is required");
    }
    Files.createDirectories(out);
    ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
    ObjectNode root = (ObjectNode) yaml.readTree(config.toFile());
    root.put("seed", seed);
    root.put("output", out.resolve("runs").toString());
    ((ObjectNode) root.with("data").with("options")).put("train_size", trainSize);
    ((ObjectNode) root.with("data").with("options")).put("test_size", testSize);
    ObjectNode training = root.with("training");
    training.put("epochs", epochs);
    training.put("validation_split", 0.0);
    if (strategy != null) {
      root.with("model").put("strategy", strategy).remove("options");
    }
    if (weighting != null) {
      root.with("weighting").put("method", weighting).remove("options");
    }
    Mtl4jConfig c = Mtl4j.configReader().parse((JsonNode) root, config.toString(), "lenet-bench");
    Dataset data = Mtl4j.component(c, Datasets.class).load(c.data(), c.tasks(), c.seed());
    List<String> tasks = c.tasks().stream().map(t -> t.name()).toList();
    dump(out, "train", data.train().examples(), tasks);
    dump(out, "test", data.test().examples(), tasks);
    data = null;

    Trainer trainer = Mtl4j.trainer(c);
    TrainingResult r = trainer.train();
    System.out.println("mtl4j_backend=" + r.backend());
    List<Double> rates = new ArrayList<>();
    for (EpochRecord e : r.history()) {
      double rate = trainSize / e.seconds();
      System.out.printf("epoch %d: %.3fs, %.1f samples/s%n", e.epoch(), e.seconds(), rate);
      if (e.epoch() >= 2 || r.history().size() == 1) {
        rates.add(rate);
      }
    }
    System.out.printf("mtl4j_train_samples_per_s_median_epochs2plus=%.1f%n", median(rates));
    for (String t : tasks) {
      System.out.printf("mtl4j_test_acc_%s=%.4f%n", t, r.test().get(t).metrics().get("accuracy"));
    }
  }

  private static double median(List<Double> v) {
    double[] a = v.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    int n = a.length;
    return n == 0 ? Double.NaN : n % 2 == 1 ? a[n / 2] : (a[n / 2 - 1] + a[n / 2]) / 2;
  }

  /** {@code <split>_x.f32} ({@code [n, side * side]}, as the source delivers them) and one {@code <split>_<task>.f32} per task. */
  private static void dump(Path dir, String split, Examples e, List<String> tasks)
      throws IOException {
    write(dir.resolve(split + "_x.f32"), e.features(), e.size() * e.inputSize());
    for (String t : tasks) {
      write(dir.resolve(split + "_" + t + ".f32"), e.targets(t), e.size());
    }
    Files.writeString(
        dir.resolve(split + ".txt"), "n=" + e.size() + "\ninput_size=" + e.inputSize() + "\n");
  }

  private static void write(Path file, float[] v, int count) throws IOException {
    if (count > v.length) {
      throw new IllegalStateException(file + ": " + count + " values asked, " + v.length + " held");
    }
    ByteBuffer b = ByteBuffer.allocate(1 << 20).order(ByteOrder.LITTLE_ENDIAN);
    try (OutputStream os = Files.newOutputStream(file)) {
      for (int i = 0; i < count; i++) {
        if (!b.hasRemaining()) {
          os.write(b.array(), 0, b.position());
          b.clear();
        }
        b.putFloat(v[i]);
      }
      os.write(b.array(), 0, b.position());
    }
  }
}
