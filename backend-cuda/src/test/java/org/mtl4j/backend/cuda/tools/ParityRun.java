package org.mtl4j.backend.cuda.tools;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.mtl4j.api.backend.BackendOptions;
import org.mtl4j.api.backend.ComputeBackend;
import org.mtl4j.api.testing.ReferenceBackend;
import org.mtl4j.backend.cuda.CudaBackendProvider;

/**
 * CPU/GPU parity of a whole training run: the reference HPS model trained for {@code steps} Adam
 * steps from the same initial weights on the same batches, on the pure-Java {@link
 * ReferenceBackend} and on the CUDA backend, comparing the loss of every step (relative tolerance
 * 1e-3).
 *
 * <pre>
 *   ParityRun reference FILE [steps] [batch]   write the reference losses (no GPU needed)
 *   ParityRun compare FILE [steps] [batch]     train on CUDA and compare with FILE
 * </pre>
 *
 * Exit status 1 when a step is out of tolerance.
 */
public final class ParityRun {
  static final long MODEL_SEED = 2024L;
  static final long DATA_SEED = 7L;
  static final double TOLERANCE = 1e-3;

  private ParityRun() {}

  static List<Float> train(ComputeBackend backend, int steps, int batch) {
    SyntheticFashion data = new SyntheticFashion(Math.min(steps * batch, 60_000), DATA_SEED);
    List<Float> losses = new ArrayList<>();
    try (HpsModel model = new HpsModel(backend, MODEL_SEED)) {
      for (int s = 0; s < steps; s++) {
        long t0 = System.nanoTime();
        losses.add(model.trainStep(data, s, batch, true));
        if (s % 10 == 0 || s == steps - 1) {
          System.out.printf(
              "  %s step %d loss %.6f (%.1f ms)%n",
              backend.name(), s, losses.get(s), (System.nanoTime() - t0) / 1e6);
        }
      }
    }
    return losses;
  }

  public static void main(String[] args) throws IOException {
    if (args.length < 2) {
      System.err.println("usage: ParityRun reference|compare FILE [steps] [batch]");
      System.exit(2);
    }
    Path file = Path.of(args[1]);
    int steps = args.length > 2 ? Integer.parseInt(args[2]) : 100;
    int batch = args.length > 3 ? Integer.parseInt(args[3]) : 256;
    if (args[0].equals("reference")) {
      List<Float> losses;
      try (ReferenceBackend ref = new ReferenceBackend()) {
        losses = train(ref, steps, batch);
      }
      List<String> lines = new ArrayList<>();
      lines.add(
          "# reference HPS losses: steps="
              + steps
              + " batch="
              + batch
              + " modelSeed="
              + MODEL_SEED
              + " dataSeed="
              + DATA_SEED);
      for (float l : losses) {
        lines.add(Float.toString(l));
      }
      Files.write(file, lines);
      System.out.println("wrote " + losses.size() + " reference losses to " + file);
      return;
    }
    List<Float> expected = new ArrayList<>();
    for (String line : Files.readAllLines(file)) {
      if (!line.startsWith("#") && !line.isBlank()) {
        expected.add(Float.parseFloat(line.trim()));
      }
    }
    if (expected.size() < steps) {
      throw new IllegalArgumentException(
          file + " holds " + expected.size() + " losses, fewer than " + steps + " steps");
    }
    List<Float> actual;
    try (ComputeBackend gpu = new CudaBackendProvider().create(BackendOptions.defaults())) {
      System.out.println("device: " + gpu.deviceDescription());
      actual = train(gpu, steps, batch);
    }
    double worst = 0;
    int worstStep = -1;
    int failures = 0;
    System.out.println("step  reference  cuda  relative-difference");
    for (int s = 0; s < steps; s++) {
      double e = expected.get(s);
      double a = actual.get(s);
      double rel = Math.abs(a - e) / Math.max(Math.abs(e), 1e-12);
      if (!(rel <= TOLERANCE)) {
        failures++;
      }
      if (!(rel <= worst)) {
        worst = rel;
        worstStep = s;
      }
      System.out.printf(
          "%4d  %.7f  %.7f  %.3e%s%n", s, e, a, rel, rel <= TOLERANCE ? "" : "  FAIL");
    }
    System.out.printf(
        "PARITY %s: %d steps, batch %d, max relative loss difference %.3e at step %d"
            + " (tolerance %.0e), first loss %.6f, last loss %.6f%n",
        failures == 0 ? "PASS" : "FAIL",
        steps,
        batch,
        worst,
        worstStep,
        TOLERANCE,
        actual.get(0),
        actual.get(steps - 1));
    if (failures > 0) {
      System.exit(1);
    }
  }
}
