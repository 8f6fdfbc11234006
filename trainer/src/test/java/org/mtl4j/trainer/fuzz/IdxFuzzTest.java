package org.mtl4j.trainer.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Jazzer fuzz target: {@link FuzzTargets#idx}. Every build replays the committed corpus ({@code
 * src/test/resources/org/mtl4j/trainer/fuzz/IdxFuzzTestInputs/idx}, findings included); {@code
 * ./mvnw -pl trainer -am test -Pfuzz} fuzzes each target for {@code maxDuration}.
 */
class IdxFuzzTest {
  @FuzzTest(maxDuration = "2m")
  void idx(byte[] data) {
    FuzzTargets.idx(data);
  }
}
