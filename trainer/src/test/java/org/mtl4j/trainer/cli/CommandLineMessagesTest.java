package org.mtl4j.trainer.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** What a user sees for a misspelt command or option, a bare call and a missing run folder. */
class CommandLineMessagesTest {
  @TempDir Path tmp;
  private final StringWriter err = new StringWriter();
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private PrintStream savedOut;

  @BeforeEach
  void captureOut() {
    savedOut = System.out;
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
  }

  @AfterEach
  void restoreOut() {
    System.setOut(savedOut);
  }

  private int run(String... args) {
    CommandLine cl = Main.commandLine();
    cl.setErr(new PrintWriter(err, true));
    return cl.execute(args);
  }

  @Test
  void aMisspeltCommandGetsASuggestion() {
    assertEquals(2, run("trian"));
    assertTrue(err.toString().contains("did you mean train"), err.toString());
  }

  @Test
  void aMisspeltOptionGetsASuggestion() {
    assertEquals(2, run("train", "--epoch", "3"));
    assertTrue(err.toString().contains("did you mean --epochs?"), err.toString());
  }

  @Test
  void aBareCallListsEveryCommandOnce() {
    assertEquals(2, run());
    assertTrue(
        err.toString()
            .contains(
                "a command is required: train, evaluate, predict, analyse, export, compare,"
                    + " backends, plugins\n"),
        err.toString());
  }

  @Test
  void aMissingRunFolderIsNamedAsSuch() {
    for (List<String> args :
        List.of(
            List.of("evaluate", tmp.resolve("nonexistent").toString()),
            List.of("export", tmp.resolve("nonexistent").toString(), "-o", "m.onnx"))) {
      StringWriter before = new StringWriter();
      before.write(err.toString());
      assertEquals(2, run(args.toArray(String[]::new)));
      assertTrue(
          err.toString()
              .substring(before.toString().length())
              .contains("nonexistent: no such folder"),
          err.toString());
    }
  }

  @Test
  void missingPluginFoldersAreUsageErrors() {
    assertEquals(2, run("--plugins", tmp.resolve("nowhere").toString(), "plugins"));
    assertTrue(err.toString().contains("nowhere: no such folder or jar"), err.toString());
  }

  @Test
  void pluginOptionDescriptionsStartInOneColumn() {
    assertEquals(0, run("plugins"));
    String text = out.toString(StandardCharsets.UTF_8);
    Integer column = null;
    for (String line : text.split("\n")) {
      int at = line.indexOf("default ");
      if (!line.startsWith("      ") || at < 0) {
        continue;
      }
      int start = at + "default ".length();
      while (start < line.length() && line.charAt(start) != ' ') {
        start++;
      }
      while (start < line.length() && line.charAt(start) == ' ') {
        start++;
      }
      if (start >= line.length()) {
        continue; // a long default: the description is on the next line
      }
      if (column == null) {
        column = start;
      }
      assertEquals(column.intValue(), start, "misaligned: " + line);
    }
    assertTrue(column != null, text);
  }
}
