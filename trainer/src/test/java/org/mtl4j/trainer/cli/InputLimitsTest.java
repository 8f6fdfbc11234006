package org.mtl4j.trainer.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Issue 19's limits and messages as a user meets them on the command line: each refused input is
 * exit 2 with one line that names the file or key, the limit or the line, and echoes no more than
 * an excerpt of the value.
 */
class InputLimitsTest {
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

  /** Runs {@code train -c} on the text; expects exit 2 and returns the one message line. */
  private String refused(String config) throws Exception {
    Path cfg = tmp.resolve("c.yaml");
    Files.writeString(cfg, config);
    return refused(cfg);
  }

  private String refused(Path cfg) {
    err.getBuffer().setLength(0);
    assertEquals(2, run("train", "-c", cfg.toString(), "--epochs", "0", "-q"), err.toString());
    String e = err.toString().replace("\r", "");
    assertFalse(e.contains("\tat "), e);
    return e;
  }

  private static final String SYNTHETIC =
      "data: {source: synthetic-mmoe}\ntasks: [{name: task1, type: regression}]\n";

  @Test
  void aConfigOverTheSizeLimitIsRefusedNamingTheLimit() throws Exception {
    Path big = tmp.resolve("big.yaml");
    Files.writeString(big, "name: " + "x".repeat(3 << 20));
    String e = refused(big);
    assertEquals(
        "mtl4j: "
            + big
            + ": more than 1048576 bytes in a config file exceed the limit config.max_bytes ="
            + " 1048576\n",
        e);
  }

  @Test
  void devZeroIsRefusedAfterReadingTheLimit() {
    Path zero = Path.of("/dev/zero");
    if (!Files.exists(zero)) {
      return;
    }
    String e = refused(zero);
    assertTrue(e.contains("exceed the limit config.max_bytes = 1048576"), e);
  }

  @Test
  void aLongConfigLineNamesItsLineAndTheLimit() throws Exception {
    String e = refused(SYNTHETIC + "name: " + "y".repeat(20_000) + "\n");
    assertTrue(
        e.contains(
            "c.yaml:3: 20006 characters on one config line exceed the limit"
                + " config.max_line_chars = 16384"),
        e);
  }

  @Test
  void anAliasIsAnErrorNotTheAnchorsName() throws Exception {
    String e = refused("name: *src\n" + SYNTHETIC);
    assertTrue(
        e.contains(
            "c.yaml:1: name: alias *src: YAML anchors and aliases are not supported in a config"),
        e);
  }

  @Test
  void duplicateKeysAndASecondDocumentAreErrorsWithTheirLines() throws Exception {
    String e = refused("name: a\n" + SYNTHETIC + "name: b\n---\nname: c\n");
    assertTrue(
        e.contains(
            "c.yaml:4: key 'name' appears twice in the same mapping (first at line 1); YAML keys"
                + " must be unique"),
        e);
    assertTrue(e.contains("c.yaml:5: a second YAML document ('---')"), e);
    String nested = refused(SYNTHETIC + "model: {hidden: [8], hidden: [4]}\n");
    assertTrue(nested.contains("c.yaml:3: model: key 'hidden' appears twice"), nested);
  }

  @Test
  void typeTagsAndDeepNestingAreRefused() throws Exception {
    String tag = refused(SYNTHETIC + "name: !!python/object:os.system ls\n");
    assertTrue(
        tag.contains("c.yaml:3: name: tag 'tag:yaml.org,2002:python/object:os.system' is not"),
        tag);
    String deep = refused(SYNTHETIC + "x: " + "[".repeat(40) + "]".repeat(40) + "\n");
    assertTrue(
        deep.contains("nested mappings and lists in a config exceed the limit config.max_nesting"),
        deep);
  }

  @Test
  void aNonUtf8ConfigNamesFileLineAndByte() throws Exception {
    Path cfg = tmp.resolve("latin1.yaml");
    Files.write(cfg, (SYNTHETIC + "name: caf\u00e9\n").getBytes(StandardCharsets.ISO_8859_1));
    String e = refused(cfg);
    assertTrue(e.startsWith("mtl4j: " + cfg + ":3: not UTF-8 text: byte 0xE9 at byte offset"), e);
    assertFalse(e.contains("Input length"), e);
  }

  @Test
  void integersOutOfRangeSaySoInsteadOfNotAnInteger() throws Exception {
    String e = refused(SYNTHETIC + "training: {batch_size: 2147483648}\n");
    assertEquals("mtl4j: training.batch_size: '2147483648' is not in [1, 1048576]\n", e);
  }

  @Test
  void hiddenSizesThatCannotBeBuiltAreOneLineUserErrors() throws Exception {
    assertEquals(
        "mtl4j: model.hidden: is empty; expected between 1 and 64 sizes\n",
        refused(SYNTHETIC + "model: {hidden: []}\n"));
    assertEquals(
        "mtl4j: model.hidden[0]: '2147483647' is not in [1, 1048576]\n",
        refused(SYNTHETIC + "model: {hidden: [2147483647]}\n"));
    String e = refused(SYNTHETIC + "model: {hidden: [100000, 100000]}\n");
    assertTrue(
        e.contains("at least 10000400001 trainable parameters")
            && e.contains("the limit model.max_parameters = 1073741824"),
        e);
    assertEquals(1, e.split("\n").length, e);
  }

  @Test
  void aHugeValueIsNotEchoed() throws Exception {
    String e = refused(SYNTHETIC + "backend: " + "z".repeat(15_000) + "\n");
    assertTrue(e.contains("backend: 'zzzz"), e);
    assertTrue(e.contains("... (15000 characters)"), e);
    assertTrue(e.length() < 600, e.length() + " characters");
  }

  @Test
  void aTestSplitThatLeavesAClassOutOfTrainingIsATestSplitError() throws Exception {
    Path csv = tmp.resolve("d.csv");
    StringBuilder sb = new StringBuilder("x,y\n");
    for (int i = 0; i < 100; i++) {
      sb.append(i).append(',').append(i % 2 == 0 ? "yes" : "no").append('\n');
    }
    Files.writeString(csv, sb);
    String e =
        refused(
            "data: {source: csv, options: {path: '%s', test_split: 0.99}}\n"
                    .formatted(csv.toString().replace("\\", "/"))
                + "tasks: [{name: y, type: binary}]\n");
    assertTrue(
        e.startsWith(
            "mtl4j: data.options.test_split: 0.99 leaves 1 of the 100 rows of "
                + csv
                + " for training, which hold 1 of the 2 classes of task y"),
        e);
  }

  @Test
  void aRegressionLabelBeyondTheFloatRangeNamesFileLineAndColumn() throws Exception {
    Path csv = tmp.resolve("r.csv");
    StringBuilder sb = new StringBuilder("x,y\n");
    for (int i = 0; i < 20; i++) {
      sb.append(i).append(',').append(i == 7 ? "1e39" : Integer.toString(i)).append('\n');
    }
    Files.writeString(csv, sb);
    String e =
        refused(
            "data: {source: csv, options: {path: '%s', test_path: '%s'}}\n"
                    .formatted(csv.toString().replace("\\", "/"), csv.toString().replace("\\", "/"))
                + "tasks: [{name: y, type: regression}]\n");
    assertTrue(
        e.startsWith("mtl4j: " + csv + ":9, column 'y': '1e39' is outside the 32-bit float range"),
        e);
  }

  @Test
  void emptyRegressionLabelsAreMaskedAndTheScoresAreFinite() throws Exception {
    Path csv = tmp.resolve("m.csv");
    StringBuilder sb = new StringBuilder("x,y\n");
    Random r = new Random(5);
    for (int i = 0; i < 120; i++) {
      double x = r.nextGaussian();
      sb.append(String.format(Locale.ROOT, "%.4f,", x))
          .append(i % 3 == 0 ? "" : String.format(Locale.ROOT, "%.4f", 2 * x))
          .append('\n');
    }
    Files.writeString(csv, sb);
    Path cfg = tmp.resolve("m.yaml");
    Files.writeString(
        cfg,
        "name: masked\nbackend: cpu\noutput: '%s'\n".formatted(tmp.toString().replace("\\", "/"))
            + "data: {source: csv, options: {path: '%s'}}\n"
                .formatted(csv.toString().replace("\\", "/"))
            + "tasks: [{name: y, type: regression}]\nmodel: {hidden: [4]}\n"
            + "training: {epochs: 2, batch_size: 16}\n");
    assertEquals(0, run("train", "-c", cfg.toString(), "-q"), err.toString());
    String s = out.toString(StandardCharsets.UTF_8);
    assertTrue(s.contains("rmse "), s);
    assertFalse(s.contains("NaN"), s);
  }

  @Test
  void predictQuotesFieldsAndGuardsFormulasUnlessAskedNotTo() throws Exception {
    Path csv = tmp.resolve("p.csv");
    StringBuilder sb = new StringBuilder("id,x,answer\n");
    for (int i = 0; i < 60; i++) {
      String id = i == 0 ? "=HYPERLINK(\"http://x\")" : i == 1 ? "-7" : "c" + i;
      String cls = i % 2 == 0 ? "\"no, thanks\"" : "@yes";
      sb.append('"').append(id.replace("\"", "\"\"")).append("\",").append(i % 2).append(',');
      sb.append(cls).append('\n');
    }
    Files.writeString(csv, sb);
    Path cfg = tmp.resolve("p.yaml");
    Files.writeString(
        cfg,
        "name: quoting\nbackend: cpu\noutput: '%s'\n".formatted(tmp.toString().replace("\\", "/"))
            + "data: {source: csv, options: {path: '%s', id: id}}\n"
                .formatted(csv.toString().replace("\\", "/"))
            + "tasks: [{name: answer, type: binary, positive: '@yes'}]\nmodel: {hidden: [4]}\n"
            + "optimizer: {lr: 0.05}\ntraining: {epochs: 20, batch_size: 8}\n");
    assertEquals(0, run("train", "-c", cfg.toString(), "-q"), err.toString());
    Path run = tmp.resolve("quoting");
    Path guarded = tmp.resolve("guarded.csv");
    assertEquals(
        0, run("predict", run.toString(), "-i", csv.toString(), "-o", guarded.toString(), "-q"));
    List<String> g = Files.readAllLines(guarded);
    assertEquals("id,answer,answer_p", g.get(0));
    assertTrue(g.get(1).startsWith("\"'=HYPERLINK(\"\"http://x\"\")\","), g.get(1));
    assertTrue(g.get(2).startsWith("-7,"), g.get(2));
    assertTrue(g.stream().anyMatch(l -> l.contains(",\"no, thanks\",")), g.toString());
    assertTrue(g.stream().anyMatch(l -> l.contains(",'@yes,")), g.toString());
    for (String l : g.subList(1, g.size())) {
      assertTrue(l.matches(".*,[0-9.E-]+"), l);
    }
    Path raw = tmp.resolve("raw.csv");
    assertEquals(
        0,
        run(
            "predict",
            run.toString(),
            "-i",
            csv.toString(),
            "-o",
            raw.toString(),
            "--no-formula-guard",
            "-q"));
    List<String> w = Files.readAllLines(raw);
    assertTrue(w.get(1).startsWith("\"=HYPERLINK(\"\"http://x\"\")\","), w.get(1));
    assertTrue(w.stream().anyMatch(l -> l.contains(",@yes,")), w.toString());
  }
}
