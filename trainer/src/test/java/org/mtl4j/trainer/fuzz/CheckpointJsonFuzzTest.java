package org.mtl4j.trainer.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Jazzer fuzz target: {@link FuzzTargets#checkpointJson}. Every build replays the committed corpus
 * ({@code src/test/resources/org/mtl4j/trainer/fuzz/CheckpointJsonFuzzTestInputs/checkpointJson},
 * findings included); {@code ./mvnw -pl trainer -am test -Pfuzz} fuzzes each target for {@code
 * maxDuration}.
 */
class CheckpointJsonFuzzTest {
  @FuzzTest(maxDuration = "2m")
  void checkpointJson(byte[] data) {
    FuzzTargets.checkpointJson(data);
  }
}
