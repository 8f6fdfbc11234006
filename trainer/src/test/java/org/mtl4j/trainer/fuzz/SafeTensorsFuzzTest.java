package org.mtl4j.trainer.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Jazzer fuzz target: {@link FuzzTargets#safetensors}. Every build replays the committed corpus
 * ({@code src/test/resources/org/mtl4j/trainer/fuzz/SafeTensorsFuzzTestInputs/safetensors},
 * findings included); {@code ./mvnw -pl trainer -am test -Pfuzz} fuzzes each target for {@code
 * maxDuration}.
 */
class SafeTensorsFuzzTest {
  @FuzzTest(maxDuration = "2m")
  void safetensors(byte[] data) {
    FuzzTargets.safetensors(data);
  }
}
