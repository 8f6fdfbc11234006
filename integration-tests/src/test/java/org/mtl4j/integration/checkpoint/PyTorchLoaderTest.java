package org.mtl4j.integration.checkpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.mtl4j.integration.support.CliRun;

/**
 * The Python loader of docs/pytorch.md ({@code python/mtl4j_torch.py}) rebuilds {@code hard} and
 * {@code mmoe} networks from a checkpoint and predicts what {@code mtl4j predict} predicts: numpy
 * always, and the {@code nn.Module} loaded with {@code load_state_dict(strict=True)} when PyTorch
 * is importable. The model uses everything the layout names: numeric, one-hot and embedded inputs,
 * layer norm (hard), a binary, a multiclass and a standardised regression task.
 *
 * <p>Python: {@code $MTL4J_PYTHON}, else {@code /usr/bin/python3}, else {@code python3}. Without
 * numpy the test is skipped with the reason, unless {@code MTL4J_REQUIRE_PYTHON=1} (set by {@code
 * .ci/run}, which installs python3-numpy), where it fails.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PyTorchLoaderTest {
  private static final double TOLERANCE = 1e-5;
  private Path tmp;
  private Path csv;
  private String python;
  private Result torch;

  @BeforeAll
  void data(@TempDir Path dir) throws IOException {
    tmp = dir;
    csv = tmp.resolve("shops.csv");
    StringBuilder sb = new StringBuilder("x1,x2,color,shop,flag,kind,amount\n");
    Random r = new Random(3);
    for (int i = 0; i < 300; i++) {
      double x1 = r.nextGaussian();
      double x2 = r.nextGaussian() * 10 + 4;
      String color = "rgb".substring(i % 3, i % 3 + 1);
      int shop = r.nextInt(7);
      boolean flag = x1 + (color.equals("r") ? 1 : 0) + r.nextGaussian() * 0.3 > 0.4;
      String kind = "k" + ((shop + (x2 > 4 ? 1 : 0)) % 3);
      double amount = 25_000 + 9_000 * x1 + 700 * shop + r.nextGaussian() * 500;
      sb.append(
          String.format(
              Locale.ROOT,
              "%.5f,%.4f,%s,s%d,%s,%s,%s%n",
              x1,
              x2,
              color,
              shop,
              i % 13 == 0 ? "" : flag ? "yes" : "no",
              kind,
              i % 11 == 0 ? "" : String.format(Locale.ROOT, "%.2f", amount)));
    }
    Files.writeString(csv, sb);
    python = python();
    torch = exec(List.of(python, "-c", "import torch"));
  }

  private static String python() {
    List<String> candidates = new ArrayList<>();
    String env = System.getenv("MTL4J_PYTHON");
    if (env != null && !env.isBlank()) {
      candidates.add(env);
    }
    candidates.add("/usr/bin/python3");
    candidates.add("python3");
    for (String p : candidates) {
      if (exec(List.of(p, "-c", "import numpy")).code == 0) {
        return p;
      }
    }
    String why = "no python3 with numpy among " + candidates + " (install python3-numpy)";
    if ("1".equals(System.getenv("MTL4J_REQUIRE_PYTHON"))) {
      fail(why + "; MTL4J_REQUIRE_PYTHON=1 requires it");
    }
    Assumptions.abort(why);
    return null;
  }

  private record Result(int code, String output) {}

  private static Result exec(List<String> cmd) {
    try {
      Process p =
          new ProcessBuilder(cmd)
              .directory(CliRun.repoRoot().toFile())
              .redirectErrorStream(true)
              .start();
      byte[] out = p.getInputStream().readAllBytes();
      if (!p.waitFor(120, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return new Result(-1, "timed out");
      }
      return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    } catch (IOException e) {
      return new Result(-1, e.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Result(-1, e.toString());
    }
  }

  private Path train(String strategy) throws IOException {
    String model =
        strategy.equals("hard")
            ? "{strategy: hard, hidden: [16, 8], tower: [6], layer_norm: true, activation: gelu}"
            : "{strategy: mmoe, options: {experts: 3}, hidden: [12], tower: [5], activation: tanh}";
    Path cfg = tmp.resolve(strategy + ".yaml");
    Files.writeString(
        cfg,
        """
        name: %s
        backend: cpu
        seed: 9
        data:
          source: csv
          options: {path: %s, categorical: color, embed: 'shop:3', test_split: 0.2}
        tasks:
          - {name: flag, type: binary, label: flag}
          - {name: kind, type: multiclass, label: kind}
          - {name: amount, type: regression, label: amount}
        model: %s
        optimizer: {name: adam, lr: 0.01}
        training: {epochs: 4, batch_size: 32, validation_split: 0.0}
        output: %s
        """
            .formatted(strategy, CliRun.yamlPath(csv), model, CliRun.yamlPath(tmp)));
    CliRun r = CliRun.of("train", "-c", cfg.toString(), "-q");
    assertEquals(0, r.exitCode(), r.toString());
    return tmp.resolve(strategy);
  }

  @ParameterizedTest
  @ValueSource(strings = {"hard", "mmoe"})
  void theLoaderPredictsWhatMtl4jPredicts(String strategy) throws IOException {
    Path run = train(strategy);
    Path expected = tmp.resolve(strategy + "-mtl4j.csv");
    CliRun p = CliRun.of("predict", run.toString(), "-i", csv.toString(), "-o", "" + expected);
    assertEquals(0, p.exitCode(), p.toString());

    Path numpy = tmp.resolve(strategy + "-numpy.csv");
    Result r = exec(loader(run, numpy, false));
    assertEquals(0, r.code, r.output);
    compare(run, expected, numpy);

    Assumptions.assumeTrue(
        torch.code == 0,
        "the numpy path matched; the load_state_dict(strict=True) path needs PyTorch, which "
            + python
            + " cannot import: "
            + torch.output.strip());
    Path viaTorch = tmp.resolve(strategy + "-torch.csv");
    Result t = exec(loader(run, viaTorch, true));
    assertEquals(0, t.code, t.output);
    compare(run, expected, viaTorch);
  }

  private List<String> loader(Path run, Path out, boolean torch) {
    List<String> cmd = new ArrayList<>();
    cmd.add(python);
    cmd.add("python/mtl4j_torch.py");
    cmd.add("predict");
    cmd.add(run.toString());
    cmd.add("-i");
    cmd.add(csv.toString());
    cmd.add("-o");
    cmd.add(out.toString());
    if (torch) {
      cmd.add("--torch");
    }
    return cmd;
  }

  /**
   * Same header, same class labels; probabilities within 1e-5; regression values within 1e-5 in
   * standardised units ((y - mean) / std, the network's own output: in original units both sides
   * carry float32 rounding of the order of 1e-7 times the target's magnitude).
   */
  private void compare(Path run, Path expected, Path actual) throws IOException {
    JsonNode scaling =
        new ObjectMapper()
            .readTree(run.resolve("checkpoint/checkpoint.json").toFile())
            .path("preprocessing")
            .path("target_scaling");
    assertTrue(scaling.has("amount"), "amount is standardised by default: " + scaling);
    double std = scaling.path("amount").path("std").get(0).asDouble();
    List<String> a = Files.readAllLines(expected);
    List<String> b = Files.readAllLines(actual);
    assertEquals(a.get(0), b.get(0), "header");
    assertEquals(301, a.size());
    assertEquals(a.size(), b.size());
    String[] header = a.get(0).split(",");
    double worst = 0;
    for (int i = 1; i < a.size(); i++) {
      String[] x = a.get(i).split(",");
      String[] y = b.get(i).split(",");
      for (int c = 0; c < header.length; c++) {
        if (header[c].equals("flag") || header[c].equals("kind")) {
          assertEquals(x[c], y[c], "row " + i + " " + header[c]);
          continue;
        }
        double d = Math.abs(Double.parseDouble(x[c]) - Double.parseDouble(y[c]));
        worst = Math.max(worst, header[c].equals("amount") ? d / std : d);
      }
    }
    assertTrue(worst <= TOLERANCE, actual.getFileName() + ": max abs difference " + worst);
  }
}
