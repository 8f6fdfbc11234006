package org.mtl4j.trainer.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.mtl4j.api.nn.Activation;
import org.mtl4j.api.nn.LayerSpec;
import org.mtl4j.api.nn.WeightInit;
import org.mtl4j.api.options.OptionSpec;
import org.mtl4j.api.options.Options;
import org.mtl4j.api.options.OptionsException;
import org.mtl4j.api.task.Metric;
import org.mtl4j.api.task.Metrics;
import org.mtl4j.api.task.TaskType;
import org.mtl4j.trainer.io.Excerpt;
import org.mtl4j.trainer.io.InputLimit;
import org.mtl4j.trainer.io.TextFiles;
import org.yaml.snakeyaml.LoaderOptions;

/**
 * Reads a YAML training config into a validated {@link Mtl4jConfig}. Every problem is collected and
 * reported at once in a {@link ConfigException}, each with its path, the offending value and what
 * was expected. Unknown keys are errors; plugin names resolve only to discovered providers.
 *
 * <pre>
 * name: default            # run folder name (default: the file name)
 * backend: auto            # auto | cpu | cuda | any discovered backend
 * seed: 42
 * data: {source: fashion-mnist, options: {...}}
 * tasks:
 *   - {name: category, type: multiclass, label: category, weight: 1.0, metrics: [accuracy]}
 * model: {strategy: hard, options: {}, hidden: [512, 256], tower: [], activation: relu,
 *         dropout: 0.0, layer_norm: false}
 *                          # or layer lists: preset: lenet | resnet-small, and/or
 *                          # trunk: [conv: {channels: 10, kernel: 5}, pool: 2, relu, flatten, ...],
 *                          # tower: [linear: 50, relu] (see LayerLists)
 * weighting: {method: equal, options: {}}
 * optimizer: {name: adam, lr: 0.001, momentum: 0.0, nesterov: false, weight_decay: 0.0,
 *             beta1: 0.9, beta2: 0.999, eps: 1.0e-8, clip_norm: 0.0,
 *             schedule: {type: cosine, warmup_steps: 100, step_epochs: 1, gamma: 0.1, min_lr: 0}}
 * training: {epochs: 5, batch_size: 256, validation_split: 0.1,
 *            early_stopping: {metric: category.accuracy, patience: 3}}
 * output: runs
 * analysis: affinity       # or {method: affinity, sample_every: 20, lookahead_lr: 0.001,
 *                          #     max_groups: 2}; absent or 'none': no analysis
 * </pre>
 */
public final class ConfigReader {
  private static final Set<String> ROOT_KEYS =
      ordered(
          "name",
          "backend",
          "seed",
          "data",
          "tasks",
          "model",
          "weighting",
          "optimizer",
          "training",
          "output",
          "analysis");
  private final PluginCatalog catalog;
  private final ObjectMapper yaml = new ObjectMapper(new NonFiniteYamlFactory(LOADER_OPTIONS));

  /** SnakeYAML's own limits, set from {@link InputLimit}: the config's size and nesting. */
  static final LoaderOptions LOADER_OPTIONS = loaderOptions();

  /** The widest hidden or tower layer {@code model.hidden} and {@code model.tower} accept. */
  public static final int MAX_WIDTH = 1 << 20;

  /** The most hidden (or tower) layers. */
  public static final int MAX_LAYERS = 64;

  public ConfigReader(PluginCatalog catalog) {
    this.catalog = catalog;
  }

  /** Reads and validates a YAML file; the run name defaults to the file name without extension. */
  public Mtl4jConfig read(Path file) {
    String text;
    try {
      text = TextFiles.read(file, InputLimit.CONFIG_BYTES, InputLimit.CONFIG_LINE_CHARS);
    } catch (NoSuchFileException e) {
      throw new ConfigException(List.of(file + ": no such config file"));
    } catch (TextFiles.TextFileException e) {
      throw new ConfigException(List.of(e.getMessage()));
    } catch (IOException e) {
      throw new ConfigException(List.of(file + ": cannot be read: " + e.getMessage()));
    }
    String base = file.getFileName().toString().replaceFirst("\\.ya?ml$", "");
    return parse(text, file.toString(), base);
  }

  /**
   * Validates YAML text.
   *
   * @param source where the text came from, for messages
   * @param defaultName run name when the config gives none
   */
  public Mtl4jConfig parse(String text, String source, String defaultName) {
    if (InputLimit.CONFIG_BYTES.exceededBy(text.length())) {
      throw new ConfigException(
          List.of(
              source + ": " + InputLimit.CONFIG_BYTES.exceeded(text.length()) + " (characters)"));
    }
    try {
      TextFiles.checkLines(text, source, InputLimit.CONFIG_LINE_CHARS);
    } catch (TextFiles.TextFileException e) {
      throw new ConfigException(List.of(e.getMessage()));
    }
    List<String> yamlProblems = YamlGuard.problems(text, source, LOADER_OPTIONS);
    if (!yamlProblems.isEmpty()) {
      throw new ConfigException(yamlProblems);
    }
    JsonNode root;
    try {
      root = yaml.readTree(text);
    } catch (JsonProcessingException e) {
      throw new ConfigException(
          List.of(
              source
                  + ": not valid YAML: "
                  + Excerpt.message(firstLine(e.getOriginalMessage()))
                  + (e.getLocation() != null
                      ? " (line "
                          + e.getLocation().getLineNr()
                          + ", column "
                          + e.getLocation().getColumnNr()
                          + ")"
                      : "")));
    }
    return parse(root, source, defaultName);
  }

  /**
   * Validates a config tree (the YAML layout as a Jackson tree; {@link ConfigBuilder} makes one
   * from Java code).
   *
   * @param source where the tree came from, for messages
   * @param defaultName run name when the config gives none
   */
  public Mtl4jConfig parse(JsonNode root, String source, String defaultName) {
    if (root == null || root.isMissingNode() || root.isNull()) {
      throw new ConfigException(List.of(source + ": the config is empty"));
    }
    if (!root.isObject()) {
      throw new ConfigException(List.of(source + ": the config must be a mapping of sections"));
    }
    List<String> errors = new ArrayList<>();
    Fields f = new Fields(root, "", errors);
    f.allowOnly(ROOT_KEYS);
    String name = f.string("name", defaultName);
    if (name != null) {
      RunNames.problem(name).ifPresent(p -> f.error("name", p));
    }
    String backend = f.string("backend", "auto");
    if (backend != null && !backend.equals("auto") && !catalog.backends().contains(backend)) {
      f.error(
          "backend",
          Excerpt.quoted(backend)
              + " is not one of auto"
              + (catalog.backends().isEmpty() ? "" : ", " + String.join(", ", catalog.backends())));
    }
    long seed = f.longValue("seed", 42);
    DataConfig data = f.has("data") || !everyTaskNamesData(root) ? data(f.object("data")) : null;
    List<TaskConfig> tasks = tasks(f, data);
    if (data == null) {
      // every task names its own data: the first task's is the run's data (its predict format)
      data = tasks.isEmpty() ? new DataConfig("?", Map.of()) : tasks.get(0).data();
    }
    ModelConfig model = model(f.object("model"));
    WeightingConfig weighting = weighting(f.object("weighting"));
    OptimizerConfig optimizer = optimizer(f.object("optimizer"));
    TrainingConfig training = training(f.object("training"), tasks);
    String output = f.string("output", "runs");
    AnalysisConfig analysis = analysis(f, tasks.size());
    TaskSamplingCheck.check(training.sampling(), weighting, analysis, catalog, f);
    if (!errors.isEmpty()) {
      throw new ConfigException(errors);
    }
    return new Mtl4jConfig(
        name, backend, seed, data, tasks, model, weighting, optimizer, training, output, analysis);
  }

  private AnalysisConfig analysis(Fields f, int taskCount) {
    List<String> methods = List.of("affinity", "none");
    if (!f.has("analysis")) {
      return AnalysisConfig.off();
    }
    if (f.isText("analysis")) {
      String m = f.choice("analysis", "none", methods);
      return "affinity".equals(m)
          ? new AnalysisConfig(true, AnalysisConfig.DEFAULT_SAMPLE_EVERY, 0, 2)
          : AnalysisConfig.off();
    }
    Fields a = f.object("analysis");
    a.allowOnly(ordered("method", "sample_every", "lookahead_lr", "max_groups"));
    String m = a.choice("method", "affinity", methods);
    int every = a.integer("sample_every", AnalysisConfig.DEFAULT_SAMPLE_EVERY, 1, 1_000_000);
    double lr = a.has("lookahead_lr") ? a.positive("lookahead_lr", 0, 1e6) : 0;
    int groups = a.integer("max_groups", 2, 1, 64);
    if ("affinity".equals(m) && taskCount < 2) {
      a.error("method", "affinity needs at least 2 tasks, the config has " + taskCount);
    }
    return new AnalysisConfig("affinity".equals(m), every, lr, groups);
  }

  private DataConfig data(Fields f) {
    f.allowOnly(ordered("source", "options", "part"));
    String source = f.string("source", null);
    Map<String, Object> raw = f.plainMap("options");
    int[] part = part(f);
    if (source == null) {
      return new DataConfig("?", Map.of());
    }
    DataSourceInfo info = catalog.dataSources().get(source);
    if (info == null) {
      f.error(
          "source",
          Excerpt.quoted(source)
              + " is not one of "
              + String.join(", ", catalog.dataSources().keySet()));
      return new DataConfig(source, Map.of());
    }
    return new DataConfig(
        source, options(raw, info.options(), f.at("options"), f), part[0], part[1]);
  }

  /** {@code part: k/n}: the k-th of n contiguous blocks of the rows ({@code 1/1} when absent). */
  private static int[] part(Fields f) {
    String p = f.has("part") ? f.string("part", "1/1") : "1/1";
    java.util.regex.Matcher m =
        java.util.regex.Pattern.compile("\\s*(\\d{1,6})\\s*/\\s*(\\d{1,6})\\s*")
            .matcher(p == null ? "" : p);
    if (m.matches()) {
      int k = Integer.parseInt(m.group(1));
      int n = Integer.parseInt(m.group(2));
      if (n >= 1 && k >= 1 && k <= n) {
        return new int[] {k, n};
      }
    }
    f.error("part", "'" + p + "' is not k/n with 1 <= k <= n (e.g. 1/2: the first half)");
    return new int[] {1, 1};
  }

  /** Whether there are tasks and each names its own {@code data}. */
  private static boolean everyTaskNamesData(JsonNode root) {
    JsonNode tasks = root.get("tasks");
    if (tasks == null || !tasks.isArray() || tasks.isEmpty()) {
      return false;
    }
    for (JsonNode t : tasks) {
      if (!t.isObject() || !t.has("data")) {
        return false;
      }
    }
    return true;
  }

  private Map<String, Object> options(
      Map<String, Object> raw, List<OptionSpec> specs, String path, Fields f) {
    try {
      return Options.parse(raw, specs, path).asMap();
    } catch (OptionsException e) {
      e.errors().forEach(f::raw);
      return Map.of();
    }
  }

  private List<TaskConfig> tasks(Fields root, DataConfig data) {
    List<JsonNode> nodes = root.list("tasks", true);
    if (root.has("tasks") && nodes.isEmpty()) {
      root.error("tasks", "needs at least one task");
    }
    List<TaskConfig> out = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < nodes.size(); i++) {
      String path = "tasks[" + i + "]";
      if (!nodes.get(i).isObject()) {
        root.raw(path + ": '" + Fields.text(nodes.get(i)) + "' is not a mapping");
        continue;
      }
      Fields t = new Fields(nodes.get(i), path, root.errors());
      t.allowOnly(
          ordered("name", "type", "label", "weight", "metrics", "standardize", "positive", "data"));
      DataConfig own = t.has("data") ? data(t.object("data")) : null;
      DataConfig taskData = own != null ? own : data;
      DataSourceInfo info = taskData == null ? null : catalog.dataSources().get(taskData.source());
      Map<String, Set<TaskType>> labels = info == null ? null : info.labels().orElse(null);
      String name = t.string("name", null);
      if (name != null && !name.matches("[A-Za-z0-9_-]+")) {
        t.error("name", Excerpt.quoted(name) + " must use only letters, digits, '-' and '_'");
      } else if (name != null && !seen.add(name)) {
        t.error(
            "name",
            Excerpt.quoted(name) + " is used by an earlier task; task names must be unique");
      }
      String typeName =
          t.choice(
              "type",
              null,
              java.util.Arrays.stream(TaskType.values()).map(TaskType::configName).toList());
      TaskType type = typeName == null ? null : TaskType.parse(typeName);
      String label = t.string("label", name);
      if (labels != null && label != null) {
        Set<TaskType> types = labels.get(label);
        if (types == null) {
          t.error(
              "label",
              Excerpt.quoted(label)
                  + " is not a label of "
                  + taskData.source()
                  + "; known: "
                  + String.join(", ", labels.keySet()));
        } else if (type != null && !types.contains(type)) {
          t.error(
              "type",
              Excerpt.quoted(typeName)
                  + " does not suit label '"
                  + label
                  + "'; expected "
                  + String.join(
                      " or ", types.stream().map(TaskType::configName).sorted().toList()));
        }
      }
      double weight = t.number("weight", 1.0, 0, Double.MAX_VALUE, false);
      List<String> metrics =
          t.stringList("metrics", type == null ? List.of() : type.defaultMetrics());
      for (int m = 0; m < metrics.size(); m++) {
        String mp = "metrics[" + m + "]";
        if (!Metrics.names().contains(metrics.get(m))) {
          t.error(
              mp,
              Excerpt.quoted(metrics.get(m))
                  + " is not one of "
                  + String.join(", ", Metrics.names()));
        } else if (type != null && !Metrics.byName(metrics.get(m)).appliesTo(type)) {
          t.error(mp, Excerpt.quoted(metrics.get(m)) + " does not apply to " + typeName + " tasks");
        }
      }
      if (t.has("metrics") && metrics.isEmpty()) {
        t.error("metrics", "needs at least one metric");
      }
      boolean standardize = t.bool("standardize", true);
      if (t.has("standardize") && type != null && type != TaskType.REGRESSION) {
        t.error("standardize", "applies to regression tasks only, this task is " + typeName);
      }
      String positive = t.has("positive") ? t.string("positive", null) : null;
      if (t.has("positive") && type != null && type != TaskType.BINARY) {
        t.error("positive", "applies to binary tasks only, this task is " + typeName);
      }
      if (name != null && type != null && label != null) {
        out.add(new TaskConfig(name, type, label, weight, metrics, standardize, positive, own));
      }
    }
    return out;
  }

  private ModelConfig model(Fields f) {
    f.allowOnly(
        ordered(
            "strategy",
            "options",
            "preset",
            "hidden",
            "trunk",
            "tower",
            "activation",
            "dropout",
            "layer_norm",
            "init",
            "init_bias"));
    String strategy = f.string("strategy", "hard");
    Map<String, Object> raw = f.plainMap("options");
    Map<String, Object> opts = Map.of();
    if (strategy != null) {
      var provider = catalog.strategies().get(strategy);
      if (provider == null) {
        f.error(
            "strategy",
            Excerpt.quoted(strategy)
                + " is not one of "
                + (catalog.strategies().isEmpty()
                    ? "(no strategy was discovered)"
                    : String.join(", ", catalog.strategies().keySet())));
      } else {
        opts = options(raw, provider.options(), f.at("options"), f);
      }
    }
    String preset = f.has("preset") ? f.choice("preset", null, ModelPresets.names()) : null;
    ModelPresets.Preset p = preset == null ? null : ModelPresets.get(preset);
    List<LayerSpec> trunk = p == null ? List.of() : p.trunk();
    if (f.has("trunk")) {
      trunk = LayerLists.read(f.node("trunk"), f.at("trunk"), f.errors());
    }
    List<Integer> hidden =
        f.intList(
            "hidden",
            trunk.isEmpty() ? List.of(256) : List.of(),
            1,
            MAX_WIDTH,
            trunk.isEmpty() ? 1 : 0,
            MAX_LAYERS);
    if (!trunk.isEmpty() && !hidden.isEmpty()) {
      f.error(
          "hidden",
          "give the shared part either as hidden sizes or as a layer list (model.trunk"
              + (preset != null && !f.has("trunk") ? ", here from model.preset " + preset : "")
              + "), not both");
    }
    List<Integer> tower = List.of();
    List<LayerSpec> towerLayers = p == null ? List.of() : p.tower();
    if (f.has("tower")) {
      JsonNode t = f.node("tower");
      if (t.isArray() && LayerLists.isSizes(t)) {
        tower = f.intList("tower", List.of(), 1, MAX_WIDTH, 0, MAX_LAYERS);
        towerLayers = List.of();
      } else {
        towerLayers = LayerLists.read(t, f.at("tower"), f.errors());
      }
    }
    if (trunk.isEmpty()) {
      long parameters = parametersAtLeast(hidden, tower);
      if (InputLimit.MODEL_PARAMETERS.exceededBy(parameters)) {
        f.error(
            "hidden",
            "the hidden and tower sizes alone make a network of at least "
                + parameters
                + " trainable parameters (with one input and one output); "
                + InputLimit.MODEL_PARAMETERS.exceeded(parameters));
      }
    }
    String act =
        f.choice(
            "activation",
            "relu",
            java.util.Arrays.stream(Activation.values()).map(Activation::configName).toList());
    double dropout = f.number("dropout", 0.0, 0.0, 1.0, true);
    boolean layerNorm = f.bool("layer_norm", false);
    String scheme =
        f.choice("init", WeightInit.DEFAULT.scheme().configName(), WeightInit.Scheme.names());
    String bias =
        f.choice("init_bias", WeightInit.DEFAULT.bias().configName(), WeightInit.Bias.names());
    WeightInit init =
        scheme == null || bias == null
            ? WeightInit.DEFAULT
            : new WeightInit(WeightInit.Scheme.parse(scheme), WeightInit.Bias.parse(bias));
    return new ModelConfig(
        strategy == null ? "?" : strategy,
        opts,
        hidden,
        tower,
        Activation.parse(act == null ? "relu" : act),
        dropout,
        layerNorm,
        init,
        preset,
        trunk,
        towerLayers);
  }

  private WeightingConfig weighting(Fields f) {
    f.allowOnly(ordered("method", "options"));
    String method = f.string("method", "equal");
    Map<String, Object> raw = f.plainMap("options");
    Map<String, Object> opts = Map.of();
    var provider = catalog.weightings().get(method);
    if (provider == null) {
      f.error(
          "method",
          Excerpt.quoted(method)
              + " is not one of "
              + (catalog.weightings().isEmpty()
                  ? "(no weighting method was discovered)"
                  : String.join(", ", catalog.weightings().keySet())));
    } else {
      String repGrad = WeightingCompatibilityCheck.representationProblem(provider, raw, catalog);
      if (repGrad != null) {
        f.raw(f.at("options") + "." + WeightingCompatibilityCheck.REP_GRAD + ": " + repGrad);
        raw = new java.util.LinkedHashMap<>(raw);
        raw.remove(WeightingCompatibilityCheck.REP_GRAD);
      }
      opts = options(raw, provider.options(), f.at("options"), f);
    }
    return new WeightingConfig(method, opts);
  }

  private OptimizerConfig optimizer(Fields f) {
    f.allowOnly(
        ordered(
            "name",
            "lr",
            "momentum",
            "nesterov",
            "weight_decay",
            "beta1",
            "beta2",
            "eps",
            "clip_norm",
            "schedule"));
    String name = f.choice("name", "adam", OptimizerConfig.NAMES);
    double lr = f.positive("lr", 1e-3, 1e6);
    double momentum = f.number("momentum", 0.0, 0, 1, true);
    boolean nesterov = f.bool("nesterov", false);
    if (nesterov && momentum == 0) {
      f.error("nesterov", "'true' needs optimizer.momentum > 0");
    }
    if ("sgd".equals(name) == false && (f.has("momentum") || f.has("nesterov"))) {
      f.error(
          f.has("momentum") ? "momentum" : "nesterov",
          "applies only to optimizer.name sgd, not '" + name + "'");
    }
    double wd = f.number("weight_decay", 0.0, 0, 10, false);
    double beta1 = f.number("beta1", 0.9, 0, 1, true);
    double beta2 = f.number("beta2", 0.999, 0, 1, true);
    double eps = f.positive("eps", 1e-8, 1);
    double clip = f.number("clip_norm", 0.0, 0, Double.MAX_VALUE, false);
    Fields s = f.object("schedule");
    s.allowOnly(ordered("type", "warmup_steps", "step_epochs", "gamma", "min_lr"));
    ScheduleConfig schedule =
        new ScheduleConfig(
            s.choice("type", "constant", ScheduleConfig.TYPES),
            s.integer("warmup_steps", 0, 0, Integer.MAX_VALUE),
            s.integer("step_epochs", 1, 1, Integer.MAX_VALUE),
            s.number("gamma", 0.1, 0, 1, false),
            s.number("min_lr", 0.0, 0, lr, false));
    return new OptimizerConfig(
        name == null ? "adam" : name,
        lr,
        momentum,
        nesterov,
        wd,
        beta1,
        beta2,
        eps,
        clip,
        schedule);
  }

  private TrainingConfig training(Fields f, List<TaskConfig> tasks) {
    f.allowOnly(
        ordered(
            "epochs",
            "batch_size",
            "validation_split",
            "early_stopping",
            "sampling",
            "steps_per_epoch"));
    int epochs = f.integer("epochs", 5, 1, TrainingConfig.MAX_EPOCHS);
    int batch = f.integer("batch_size", 256, 1, 1 << 20);
    double split = f.number("validation_split", 0.1, 0, 1, true);
    SamplingConfig sampling = sampling(f);
    int stepsPerEpoch = f.has("steps_per_epoch") ? f.integer("steps_per_epoch", 0, 1, 1 << 30) : 0;
    if (stepsPerEpoch > 0 && !sampling.oneTaskPerStep()) {
      f.error(
          "steps_per_epoch",
          "applies to the one-task-per-step schedules (alternating, proportional, uniform,"
              + " temperature); mixed sampling passes once over the training rows per epoch");
    }
    EarlyStoppingConfig es = null;
    if (f.has("early_stopping")) {
      Fields e = f.object("early_stopping");
      e.allowOnly(ordered("metric", "patience"));
      String metric = e.string("metric", null);
      int patience = e.integer("patience", 3, 1, 1_000_000);
      if (split == 0) {
        e.error("metric", "early stopping needs training.validation_split > 0");
      }
      if (metric != null) {
        int dot = metric.lastIndexOf('.');
        String task = dot > 0 ? metric.substring(0, dot) : "";
        String m = dot > 0 ? metric.substring(dot + 1) : "";
        TaskConfig tc = tasks.stream().filter(t -> t.name().equals(task)).findFirst().orElse(null);
        if (tc == null) {
          e.error(
              "metric",
              Excerpt.quoted(metric)
                  + " is not <task>.<metric> for a task among "
                  + String.join(", ", tasks.stream().map(TaskConfig::name).toList())
                  + " (or 'loss')");
        } else if (!m.equals("loss") && !tc.metrics().contains(m)) {
          e.error(
              "metric",
              Excerpt.quoted(metric)
                  + " names metric '"
                  + m
                  + "' that task "
                  + task
                  + " does not report; expected one of loss, "
                  + String.join(", ", tc.metrics()));
        } else {
          es = new EarlyStoppingConfig(task, m, patience);
        }
      }
    }
    return new TrainingConfig(epochs, batch, split, es, sampling, stepsPerEpoch);
  }

  /**
   * {@code sampling}: a schedule name, or {@code {temperature: T}} (also {@code {schedule:
   * temperature, temperature: T}}).
   */
  private static SamplingConfig sampling(Fields f) {
    if (!f.has("sampling")) {
      return SamplingConfig.MIXED;
    }
    String expected =
        "expected one of " + String.join(", ", SamplingConfig.SCHEDULES) + " or {temperature: T}";
    if (f.isText("sampling")) {
      String name = f.string("sampling", "mixed");
      if (name == null || !SamplingConfig.SCHEDULES.contains(name)) {
        f.error("sampling", "'" + name + "' is not a schedule; " + expected);
        return SamplingConfig.MIXED;
      }
      if (name.equals("temperature")) {
        f.error("sampling", "temperature needs its T: write sampling: {temperature: 2}");
        return SamplingConfig.MIXED;
      }
      return new SamplingConfig(name, 1);
    }
    Fields s = f.object("sampling");
    s.allowOnly(ordered("schedule", "temperature"));
    String name = s.choice("schedule", "temperature", SamplingConfig.SCHEDULES);
    if (name == null) {
      return SamplingConfig.MIXED;
    }
    if (!name.equals("temperature")) {
      if (s.has("temperature")) {
        s.error("temperature", "applies to the temperature schedule only, not " + name);
      }
      return new SamplingConfig(name, 1);
    }
    if (!s.has("temperature")) {
      s.error("temperature", "the temperature schedule needs T > 0 (1: proportional)");
      return SamplingConfig.MIXED;
    }
    return new SamplingConfig(name, s.positive("temperature", 1, 1e6));
  }

  /** Whether a larger value of the early-stopping metric is better. */
  public static boolean higherIsBetter(String metric) {
    if (metric.equals("loss")) {
      return false;
    }
    Metric m = Metrics.byName(metric);
    return m.higherIsBetter();
  }

  /**
   * A lower bound on the trainable parameters of a network with these hidden and tower sizes: the
   * dense layers' weights and biases for one input feature and one task of one output (every
   * strategy has at least these).
   */
  static long parametersAtLeast(List<Integer> hidden, List<Integer> tower) {
    long n = 0;
    long in = 1;
    for (int h : hidden) {
      n += (in + 1) * h;
      in = h;
    }
    for (int t : tower) {
      n += (in + 1) * t;
      in = t;
    }
    return n + in + 1;
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "";
    }
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }

  private static LoaderOptions loaderOptions() {
    LoaderOptions o = new LoaderOptions();
    o.setCodePointLimit((int) InputLimit.CONFIG_BYTES.value());
    o.setNestingDepthLimit((int) InputLimit.CONFIG_NESTING.value());
    o.setAllowDuplicateKeys(false);
    o.setMaxAliasesForCollections(0);
    o.setAllowRecursiveKeys(false);
    return o;
  }

  private static Set<String> ordered(String... keys) {
    return new LinkedHashSet<>(List.of(keys));
  }
}
