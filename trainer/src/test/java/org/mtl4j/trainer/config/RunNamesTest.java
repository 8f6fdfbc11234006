package org.mtl4j.trainer.config;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The run-name rule and how a message shows a user's value. */
class RunNamesTest {
  @Test
  void oneFolderNameOfAtMostAHundredCharacters() {
    for (String ok :
        List.of("default", "csv-customers", "seed-42", "v1.2_b", ".nan", "n".repeat(100))) {
      assertTrue(RunNames.problem(ok).isEmpty(), ok);
    }
    for (String bad :
        List.of("", ".", "..", "a/b", "..\\x", "my run", "tab\there", "nul\0", "n".repeat(101))) {
      assertFalse(RunNames.problem(bad).isEmpty(), bad);
    }
  }
}
