package org.mtl4j.trainer.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Jazzer fuzz target: {@link FuzzTargets#config}. Every build replays the committed corpus ({@code
 * src/test/resources/org/mtl4j/trainer/fuzz/ConfigFuzzTestInputs/config}, findings included);
 * {@code ./mvnw -pl trainer -am test -Pfuzz} fuzzes each target for {@code maxDuration}.
 */
class ConfigFuzzTest {
  @FuzzTest(maxDuration = "2m")
  void config(byte[] data) {
    FuzzTargets.config(data);
  }
}
