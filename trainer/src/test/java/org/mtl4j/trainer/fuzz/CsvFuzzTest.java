package org.mtl4j.trainer.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Jazzer fuzz target: {@link FuzzTargets#csv}. Every build replays the committed corpus ({@code
 * src/test/resources/org/mtl4j/trainer/fuzz/CsvFuzzTestInputs/csv}, findings included); {@code
 * ./mvnw -pl trainer -am test -Pfuzz} fuzzes each target for {@code maxDuration}.
 */
class CsvFuzzTest {
  @FuzzTest(maxDuration = "2m")
  void csv(byte[] data) {
    FuzzTargets.csv(data);
  }
}
