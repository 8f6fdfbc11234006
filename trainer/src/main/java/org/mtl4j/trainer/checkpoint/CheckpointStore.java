package org.mtl4j.trainer.checkpoint;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.mtl4j.api.optim.Optimizer;
import org.mtl4j.trainer.data.Sha256;
import org.mtl4j.trainer.io.Excerpt;
import org.mtl4j.trainer.metrics.EpochRecord;

/**
 * Saves and loads {@link Checkpoint}s in a folder: {@code weights-eN.safetensors}, {@code
 * optimizer-eN.safetensors} and {@code checkpoint.json} (the metadata, with the SHA-256 of both
 * tensor files). Every file is written atomically and the JSON last, so the folder always describes
 * the last complete checkpoint; loading verifies both digests.
 *
 * <p>Format versions ({@code checkpoint.json}: {@code format}, {@code format_version}):
 *
 * <ul>
 *   <li>2 (written): weights in PyTorch's names and layouts ({@link PyTorchLayout}, with the
 *       mapping of every tensor under {@code tensors}); the optimiser's step counter an I64 scalar
 *       {@code steps}; documented in {@code docs/pytorch.md}.
 *   <li>1 ({@code format: mtl4j-checkpoint-1}, read): weights as mtl4j holds them (linear weights
 *       {@code [in, out]}, biases {@code [1, out]}), the step counter as two F32 holding the bits
 *       of its high and low halves.
 * </ul>
 *
 * In memory a {@link Checkpoint} always holds the parameters as mtl4j does, whatever the version.
 */
public final class CheckpointStore {
  public static final String METADATA = "checkpoint.json";

  /** The training history, one JSON epoch record a line, appended after each epoch. */
  public static final String HISTORY = "history.jsonl";

  /** The {@code format} of checkpoint.json from version 2 on. */
  public static final String FORMAT = "mtl4j-checkpoint";

  /** The largest checkpoint.json read (the history lives in {@link #HISTORY}). */
  static final long MAX_METADATA_BYTES = 16L << 20;

  /** The version written. */
  public static final int VERSION = 3;

  /** The {@code format} of the first version, which had no {@code format_version}. */
  static final String FORMAT_1 = "mtl4j-checkpoint-1";

  private static final ObjectMapper JSON =
      new ObjectMapper()
          .enable(SerializationFeature.INDENT_OUTPUT)
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  public void save(Path dir, Checkpoint c) {
    try {
      Files.createDirectories(dir);
      String wName = "weights-e" + c.epoch() + ".safetensors";
      String oName = "optimizer-e" + c.epoch() + ".safetensors";
      JsonNode previous = previous(dir);
      FileManifest.record(dir, wName, oName, HISTORY, METADATA);
      PyTorchLayout.Stored stored = PyTorchLayout.store(c.weights());
      SafeTensors.write(
          dir.resolve(wName),
          stored.tensors(),
          Map.of("format", "pt", "producer", "mtl4j", "epoch", Integer.toString(c.epoch())));
      Map<String, SafeTensors.Entry> opt = new LinkedHashMap<>();
      Map<String, SafeTensors.IntEntry> counters = new LinkedHashMap<>();
      c.optimizerState()
          .forEach(
              (k, v) -> {
                if (k.equals(Optimizer.STEPS)) {
                  long steps = Optimizer.decodeSteps(v);
                  counters.put(k, new SafeTensors.IntEntry(new int[0], new long[] {steps}));
                } else {
                  opt.put(k, new SafeTensors.Entry(new int[] {v.length}, v));
                }
              });
      SafeTensors.write(dir.resolve(oName), opt, counters, Map.of("producer", "mtl4j"));
      Map<String, Object> meta = new LinkedHashMap<>();
      meta.put("format", FORMAT);
      meta.put("format_version", VERSION);
      meta.put("seed", c.seed());
      meta.put("epoch", c.epoch());
      meta.put("step", c.step());
      meta.put("weights", Map.of("file", wName, "sha256", Sha256.ofFile(dir.resolve(wName))));
      meta.put("optimizer", Map.of("file", oName, "sha256", Sha256.ofFile(dir.resolve(oName))));
      meta.put("weighting_state", new TreeMap<>(c.weightingState()));
      meta.put(
          "rng",
          Map.of(
              "kind",
              "counter (SplitMix64)",
              "seed",
              c.seed(),
              "epoch",
              c.epoch(),
              "step",
              c.step()));
      meta.put("best_score", Double.isNaN(c.bestScore()) ? null : c.bestScore());
      meta.put("bad_epochs", c.badEpochs());
      if (!c.sampler().isEmpty()) {
        meta.put("sampler", c.sampler());
      }
      meta.put("model", modelSection(c.configYaml()));
      meta.put("tensors", stored.mappings());
      meta.put("tasks", c.tasks());
      meta.put("preprocessing", c.preprocessing());
      meta.put("history", HistoryLog.append(dir.resolve(HISTORY), c.history(), previous));
      meta.put("config", c.configYaml());
      AtomicFiles.write(dir.resolve(METADATA), JSON.writeValueAsBytes(meta));
      deleteStale(
          dir,
          new HashSet<>(
              List.of(
                  wName,
                  oName,
                  previous.path("weights").path("file").asText(),
                  previous.path("optimizer").path("file").asText())));
    } catch (IOException e) {
      throw new CheckpointException("cannot write checkpoint to " + dir + ": " + e.getMessage(), e);
    }
  }

  /**
   * The config's {@code model} section as JSON (strategy, options, hidden, tower, activation,
   * layer_norm, ...), so that a reader outside the JVM rebuilds the network without a YAML parser;
   * empty when the config has none.
   */
  private static JsonNode modelSection(String configYaml) throws IOException {
    JsonNode config = YAML.readTree(configYaml);
    JsonNode model = config == null ? null : config.get("model");
    return model == null ? JSON.createObjectNode() : model;
  }

  /**
   * The checkpoint.json that {@link #save} replaces (its history position and tensor files), or an
   * empty node when there is none or it cannot be read.
   */
  private static JsonNode previous(Path dir) {
    Path f = dir.resolve(METADATA);
    if (!Files.isRegularFile(f)) {
      return JSON.createObjectNode();
    }
    try {
      JsonNode m = JSON.readTree(f.toFile());
      return m == null ? JSON.createObjectNode() : m;
    } catch (IOException e) {
      return JSON.createObjectNode();
    }
  }

  /**
   * Deletes the tensor files of earlier epochs that this run recorded writing, except {@code keep}:
   * the new checkpoint's and the previous one's, so that a reader that has just read the previous
   * checkpoint.json still finds its files. Links and unrecorded files are never touched.
   */
  private static void deleteStale(Path dir, Set<String> keep) throws IOException {
    for (String n : FileManifest.names(dir)) {
      if (n.matches("(weights|optimizer)-e\\d+\\.safetensors") && !keep.contains(n)) {
        FileManifest.remove(dir, n);
      }
    }
  }

  /** Whether {@code dir} holds a checkpoint. */
  public static boolean exists(Path dir) {
    return Files.isRegularFile(dir.resolve(METADATA));
  }

  /**
   * Loads the checkpoint in {@code dir}, every field range-checked and every tensor checked finite.
   * A training process may replace the checkpoint meanwhile: when a tensor file that
   * checkpoint.json named is gone because a newer checkpoint.json replaced it, the newer one is
   * read (a few times at most).
   */
  public Checkpoint load(Path dir) {
    Path metaFile = dir.resolve(METADATA);
    for (int attempt = 1; ; attempt++) {
      byte[] before = readMetadata(dir, metaFile);
      try {
        return load(dir, metaFile, before);
      } catch (CheckpointException e) {
        if (attempt >= 3 || java.util.Arrays.equals(before, readMetadata(dir, metaFile))) {
          throw e;
        }
      }
    }
  }

  private static byte[] readMetadata(Path dir, Path metaFile) {
    if (!Files.isRegularFile(metaFile)) {
      throw new CheckpointException(dir + ": no " + METADATA + " (not a checkpoint folder)");
    }
    try {
      long size = Files.size(metaFile);
      if (size > MAX_METADATA_BYTES) {
        throw new CheckpointException(
            metaFile
                + ": "
                + size
                + " bytes; a checkpoint.json holds at most "
                + MAX_METADATA_BYTES);
      }
      return Files.readAllBytes(metaFile);
    } catch (IOException e) {
      throw new CheckpointException(metaFile + ": cannot be read: " + e.getMessage(), e);
    }
  }

  private Checkpoint load(Path dir, Path metaFile, byte[] metaBytes) {
    try {
      JsonNode m = JSON.readTree(metaBytes);
      if (m == null || !m.isObject()) {
        throw new CheckpointException(metaFile + ": not a JSON object");
      }
      int version = version(m, metaFile);
      CheckpointFields fields = new CheckpointFields(metaFile);
      fields.counters(m);
      fields.tasks(m.get("tasks"));
      fields.preprocessing(m.get("preprocessing"));
      SafeTensors.Content w = verified(dir, m.path("weights"), metaFile);
      Map<String, SafeTensors.Entry> weights = w.tensors();
      Map<String, float[]> wData = new LinkedHashMap<>();
      weights.forEach((k, v) -> wData.put(k, v.data()));
      CheckpointFields.requireFinite(
          dir.resolve(m.path("weights").path("file").asText()), "weights", wData);
      if (version >= 2) {
        Map<String, PyTorchLayout.Mapping> mappings =
            JSON.convertValue(
                m.path("tensors"), new TypeReference<Map<String, PyTorchLayout.Mapping>>() {});
        if (mappings == null) {
          throw new CheckpointException(metaFile + ": lacks the tensor mapping 'tensors'");
        }
        weights =
            PyTorchLayout.restore(
                new PyTorchLayout.Stored(weights, mappings),
                dir.resolve(m.path("weights").path("file").asText()).toString());
      }
      SafeTensors.Content opt = verified(dir, m.path("optimizer"), metaFile);
      Map<String, float[]> optState = new LinkedHashMap<>();
      opt.tensors().forEach((k, v) -> optState.put(k, v.data()));
      CheckpointFields.requireFinite(
          dir.resolve(m.path("optimizer").path("file").asText()), "optimizer", optState);
      SafeTensors.IntEntry steps = opt.integers().get(Optimizer.STEPS);
      if (steps != null) {
        if (steps.data().length != 1) {
          throw new CheckpointException(
              metaFile + ": the optimiser's steps counter has " + steps.data().length + " values");
        }
        optState.put(Optimizer.STEPS, Optimizer.encodeSteps(steps.data()[0]));
      }
      Map<String, double[]> ws =
          JSON.convertValue(
              m.path("weighting_state"), new TypeReference<Map<String, double[]>>() {});
      List<EpochRecord> history =
          version >= 3
              ? HistoryLog.read(dir, m.path("history"), fields)
              : JSON.convertValue(m.path("history"), new TypeReference<List<EpochRecord>>() {});
      List<Checkpoint.TaskInfo> tasks =
          JSON.convertValue(m.path("tasks"), new TypeReference<List<Checkpoint.TaskInfo>>() {});
      Map<String, Object> pre =
          JSON.convertValue(m.path("preprocessing"), new TypeReference<Map<String, Object>>() {});
      Map<String, Object> sampler =
          JSON.convertValue(m.path("sampler"), new TypeReference<Map<String, Object>>() {});
      JsonNode best = m.path("best_score");
      String config = m.path("config").asText();
      return new Checkpoint(
          config,
          m.path("seed").asLong(),
          m.path("epoch").asInt(),
          m.path("step").asLong(),
          weights,
          optState,
          ws == null ? Map.of() : ws,
          history == null ? List.of() : history,
          tasks == null ? List.of() : tasks,
          pre == null ? Map.of() : pre,
          best.isNumber() ? best.asDouble() : Double.NaN,
          m.path("bad_epochs").asInt(),
          sampler == null ? Map.of() : sampler);
    } catch (IOException | IllegalArgumentException e) {
      throw new CheckpointException(
          metaFile + ": cannot be read: " + Excerpt.of(e.getMessage()), e);
    }
  }

  /** The format version of a checkpoint.json, or an error naming the versions this code reads. */
  private static int version(JsonNode m, Path metaFile) {
    String format = m.path("format").asText();
    if (format.equals(FORMAT_1)) {
      return 1;
    }
    int v = m.path("format_version").asInt(-1);
    if (format.equals(FORMAT) && v >= 2 && v <= VERSION) {
      return v;
    }
    throw new CheckpointException(
        metaFile
            + ": format is '"
            + format
            + "'"
            + (m.has("format_version") ? " version " + m.path("format_version") : "")
            + "; this mtl4j reads "
            + FORMAT_1
            + " and "
            + FORMAT
            + " versions 2 to "
            + VERSION);
  }

  private static SafeTensors.Content verified(Path dir, JsonNode ref, Path metaFile)
      throws IOException {
    String name = ref.path("file").asText();
    String sha = ref.path("sha256").asText();
    if (name.isEmpty() || name.contains("/") || name.contains("\\") || name.startsWith(".")) {
      throw new CheckpointException(metaFile + ": invalid tensor file name '" + name + "'");
    }
    Path f = dir.resolve(name);
    if (!Files.isRegularFile(f)) {
      throw new CheckpointException(metaFile + ": refers to " + f + ", which is missing");
    }
    String actual = Sha256.ofFile(f);
    if (!actual.equals(sha)) {
      throw new CheckpointException(
          f
              + ": SHA-256 is "
              + actual
              + " but "
              + METADATA
              + " records "
              + sha
              + "; the file is corrupt or was replaced");
    }
    return SafeTensors.read(f);
  }
}
