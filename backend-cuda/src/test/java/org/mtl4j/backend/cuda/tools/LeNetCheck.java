package org.mtl4j.backend.cuda.tools;

import java.util.Random;
import org.mtl4j.api.backend.BackendOptions;
import org.mtl4j.api.backend.ComputeBackend;
import org.mtl4j.api.backend.Conv2dParams;
import org.mtl4j.api.tensor.Shape;
import org.mtl4j.api.tensor.Tensor;
import org.mtl4j.api.testing.ReferenceBackend;
import org.mtl4j.backend.cuda.CudaBackendProvider;

/**
 * The image primitives on a GPU machine, for device-check.sh: (1) parity of {@link LeNetStep}
 * training on the CUDA backend with the pure-Java reference backend (same weights, same data, every
 * step's loss and the final weights); (2) LeNet training step time and images/s at batch 256; (3)
 * GFLOP/s of the forward + backward (input and weight gradients) of a 3x3, 64 -> 64 channel
 * convolution on 32x32 images at batch 64, beside the 4096^3 sgemm. Prints {@code RESULT key=value}
 * lines (compared with torch_lenet_gpu.py) and {@code PARITY ok} or {@code PARITY FAIL}; exits 1 on
 * a failed parity.
 *
 * <pre>LeNetCheck [paritySteps] [benchSteps]</pre>
 */
public final class LeNetCheck {
  private LeNetCheck() {}

  static float[][] batch(int n, long seed) {
    Random r = new Random(seed);
    float[] x = new float[n * LeNetStep.SIDE * LeNetStep.SIDE];
    for (int i = 0; i < x.length; i++) {
      x[i] = r.nextFloat();
    }
    float[] left = new float[n];
    float[] right = new float[n];
    for (int i = 0; i < n; i++) {
      left[i] = r.nextInt(LeNetStep.CLASSES);
      right[i] = r.nextInt(LeNetStep.CLASSES);
    }
    return new float[][] {x, left, right};
  }

  static float[] train(ComputeBackend b, int batch, int steps, float[][] finalWeights) {
    float[] losses = new float[steps];
    try (LeNetStep model = new LeNetStep(b, 7L)) {
      for (int s = 0; s < steps; s++) {
        float[][] d = batch(batch, 100 + s);
        try (Tensor x = b.fromHost(Shape.of(batch, 1, LeNetStep.SIDE, LeNetStep.SIDE), d[0]);
            Tensor l = b.fromHost(Shape.column(batch), d[1]);
            Tensor r = b.fromHost(Shape.column(batch), d[2])) {
          losses[s] = model.step(x, l, r, 0.05f, true);
        }
      }
      for (int i = 0; i < finalWeights.length; i++) {
        finalWeights[i] = b.toHost(model.parameters().get(i));
      }
    }
    return losses;
  }

  static boolean parity(ComputeBackend gpu, int steps) {
    int batch = 32;
    float[][] wr = new float[10][];
    float[][] wg = new float[10][];
    float[] lr;
    try (ReferenceBackend ref = new ReferenceBackend()) {
      lr = train(ref, batch, steps, wr);
    }
    float[] lg = train(gpu, batch, steps, wg);
    boolean ok = true;
    for (int s = 0; s < steps; s++) {
      double rel = Math.abs(lr[s] - lg[s]) / Math.abs(lr[s]);
      System.out.printf("  step %d loss reference %.7f cuda %.7f rel %.2e%n", s, lr[s], lg[s], rel);
      ok &= rel <= 1e-4;
    }
    double worst = 0;
    for (int i = 0; i < wr.length; i++) {
      for (int j = 0; j < wr[i].length; j++) {
        worst = Math.max(worst, Math.abs(wr[i][j] - wg[i][j]));
      }
    }
    System.out.printf("  largest weight difference after %d steps: %.3e%n", steps, worst);
    ok &= worst <= 1e-4;
    return ok;
  }

  static double stepsPerSecond(ComputeBackend gpu, int batch, int steps) {
    float[][] d = batch(batch, 1);
    try (LeNetStep model = new LeNetStep(gpu, 7L);
        Tensor x = gpu.fromHost(Shape.of(batch, 1, LeNetStep.SIDE, LeNetStep.SIDE), d[0]);
        Tensor l = gpu.fromHost(Shape.column(batch), d[1]);
        Tensor r = gpu.fromHost(Shape.column(batch), d[2])) {
      for (int s = 0; s < 5; s++) {
        model.step(x, l, r, 0.01f, false);
      }
      gpu.synchronize();
      long allocs = gpu.memoryStats().systemAllocations();
      long t0 = System.nanoTime();
      for (int s = 0; s < steps; s++) {
        model.step(x, l, r, 0.01f, false);
      }
      gpu.synchronize();
      double secs = (System.nanoTime() - t0) / 1e9;
      System.out.printf(
          "  LeNet batch %d: %d steps in %.3f s, cuMemAlloc calls after warm-up: %d%n",
          batch, steps, secs, gpu.memoryStats().systemAllocations() - allocs);
      return steps / secs;
    }
  }

  static double convGflops(ComputeBackend gpu, int reps) {
    int n = 64;
    int c = 64;
    int side = 32;
    Conv2dParams p = Conv2dParams.of(1, 1, 1);
    Random r = new Random(2);
    float[] xv = new float[n * c * side * side];
    float[] wv = new float[c * c * 9];
    for (int i = 0; i < xv.length; i++) {
      xv[i] = r.nextFloat() - 0.5f;
    }
    for (int i = 0; i < wv.length; i++) {
      wv[i] = r.nextFloat() - 0.5f;
    }
    Shape img = Shape.of(n, c, side, side);
    try (Tensor x = gpu.fromHost(img, xv);
        Tensor w = gpu.fromHost(Shape.of(c, c, 3, 3), wv);
        Tensor bias = gpu.zeros(Shape.row(c));
        Tensor y = gpu.allocate(img);
        Tensor gx = gpu.allocate(img);
        Tensor gw = gpu.allocate(Shape.of(c, c, 3, 3));
        Tensor gb = gpu.allocate(Shape.row(c))) {
      for (int i = 0; i < reps + 3; i++) {
        if (i == 3) {
          gpu.synchronize();
        }
        gpu.conv2d(x, w, bias, p, y);
        gpu.conv2dBackwardInput(y, w, p, gx);
        gpu.conv2dBackwardWeight(x, y, p, 0f, gw, gb);
      }
      long t0 = System.nanoTime();
      for (int i = 0; i < reps; i++) {
        gpu.conv2d(x, w, bias, p, y);
        gpu.conv2dBackwardInput(y, w, p, gx);
        gpu.conv2dBackwardWeight(x, y, p, 0f, gw, gb);
      }
      gpu.synchronize();
      double secs = (System.nanoTime() - t0) / 1e9;
      double flops = 3 * 2.0 * n * c * side * side * c * 9;
      return flops * reps / secs / 1e9;
    }
  }

  public static void main(String[] args) {
    int paritySteps = args.length > 0 ? Integer.parseInt(args[0]) : 5;
    int benchSteps = args.length > 1 ? Integer.parseInt(args[1]) : 200;
    boolean ok;
    try (ComputeBackend gpu = new CudaBackendProvider().create(BackendOptions.defaults())) {
      System.out.println("device: " + gpu.deviceDescription());
      ok = parity(gpu, paritySteps);
      System.out.println(ok ? "PARITY ok" : "PARITY FAIL");
      double sps = stepsPerSecond(gpu, 256, benchSteps);
      System.out.printf("RESULT lenet_b256_step_ms=%.3f%n", 1000 / sps);
      System.out.printf("RESULT lenet_b256_images_per_s=%.0f%n", sps * 256);
      System.out.printf(
          "RESULT conv3x3_64x64_32x32_b64_fwd_bwd_gflops=%.1f%n", convGflops(gpu, 20));
      System.out.printf(
          "RESULT gemm_4096_gflops=%.1f%n", Benchmark.gemmGflops(gpu, 4096, 4096, 4096, 20));
      System.out.println("memory: " + gpu.memoryStats());
    }
    System.exit(ok ? 0 : 1);
  }
}
