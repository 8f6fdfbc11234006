package org.mtl4j.weighting;

import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.mtl4j.api.autograd.Parameter;
import org.mtl4j.api.backend.ComputeBackend;
import org.mtl4j.api.task.Batch;
import org.mtl4j.api.task.Task;
import org.mtl4j.api.task.TaskType;
import org.mtl4j.api.tensor.Shape;
import org.mtl4j.api.tensor.Tensor;

/** Test helpers: host copies, random data, assertions on arrays. */
final class Host {
  private Host() {}

  static double[] values(ComputeBackend b, Tensor t) {
    float[] f = b.toHost(t);
    double[] d = new double[f.length];
    for (int i = 0; i < f.length; i++) {
      d[i] = f[i];
    }
    return d;
  }

  static void set(ComputeBackend b, Parameter p, double... values) {
    float[] f = new float[values.length];
    for (int i = 0; i < values.length; i++) {
      f[i] = (float) values[i];
    }
    b.upload(f, p.value());
  }

  static double[] grad(ComputeBackend b, Parameter p) {
    return values(b, p.grad());
  }

  static double gaussian(SplittableRandom r) {
    return Math.sqrt(-2 * Math.log(1 - r.nextDouble())) * Math.cos(2 * Math.PI * r.nextDouble());
  }

  /** A random batch (not scoped: the caller closes the tensors) with labels for every task. */
  static Batch randomBatch(ComputeBackend b, List<Task> tasks, int n, int inputSize, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    float[] x = new float[n * inputSize];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) gaussian(r);
    }
    Map<String, Tensor> targets = new java.util.LinkedHashMap<>();
    for (Task t : tasks) {
      int cols = t.targetColumns();
      float[] y = new float[n * cols];
      for (int i = 0; i < y.length; i++) {
        y[i] =
            switch (t.type()) {
              case REGRESSION -> (float) gaussian(r);
              case BINARY, MULTILABEL -> r.nextBoolean() ? 1f : 0f;
              case MULTICLASS -> r.nextInt(t.outputSize());
            };
      }
      targets.put(t.name(), b.fromHost(Shape.matrix(n, cols), y));
    }
    return new Batch(b.fromHost(Shape.matrix(n, inputSize), x), targets, Map.of());
  }

  /** Three tasks of different types. */
  static List<Task> mixedTasks() {
    return List.of(
        Task.of("reg", TaskType.REGRESSION, 2).withWeight(0.7),
        Task.of("bin", TaskType.BINARY, 1).withWeight(1.3),
        Task.of("cls", TaskType.MULTICLASS, 3).withWeight(0.4));
  }

  static double maxAbs(double[] a) {
    double m = 0;
    for (double v : a) {
      m = Math.max(m, Math.abs(v));
    }
    return m;
  }

  /** Asserts element-wise closeness relative to the larger array's magnitude. */
  static void assertClose(double[] expected, double[] actual, double relTol, String what) {
    org.junit.jupiter.api.Assertions.assertEquals(expected.length, actual.length, what + " length");
    double scale = Math.max(1e-12, Math.max(maxAbs(expected), maxAbs(actual)));
    for (int i = 0; i < expected.length; i++) {
      if (!(Math.abs(expected[i] - actual[i]) <= relTol * scale)) {
        org.junit.jupiter.api.Assertions.fail(
            what
                + "["
                + i
                + "]: expected "
                + expected[i]
                + " but was "
                + actual[i]
                + " (scale "
                + scale
                + ")\nexpected "
                + java.util.Arrays.toString(expected)
                + "\nactual   "
                + java.util.Arrays.toString(actual));
      }
    }
  }
}
