package org.mtl4j.integration.endtoend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mtl4j.integration.support.CliRun;

/**
 * {@code mtl4j train} with the default example (hard sharing, category + footwear) on the full
 * Fashion-MNIST training set at /usr/share/datasets/fashion-mnist, 2 epochs on the CPU.
 */
class FashionMnistTest {
  @TempDir Path tmp;

  @Test
  void hardSharingReachesTheIssuesAccuracyAfterTwoEpochs() throws IOException {
    assertTrue(
        Files.isRegularFile(
            Path.of("/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz")),
        "Fashion-MNIST is not installed at /usr/share/datasets/fashion-mnist");
    Path cfg = CliRun.repoRoot().resolve("examples/default.yaml");
    CliRun r =
        CliRun.of(
            "train",
            "-c",
            cfg.toString(),
            "--epochs",
            "2",
            "-b",
            "cpu",
            "-o",
            tmp.toString(),
            "-q");
    assertEquals(0, r.exitCode(), r.toString());
    assertTrue(r.out().contains("2 epochs"), r.out());
    double category = CsvRunTest.metric(r.out(), "category", "accuracy");
    double footwear = CsvRunTest.metric(r.out(), "footwear", "accuracy");
    assertTrue(category >= 0.85, "category accuracy " + category + "\n" + r.out());
    assertTrue(footwear >= 0.99, "footwear accuracy " + footwear + "\n" + r.out());
  }
}
