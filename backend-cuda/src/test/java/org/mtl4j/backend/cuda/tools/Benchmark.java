package org.mtl4j.backend.cuda.tools;

import java.util.Random;
import org.mtl4j.api.backend.BackendOptions;
import org.mtl4j.api.backend.ComputeBackend;
import org.mtl4j.api.tensor.Shape;
import org.mtl4j.api.tensor.Tensor;
import org.mtl4j.backend.cuda.CudaBackendProvider;

/**
 * GPU throughput of the CUDA backend: SGEMM GFLOP/s (4096^3 and the model's first layer) and
 * training samples/s of the reference HPS model at batch 256 and 4096, counting the whole epoch
 * (host shuffle, batch gather, upload, forward, backward, Adam), as ../shared/bench describes.
 * Prints {@code RESULT key=value} lines for device-check.sh to compare with PyTorch.
 *
 * <pre>Benchmark [epochs] [samples]</pre>
 */
public final class Benchmark {
  private Benchmark() {}

  static double gemmGflops(ComputeBackend gpu, int m, int n, int k, int reps) {
    Random r = new Random(1);
    float[] av = new float[m * k];
    float[] bv = new float[k * n];
    for (int i = 0; i < av.length; i++) {
      av[i] = r.nextFloat() - 0.5f;
    }
    for (int i = 0; i < bv.length; i++) {
      bv[i] = r.nextFloat() - 0.5f;
    }
    try (Tensor a = gpu.fromHost(Shape.matrix(m, k), av);
        Tensor b = gpu.fromHost(Shape.matrix(k, n), bv);
        Tensor c = gpu.allocate(Shape.matrix(m, n))) {
      for (int i = 0; i < 3; i++) {
        gpu.gemm(false, false, 1f, a, b, 0f, c);
      }
      gpu.synchronize();
      long t0 = System.nanoTime();
      for (int i = 0; i < reps; i++) {
        gpu.gemm(false, false, 1f, a, b, 0f, c);
      }
      gpu.synchronize();
      double s = (System.nanoTime() - t0) / 1e9;
      return 2.0 * m * n * k * reps / s / 1e9;
    }
  }

  static double samplesPerSecond(ComputeBackend gpu, SyntheticFashion data, int batch, int epochs) {
    int steps = data.size() / batch;
    int[] order = new int[data.size()];
    Random shuffle = new Random(3);
    try (HpsModel model = new HpsModel(gpu, 11L)) {
      double[] rates = new double[epochs];
      float loss = Float.NaN;
      long allocsAfterWarmup = 0;
      for (int e = 0; e <= epochs; e++) {
        long t0 = System.nanoTime();
        for (int i = 0; i < order.length; i++) {
          order[i] = i;
        }
        for (int i = order.length - 1; i > 0; i--) {
          int j = shuffle.nextInt(i + 1);
          int t = order[i];
          order[i] = order[j];
          order[j] = t;
        }
        for (int s = 0; s < steps; s++) {
          loss = model.trainStep(data, order, s * batch, batch, s == steps - 1);
        }
        gpu.synchronize();
        double secs = (System.nanoTime() - t0) / 1e9;
        if (e == 0) {
          allocsAfterWarmup = gpu.memoryStats().systemAllocations();
        } else {
          rates[e - 1] = (double) steps * batch / secs;
        }
        System.out.printf(
            "  batch %d epoch %d%s: %.0f samples/s, loss %.4f%n",
            batch, e, e == 0 ? " (warm-up)" : "", steps * batch / secs, loss);
      }
      long extra = gpu.memoryStats().systemAllocations() - allocsAfterWarmup;
      System.out.printf("  batch %d: cuMemAlloc calls after warm-up: %d%n", batch, extra);
      java.util.Arrays.sort(rates);
      return rates[rates.length / 2];
    }
  }

  public static void main(String[] args) {
    int epochs = args.length > 0 ? Integer.parseInt(args[0]) : 3;
    int samples = args.length > 1 ? Integer.parseInt(args[1]) : 60_000;
    try (ComputeBackend gpu = new CudaBackendProvider().create(BackendOptions.defaults())) {
      System.out.println("device: " + gpu.deviceDescription());
      double big = gemmGflops(gpu, 4096, 4096, 4096, 20);
      System.out.printf("RESULT gemm_4096_gflops=%.1f%n", big);
      double layer = gemmGflops(gpu, 256, 512, 784, 200);
      System.out.printf("RESULT gemm_256x512x784_gflops=%.1f%n", layer);
      SyntheticFashion data = new SyntheticFashion(samples, 5L);
      for (int batch : new int[] {256, 4096}) {
        double rate = samplesPerSecond(gpu, data, batch, epochs);
        System.out.printf("RESULT train_b%d_samples_per_s=%.0f%n", batch, rate);
      }
      System.out.println("memory: " + gpu.memoryStats());
    }
  }
}
