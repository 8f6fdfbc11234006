package org.mtl4j.integration.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mtl4j.integration.support.CliRun;
import org.mtl4j.trainer.checkpoint.Checkpoint;
import org.mtl4j.trainer.checkpoint.CheckpointStore;
import org.mtl4j.trainer.checkpoint.SafeTensors;

/**
 * A run written by mtl4j before checkpoint format 2 (the fixture {@code checkpoint-v1}, see its
 * README: weights [in, out], step counter as two F32, no target standardisation) still evaluates to
 * its recorded scores, predicts what it predicted then, and resumes to the very weights of the
 * uninterrupted run, now written in format 2.
 */
class LegacyCheckpointTest {
  private static final Path FIXTURE =
      CliRun.repoRoot().resolve("integration-tests/src/test/resources/checkpoint-v1");

  @TempDir Path tmp;
  private Path run;

  /** The fixture's run, copied, with its config's data path pointing at the copied CSV. */
  @BeforeEach
  void copyFixture() throws IOException {
    Files.copy(FIXTURE.resolve("legacy.csv"), tmp.resolve("legacy.csv"));
    run = tmp.resolve("run");
    try (Stream<Path> files = Files.walk(FIXTURE.resolve("run"))) {
      for (Path p : files.toList()) {
        Path to = run.resolve(FIXTURE.resolve("run").relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(to);
        } else {
          Files.copy(p, to);
        }
      }
    }
    Path meta = run.resolve("checkpoint/checkpoint.json");
    ObjectMapper json = new ObjectMapper();
    ObjectNode m = (ObjectNode) json.readTree(meta.toFile());
    assertEquals("mtl4j-checkpoint-1", m.path("format").asText(), "the fixture is format 1");
    String csv = tmp.resolve("legacy.csv").toString().replace("\\", "/");
    m.put("config", m.path("config").asText().replace("path: legacy.csv", "path: '" + csv + "'"));
    json.writeValue(meta.toFile(), m);
  }

  private static double score(String out, String task, String metric) {
    Matcher x =
        Pattern.compile("(?m)^\\s+" + task + "\\s.*\\b" + metric + " (-?[0-9.]+)").matcher(out);
    assertTrue(x.find(), task + " " + metric + " in\n" + out);
    return Double.parseDouble(x.group(1));
  }

  @Test
  void evaluatesToTheScoresRecordedWhenItWasWritten() {
    CliRun r =
        CliRun.of("evaluate", run.toString(), "--data", tmp.resolve("legacy.csv").toString(), "-q");
    assertEquals(0, r.exitCode(), r.toString());
    assertEquals(0.5172, score(r.out(), "flag", "accuracy"), 1e-9);
    assertEquals(0.5865, score(r.out(), "flag", "auc"), 1e-9);
    // in original units, as trained: format 1 predates target standardisation
    assertEquals(1007.4360, score(r.out(), "amount", "rmse"), 1e-9);
    assertEquals(765.2466, score(r.out(), "amount", "mae"), 1e-9);
  }

  @Test
  void predictsWhatItPredictedWhenItWasWritten() throws IOException {
    Path out = tmp.resolve("p.csv");
    CliRun r =
        CliRun.of(
            "predict", run.toString(), "-i", tmp.resolve("legacy.csv").toString(), "-o", "" + out);
    assertEquals(0, r.exitCode(), r.toString());
    List<String> now = Files.readAllLines(out);
    List<String> then = Files.readAllLines(FIXTURE.resolve("predictions-e2.csv"));
    assertEquals(then.get(0), now.get(0));
    assertEquals(then.size(), now.size());
    for (int i = 1; i < then.size(); i++) {
      String[] a = then.get(i).split(",");
      String[] b = now.get(i).split(",");
      assertEquals(a[0], b[0], "row " + i + " class");
      for (int c = 1; c < a.length; c++) {
        // then written with 6 significant digits
        double x = Double.parseDouble(a[c]);
        assertEquals(x, Double.parseDouble(b[c]), 5e-6 * Math.abs(x), "row " + i + " col " + c);
      }
    }
  }

  @Test
  void resumesToTheWeightsOfTheUninterruptedRunInTheNewFormat() throws IOException {
    CliRun r = CliRun.of("train", "--resume", run.toString(), "--epochs", "3", "-q");
    assertEquals(0, r.exitCode(), r.toString());
    Path ckpt = run.resolve("checkpoint");
    assertTrue(
        Files.readString(ckpt.resolve("checkpoint.json")).contains("\"format_version\" : 3"),
        "rewritten in format 3");
    Checkpoint resumed = new CheckpointStore().load(ckpt);
    assertEquals(3, resumed.epoch());
    Map<String, SafeTensors.Entry> expected =
        SafeTensors.read(FIXTURE.resolve("uninterrupted-e3-weights.safetensors")).tensors();
    assertEquals(expected.keySet(), resumed.weights().keySet());
    for (var e : expected.entrySet()) {
      SafeTensors.Entry got = resumed.weights().get(e.getKey());
      assertArrayEquals(e.getValue().shape(), got.shape(), e.getKey());
      assertArrayEquals(e.getValue().data(), got.data(), e.getKey() + " bit for bit");
    }
    // the file itself is in PyTorch's layout now: trunk.0.weight [out, in] is the transpose
    SafeTensors.Entry held = resumed.weights().get("trunk.0.weight");
    SafeTensors.Entry file =
        SafeTensors.read(ckpt.resolve("weights-e3.safetensors")).tensors().get("trunk.0.weight");
    int in = held.shape()[0];
    int out = held.shape()[1];
    assertArrayEquals(new int[] {out, in}, file.shape());
    for (int i = 0; i < in; i++) {
      for (int j = 0; j < out; j++) {
        assertEquals(held.data()[i * out + j], file.data()[j * in + i], "W[" + i + "," + j + "]");
      }
    }
  }
}
