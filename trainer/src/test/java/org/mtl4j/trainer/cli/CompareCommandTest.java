package org.mtl4j.trainer.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code mtl4j compare}: a 2 methods × 2 seeds grid, its resumption, results.md recomputed here
 * from the manifest's raw per-epoch scores, and the user errors.
 */
class CompareCommandTest {
  @TempDir Path tmp;
  private final StringWriter err = new StringWriter();
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private PrintStream savedOut;
  private Path cfg;

  @BeforeEach
  void setUp() throws Exception {
    savedOut = System.out;
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    cfg = config("method: equal");
  }

  private Path config(String weighting) throws Exception {
    Path p = tmp.resolve("g-" + Math.abs(weighting.hashCode()) + ".yaml");
    Files.writeString(
        p,
        """
        name: g
        backend: cpu
        seed: 5
        data: {source: synthetic-mmoe, options: {train_size: 240, test_size: 80, input_size: 6}}
        tasks:
          - {name: a, type: regression, label: task1, metrics: [rmse, mae]}
          - {name: b, type: regression, label: task2, metrics: [rmse]}
        model: {strategy: hard, hidden: [8]}
        weighting: {%s}
        optimizer: {name: adam, lr: 0.01}
        training: {epochs: 3, batch_size: 40, validation_split: 0.25}
        output: %s
        """
            .formatted(weighting, tmp.toString().replace("\\", "/")));
    return p;
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

  @SuppressWarnings("unchecked")
  private Map<String, Object> manifest() throws Exception {
    return (Map<String, Object>)
        new ObjectMapper()
            .readValue(tmp.resolve("g/compare/manifest.json").toFile(), Map.class)
            .get("cells");
  }

  @Test
  @SuppressWarnings("unchecked")
  void aGridWritesItsResultsAndResumesWithoutRerunningFinishedCells() throws Exception {
    String[] args = {
      "compare", "-c", cfg.toString(), "--weighting", "equal,dwa", "--seeds", "2", "-q"
    };
    assertEquals(0, run(args), err.toString());
    Map<String, Object> cells = manifest();
    Set<String> expected =
        Set.of(
            "hard/equal/seed-5",
            "hard/equal/seed-6",
            "hard/dwa/seed-5",
            "hard/dwa/seed-6",
            "hard/single-task/seed-5/a",
            "hard/single-task/seed-5/b",
            "hard/single-task/seed-6/a",
            "hard/single-task/seed-6/b");
    assertEquals(expected, cells.keySet());
    for (Object c : cells.values()) {
      Map<String, Object> cell = (Map<String, Object>) c;
      assertEquals(3, ((List<?>) cell.get("validation")).size());
      assertEquals(3, ((List<?>) cell.get("test")).size());
    }
    Path dir = tmp.resolve("g/compare");
    assertTrue(Files.size(dir.resolve("results.png")) > 1000);
    List<String> csv = Files.readAllLines(dir.resolve("results.csv"));
    // (2 methods × 2 seeds + 2 baseline seeds) runs × 3 task metrics, plus the header
    assertEquals(1 + 6 * 3, csv.size(), String.join("\n", csv));
    for (String l : csv.subList(1, csv.size())) {
      String[] f = l.split(",", -1);
      assertTrue(Set.of("1", "2", "3").contains(f[3]), "selected epoch in " + l);
      assertFalse(f[7].isEmpty(), "test value in " + l);
    }
    assertTrue(Files.isRegularFile(tmp.resolve("g/hard/dwa/seed-6/checkpoint/checkpoint.json")));

    String md = Files.readString(dir.resolve("results.md"));
    assertTrue(md.contains("highest Δm on the validation split"), md);
    Expected e = recompute(cells, List.of("equal", "dwa"), List.of(5L, 6L));
    for (String method : List.of("equal", "dwa")) {
      String row = line(md, "| hard | " + method + " |");
      assertTrue(row.contains(e.aRmse.get(method)), row + " vs " + e.aRmse.get(method));
      assertTrue(row.contains(e.bRmse.get(method)), row + " vs " + e.bRmse.get(method));
      assertTrue(row.contains(e.deltaM.get(method)), row + " vs " + e.deltaM.get(method));
    }
    assertTrue(line(md, "| hard | equal |").contains("1.00×"), md);
    String bestDm = e.deltaM.get(e.bestDeltaM);
    assertTrue(line(md, "| hard | " + e.bestDeltaM + " |").contains("**" + bestDm + "**"), md);

    // a second run finds every cell finished: nothing is retrained, the manifest is unchanged
    Map<String, Object> before = cells;
    out.reset();
    assertEquals(0, run(args), err.toString());
    assertTrue(out.toString(StandardCharsets.UTF_8).contains("8 already finished"), out.toString());
    assertEquals(before, manifest());
    assertEquals(md, Files.readString(dir.resolve("results.md")));

    // adding a method runs only its cells
    out.reset();
    String[] more = {
      "compare", "-c", cfg.toString(), "--weighting", "equal,dwa,rlw", "--seeds", "2", "-q"
    };
    assertEquals(0, run(more), err.toString());
    Map<String, Object> after = manifest();
    assertEquals(10, after.size());
    for (String k : expected) {
      assertEquals(
          ((Map<String, Object>) before.get(k)).get("finished"),
          ((Map<String, Object>) after.get(k)).get("finished"),
          k);
    }
    String console = out.toString(StandardCharsets.UTF_8);
    assertTrue(console.contains("8 already finished"), console);
    assertTrue(console.contains("run 9 of 10: hard/rlw/seed-5"), console);
    assertFalse(console.contains(": hard/equal/seed-5"), console);
  }

  private static String line(String md, String prefix) {
    return md.lines()
        .filter(l -> l.startsWith(prefix))
        .findFirst()
        .orElseThrow(() -> new AssertionError(prefix + " not in\n" + md));
  }

  /** The formatted figures results.md must show, computed from the raw manifest. */
  private record Expected(
      Map<String, String> aRmse,
      Map<String, String> bRmse,
      Map<String, String> deltaM,
      String bestDeltaM) {}

  @SuppressWarnings("unchecked")
  private static double score(Object epochScores, String task, String metric) {
    Map<String, Object> t = (Map<String, Object>) ((Map<String, Object>) epochScores).get(task);
    return ((Number) ((Map<String, Object>) t.get("metrics")).get(metric)).doubleValue();
  }

  @SuppressWarnings("unchecked")
  private static Expected recompute(
      Map<String, Object> cells, List<String> methods, List<Long> seeds) {
    Map<String, String> a = new LinkedHashMap<>();
    Map<String, String> b = new LinkedHashMap<>();
    Map<String, String> dm = new LinkedHashMap<>();
    String best = null;
    double bestMean = Double.NEGATIVE_INFINITY;
    for (String m : methods) {
      List<Double> av = new ArrayList<>();
      List<Double> bv = new ArrayList<>();
      List<Double> dv = new ArrayList<>();
      for (long s : seeds) {
        double[] baseVal = new double[2];
        double[] baseTest = new double[2];
        String[] tasks = {"a", "b"};
        for (int t = 0; t < 2; t++) {
          Map<String, Object> c =
              (Map<String, Object>) cells.get("hard/single-task/seed-" + s + "/" + tasks[t]);
          List<Object> val = (List<Object>) c.get("validation");
          int be = 0;
          for (int e = 1; e < val.size(); e++) {
            if (score(val.get(e), tasks[t], "rmse") < score(val.get(be), tasks[t], "rmse")) {
              be = e;
            }
          }
          baseVal[t] = score(val.get(be), tasks[t], "rmse");
          baseTest[t] = score(((List<Object>) c.get("test")).get(be), tasks[t], "rmse");
        }
        Map<String, Object> c = (Map<String, Object>) cells.get("hard/" + m + "/seed-" + s);
        List<Object> val = (List<Object>) c.get("validation");
        int sel = 0;
        double selDm = Double.NEGATIVE_INFINITY;
        for (int e = 0; e < val.size(); e++) {
          double d = 0;
          for (int t = 0; t < 2; t++) {
            d -= (score(val.get(e), tasks[t], "rmse") - baseVal[t]) / baseVal[t] / 2;
          }
          if (d > selDm) {
            selDm = d;
            sel = e;
          }
        }
        Object test = ((List<Object>) c.get("test")).get(sel);
        av.add(score(test, "a", "rmse"));
        bv.add(score(test, "b", "rmse"));
        double d = 0;
        for (int t = 0; t < 2; t++) {
          d -= (score(test, tasks[t], "rmse") - baseTest[t]) / baseTest[t] / 2;
        }
        dv.add(d);
      }
      a.put(m, fmt("%.4f", av, 1));
      b.put(m, fmt("%.4f", bv, 1));
      dm.put(m, fmt("%+.2f", dv, 100));
      double mean = (dv.get(0) + dv.get(1)) / 2;
      if (mean > bestMean) {
        bestMean = mean;
        best = m;
      }
    }
    return new Expected(a, b, dm, best);
  }

  private static String fmt(String meanFormat, List<Double> v, double scale) {
    double mean = (v.get(0) + v.get(1)) / 2;
    double std = Math.abs(v.get(0) - v.get(1)) / Math.sqrt(2);
    return String.format(Locale.ROOT, meanFormat, scale * mean)
        + " ± "
        + String.format(
            Locale.ROOT, "%.4f".replace("4", meanFormat.contains("2") ? "2" : "4"), scale * std);
  }

  @Test
  void onCsvDataTheBaselinesKeepTheOtherTasksLabelsOutOfTheFeatures() throws Exception {
    StringBuilder rows = new StringBuilder("x1,x2,kind,amount\n");
    for (int i = 0; i < 80; i++) {
      double x1 = Math.sin(i * 0.7);
      double x2 = Math.cos(i * 1.3);
      // an empty label cell: would fail as a numeric feature if the column were read as one
      String amount = i % 9 == 0 ? "" : String.format(Locale.ROOT, "%.3f", 2 * x1 - x2);
      rows.append(
          String.format(Locale.ROOT, "%.4f,%.4f,%s,%s%n", x1, x2, x1 + x2 > 0 ? "p" : "n", amount));
    }
    Path csv = tmp.resolve("rows.csv");
    Files.writeString(csv, rows);
    Path c = tmp.resolve("csv.yaml");
    Files.writeString(
        c,
        """
        name: c
        backend: cpu
        seed: 3
        data: {source: csv, options: {path: %s, test_split: 0.25}}
        tasks:
          - {name: kind, type: binary, label: kind, metrics: [accuracy]}
          - {name: amount, type: regression, label: amount, metrics: [mae]}
        model: {strategy: hard, hidden: [8]}
        optimizer: {name: adam, lr: 0.01}
        training: {epochs: 2, batch_size: 16, validation_split: 0.2}
        output: %s
        """
            .formatted(csv.toString().replace("\\", "/"), tmp.toString().replace("\\", "/")));
    assertEquals(0, run("compare", "-c", c.toString(), "-q"), err.toString());
    String md = Files.readString(tmp.resolve("c/compare/results.md"));
    assertTrue(line(md, "| hard | single-task |").contains("0 (reference)"), md);
    assertTrue(line(md, "| hard | equal |").contains("1.00×"), md);
    assertTrue(
        Files.isRegularFile(
            tmp.resolve("c/hard/single-task/seed-3/baselines/amount/checkpoint/checkpoint.json")));
  }

  @Test
  void unknownOrIncompatibleMethodsAreUserErrorsBeforeAnythingRuns() throws Exception {
    assertEquals(2, run("compare", "-c", cfg.toString(), "--weighting", "equal,nope", "-q"));
    assertTrue(
        err.toString().contains("--weighting: 'nope' is not a weighting method; known: all, "),
        err.toString());
    assertTrue(err.toString().contains("pcgrad"), err.toString());
    assertEquals(2, run("compare", "-c", cfg.toString(), "--strategy", "hrad", "-q"));
    assertTrue(
        err.toString().contains("--strategy: 'hrad' is not a sharing strategy; known: "),
        err.toString());

    Path rep = config("method: pcgrad, options: {rep_grad: true}");
    err.getBuffer().setLength(0);
    assertEquals(
        2, run("compare", "-c", rep.toString(), "--weighting", "pcgrad,uncertainty", "-q"));
    String msg = err.toString();
    assertTrue(msg.contains("--weighting uncertainty with --strategy hard"), msg);
    assertTrue(msg.contains("the methods that work with hard and this config: "), msg);
    assertTrue(msg.contains("pcgrad"), msg);
    assertFalse(msg.contains("Exception"), msg);
    assertFalse(Files.exists(tmp.resolve("g")), "nothing ran");

    assertEquals(2, run("compare", "-c", cfg.toString(), "--spark-master", "local[2]", "-q"));
    assertTrue(err.toString().contains("compare runs its grid sequentially"), err.toString());
  }
}
