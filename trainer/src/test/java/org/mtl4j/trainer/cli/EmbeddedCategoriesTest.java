package org.mtl4j.trainer.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
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
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mtl4j.api.backend.CounterRng;
import org.mtl4j.api.nn.Embedding;
import org.mtl4j.api.testing.ReferenceBackend;
import org.mtl4j.trainer.checkpoint.SafeTensors;
import picocli.CommandLine;

/**
 * A CSV whose label depends only on a 40-valued category column, embedded ({@code
 * data.options.embed}): training learns the table, the checkpoint holds it, and {@code evaluate}
 * and {@code predict} rebuild the same network from the checkpoint.
 */
class EmbeddedCategoriesTest {
  @TempDir Path tmp;

  private String run(String... args) {
    PrintStream saved = System.out;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    StringWriter err = new StringWriter();
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    try {
      CommandLine cl = Main.commandLine();
      cl.setErr(new PrintWriter(err, true));
      int code = cl.execute(args);
      assertEquals(0, code, err.toString());
    } finally {
      System.setOut(saved);
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  private static double accuracy(String stdout, String task) {
    Matcher m = Pattern.compile("(?m)^\\s+" + task + "\\s+accuracy (\\d\\.\\d+)").matcher(stdout);
    assertTrue(m.find(), stdout);
    return Double.parseDouble(m.group(1));
  }

  @Test
  void anEmbeddedCategoryIsLearnedSavedAndRebuilt() throws Exception {
    Path csv = tmp.resolve("shops.csv");
    StringBuilder sb = new StringBuilder("noise,shop,kind\n");
    Random r = new Random(5);
    for (int i = 0; i < 1200; i++) {
      int shop = r.nextInt(40);
      sb.append(
          String.format(
              Locale.ROOT, "%.4f,shop%02d,k%d%n", r.nextGaussian(), shop, (shop * 7) % 4));
    }
    Files.writeString(csv, sb);
    Path cfg = tmp.resolve("c.yaml");
    Files.writeString(
        cfg,
        """
        name: shops
        backend: cpu
        seed: 3
        data: {source: csv, options: {path: %s, embed: 'shop:6'}}
        tasks:
          - {name: kind, type: multiclass, label: kind}
        model: {strategy: hard, hidden: [16]}
        optimizer: {name: adam, lr: 0.02}
        training: {epochs: 12, batch_size: 32, validation_split: 0.0}
        output: %s
        """
            .formatted(csv.toString().replace("\\", "/"), tmp.toString().replace("\\", "/")));

    String trained = run("train", "-c", cfg.toString(), "-q");
    double acc = accuracy(trained, "kind");
    assertTrue(acc > 0.95, "the label is a function of the shop alone (chance 0.25): " + acc);

    Path ckpt = tmp.resolve("shops").resolve("checkpoint");
    Path weights;
    try (Stream<Path> s = Files.list(ckpt)) {
      weights = s.filter(p -> p.getFileName().toString().startsWith("weights-")).findFirst().get();
    }
    SafeTensors.Entry table = SafeTensors.read(weights).tensors().get("input.embedding0.weight");
    assertArrayEquals(new int[] {41, 6}, table.shape(), "40 shops + 1 unseen row, dimension 6");
    float[] init;
    try (ReferenceBackend b = new ReferenceBackend();
        Embedding e = new Embedding(b, "x", 41, 6, CounterRng.derive(3, 7_000L))) {
      init = b.toHost(e.table().value());
    }
    float[] learned = table.data();
    for (int row = 0; row < 41; row++) {
      float[] a = java.util.Arrays.copyOfRange(init, row * 6, row * 6 + 6);
      float[] b = java.util.Arrays.copyOfRange(learned, row * 6, row * 6 + 6);
      if (row < 40) {
        assertTrue(!java.util.Arrays.equals(a, b), "shop row " + row + " was trained");
      } else {
        assertArrayEquals(a, b, "the unseen-category row gets no gradient and keeps its init");
      }
    }

    String evaluated = run("evaluate", tmp.resolve("shops").toString(), "--data", csv.toString());
    assertEquals(acc, accuracy(evaluated, "kind"), 1e-9, "evaluate rebuilds the same network");

    Path preds = tmp.resolve("p.csv");
    run("predict", tmp.resolve("shops").toString(), "-i", csv.toString(), "-o", preds.toString());
    List<String> lines = Files.readAllLines(preds);
    assertEquals("kind,kind_p_k0,kind_p_k1,kind_p_k2,kind_p_k3", lines.get(0));
    List<String> in = Files.readAllLines(csv);
    int agree = 0;
    for (int i = 1; i < lines.size(); i++) {
      agree += lines.get(i).split(",")[0].equals(in.get(i).split(",")[2]) ? 1 : 0;
    }
    assertTrue(agree > 1140, agree + " of 1200 predictions match the shop's kind");
  }
}
