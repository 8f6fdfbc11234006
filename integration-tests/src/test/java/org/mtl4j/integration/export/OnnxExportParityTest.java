package org.mtl4j.integration.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.mtl4j.integration.support.CliRun;
import org.mtl4j.integration.support.Configs;

/**
 * {@code mtl4j export --format onnx} for every built-in strategy, on the CSV example (raw columns
 * in, preprocessing in the graph) and on MultiFashion: ONNX Runtime's outputs equal {@code mtl4j
 * predict}'s within 1e-5 (relative beyond magnitude 1: predict prints 6 significant digits).
 */
class OnnxExportParityTest {
  private static final double TOLERANCE = 1e-5;
  private static final String[] STRATEGIES = {"hard", "cross-stitch", "soft", "mmoe", "ple"};
  @TempDir Path tmp;

  @ParameterizedTest(name = "customers csv, {0}")
  @ValueSource(strings = {"hard", "cross-stitch", "soft", "mmoe", "ple"})
  void csvModelsMatchPredict(String strategy) throws Exception {
    String yaml =
        Configs.customers(tmp.resolve("runs"), 3)
            .replace("strategy: hard", "strategy: " + strategy)
            .replace(
                "categorical: 'plan,region'",
                "mmoe".equals(strategy)
                    ? "categorical: 'plan', embed: 'region:3'"
                    : "categorical: 'plan,region'");
    Path run = train(yaml, "customers");
    Path csv = CliRun.repoRoot().resolve("examples/data/customers.csv");
    Map<String, float[]> onnx = runOnnx(export(run), csvInputs(csv));
    List<Map<String, String>> predicted = predict(run, csv);
    assertClose(predicted, "churn_p", onnx.get("churn"), 1, 0);
    assertClose(predicted, "spend", onnx.get("spend"), 1, 0);
  }

  @Test
  void csvModelNamesItsInputsOutputsAndMetadata() throws Exception {
    Path run = train(Configs.customers(tmp.resolve("runs"), 1), "customers");
    Path file = tmp.resolve("model.onnx");
    CliRun r = CliRun.of("export", run.toString(), "--format", "onnx", "-o", file.toString());
    assertEquals(0, r.exitCode(), r.toString());
    assertTrue(r.out().contains("inputs:  age, tenure_months, monthly_fee"), r.out());
    assertTrue(r.out().contains("outputs: churn, spend"), r.out());
    try (OrtEnvironment env = OrtEnvironment.getEnvironment();
        OrtSession s = env.createSession(file.toString(), new OrtSession.SessionOptions())) {
      Map<String, String> meta = s.getMetadata().getCustomMetadata();
      assertTrue(meta.get("mtl4j.tasks").contains("\"classes\":[\"no\",\"yes\"]"), meta.toString());
      assertEquals("hard", meta.get("mtl4j.strategy"));
      assertEquals("mtl4j", s.getMetadata().getProducerName());
    }
  }

  @Test
  void multiFashionModelsOfEveryStrategyMatchPredict() throws Exception {
    int rows = 16;
    int width = 36 * 36;
    float[] pixels = new float[rows * width];
    StringBuilder csv = new StringBuilder();
    for (int c = 0; c < width; c++) {
      csv.append(c == 0 ? "" : ",").append("p").append(c);
    }
    csv.append('\n');
    for (int r = 0; r < rows; r++) {
      for (int c = 0; c < width; c++) {
        float v = (float) Math.abs(Math.sin(0.37 * r + 0.011 * c * (r + 1)));
        pixels[r * width + c] = v;
        csv.append(c == 0 ? "" : ",").append(v);
      }
      csv.append('\n');
    }
    Path input = tmp.resolve("pixels.csv");
    Files.writeString(input, csv);
    for (String strategy : STRATEGIES) {
      String yaml =
          Files.readString(
                  CliRun.repoRoot().resolve("examples/multi-fashion-" + strategy + ".yaml"))
              .replace("train_size: 20000, test_size: 5000", "train_size: 600, test_size: 100");
      Path run = train(yaml.replaceAll("(?m)^output: .*$", ""), "mf-" + strategy);
      Map<String, float[]> onnx =
          runOnnx(export(run), Map.of("features", new float[][] {pixels}), rows, width);
      List<Map<String, String>> predicted = predict(run, input);
      for (String task : new String[] {"left", "right"}) {
        for (int k = 0; k < 10; k++) {
          assertClose(predicted, task + "_p_" + classAt(predicted, task, k), onnx.get(task), 10, k);
        }
      }
    }
  }

  private static String classAt(List<Map<String, String>> predicted, String task, int k) {
    List<String> cols =
        predicted.get(0).keySet().stream().filter(c -> c.startsWith(task + "_p_")).toList();
    return cols.get(k).substring((task + "_p_").length());
  }

  private Path train(String yaml, String name) throws IOException {
    Path cfg = tmp.resolve(name + ".yaml");
    Files.writeString(cfg, yaml);
    CliRun r =
        CliRun.of(
            "train",
            "-c",
            cfg.toString(),
            "-b",
            "cpu",
            "-o",
            tmp.toString(),
            "--name",
            name,
            "-q",
            "--epochs",
            "1");
    assertEquals(0, r.exitCode(), r.toString());
    return tmp.resolve(name);
  }

  private Path export(Path run) {
    Path file = tmp.resolve(run.getFileName() + ".onnx");
    CliRun r = CliRun.of("export", run.toString(), "--format", "onnx", "-o", file.toString(), "-q");
    assertEquals(0, r.exitCode(), r.toString());
    return file;
  }

  private List<Map<String, String>> predict(Path run, Path input) throws IOException {
    Path out = tmp.resolve(run.getFileName() + "-predictions.csv");
    CliRun r = CliRun.of("predict", run.toString(), "-i", input.toString(), "-o", out.toString());
    assertEquals(0, r.exitCode(), r.toString());
    List<String> lines = Files.readAllLines(out);
    String[] header = lines.get(0).split(",");
    List<Map<String, String>> rows = new ArrayList<>();
    for (String line : lines.subList(1, lines.size())) {
      String[] cells = line.split(",", -1);
      Map<String, String> row = new LinkedHashMap<>();
      for (int i = 0; i < header.length; i++) {
        row.put(header[i], cells[i]);
      }
      rows.add(row);
    }
    return rows;
  }

  /** The customers CSV as raw ONNX inputs: numeric columns as floats, the others as strings. */
  private static Map<String, Object> csvInputs(Path csv) throws IOException {
    List<String> lines = Files.readAllLines(csv);
    String[] header = lines.get(0).split(",");
    int n = lines.size() - 1;
    Map<String, Object> inputs = new LinkedHashMap<>();
    List<String> features =
        List.of("age", "tenure_months", "monthly_fee", "support_calls", "plan", "region");
    for (int c = 0; c < header.length; c++) {
      String name = header[c];
      if (!features.contains(name)) {
        continue;
      }
      boolean text = name.equals("plan") || name.equals("region");
      float[][] nums = new float[n][1];
      String[][] strs = new String[n][1];
      for (int r = 0; r < n; r++) {
        String cell = lines.get(r + 1).split(",", -1)[c];
        if (text) {
          strs[r][0] = cell;
        } else {
          nums[r][0] = Float.parseFloat(cell);
        }
      }
      inputs.put(name, text ? strs : nums);
    }
    return inputs;
  }

  private static Map<String, float[]> runOnnx(Path model, Map<String, Object> inputs)
      throws Exception {
    return runOnnx(model, inputs, -1, -1);
  }

  /**
   * Runs the model; with {@code rows >= 0} the one float input is given as {@code [rows, width]}.
   */
  private static Map<String, float[]> runOnnx(
      Path model, Map<String, Object> inputs, int rows, int width) throws Exception {
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    try (OrtSession s = env.createSession(model.toString(), new OrtSession.SessionOptions())) {
      Map<String, OnnxTensor> feed = new LinkedHashMap<>();
      try {
        for (String name : s.getInputNames()) {
          Object v = inputs.get(name);
          if (rows >= 0) {
            float[] flat = ((float[][]) v)[0];
            feed.put(
                name,
                OnnxTensor.createTensor(
                    env, java.nio.FloatBuffer.wrap(flat), new long[] {rows, width}));
          } else if (v instanceof String[][] strs) {
            String[] flat = new String[strs.length];
            for (int i = 0; i < flat.length; i++) {
              flat[i] = strs[i][0];
            }
            feed.put(name, OnnxTensor.createTensor(env, flat, new long[] {flat.length, 1}));
          } else {
            feed.put(name, OnnxTensor.createTensor(env, (float[][]) v));
          }
        }
        Map<String, float[]> out = new LinkedHashMap<>();
        try (OrtSession.Result r = s.run(feed)) {
          for (Map.Entry<String, ai.onnxruntime.OnnxValue> e : r) {
            float[][] m = (float[][]) e.getValue().getValue();
            float[] flat = new float[m.length * m[0].length];
            for (int i = 0; i < m.length; i++) {
              System.arraycopy(m[i], 0, flat, i * m[0].length, m[0].length);
            }
            out.put(e.getKey(), flat);
          }
        }
        return out;
      } finally {
        feed.values().forEach(OnnxTensor::close);
      }
    }
  }

  private static void assertClose(
      List<Map<String, String>> predicted, String column, float[] onnx, int stride, int offset) {
    assertEquals(predicted.size() * stride, onnx.length, column);
    for (int r = 0; r < predicted.size(); r++) {
      double expected = Double.parseDouble(predicted.get(r).get(column));
      double actual = onnx[r * stride + offset];
      double bound = TOLERANCE * Math.max(1, Math.abs(expected));
      assertTrue(
          Math.abs(actual - expected) <= bound,
          String.format(
              Locale.ROOT, "%s row %d: onnx %.8g, predict %.8g", column, r, actual, expected));
    }
  }
}
