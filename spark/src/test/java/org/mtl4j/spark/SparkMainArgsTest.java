package org.mtl4j.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class SparkMainArgsTest {
  @Test
  void parsesEveryOption() {
    SparkMain.Args a =
        SparkMain.Args.parse(
            new String[] {
              "-c",
              "x.yaml",
              "--master",
              "local[2]",
              "--mode",
              "average",
              "--average-every",
              "4",
              "--partitions",
              "3",
              "--resume",
              "runs/x"
            });
    assertEquals(Path.of("x.yaml"), a.config());
    assertEquals("local[2]", a.master());
    assertEquals(TrainingMode.AVERAGE, a.mode());
    assertEquals(4, a.averageEvery());
    assertEquals(3, a.partitions());
    assertEquals(Path.of("runs/x"), a.resume());
  }

  @Test
  void defaultsToSyncWithTheSubmittedMaster() {
    SparkMain.Args a = SparkMain.Args.parse(new String[] {"--config", "x.yaml"});
    assertEquals(TrainingMode.SYNC, a.mode());
    assertNull(a.master());
    assertEquals(0, a.partitions());
  }

  @Test
  void badArgumentsNameTheOffendingValue() {
    assertTrue(
        assertThrows(
                IllegalArgumentException.class,
                () -> SparkMain.Args.parse(new String[] {"--mode", "async", "-c", "x"}))
            .getMessage()
            .contains("'async' is not one of sync, average"));
    assertTrue(
        assertThrows(
                IllegalArgumentException.class,
                () -> SparkMain.Args.parse(new String[] {"-c", "x", "--average-every", "0"}))
            .getMessage()
            .contains("--average-every must be a positive integer, got '0'"));
    assertTrue(
        assertThrows(
                IllegalArgumentException.class,
                () -> SparkMain.Args.parse(new String[] {"--master", "local"}))
            .getMessage()
            .contains("-c config.yaml is required"));
    assertTrue(
        assertThrows(
                IllegalArgumentException.class,
                () -> SparkMain.Args.parse(new String[] {"-c", "x", "--bogus"}))
            .getMessage()
            .contains("unknown argument '--bogus'"));
    assertTrue(
        assertThrows(
                IllegalArgumentException.class,
                () -> new SparkTrainingOptions(TrainingMode.SYNC, 1, 0, 2, null))
            .getMessage()
            .contains("partitions must be >= 1, got 0"));
  }
}
