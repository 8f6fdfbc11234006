package org.mtl4j.trainer.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.mtl4j.api.task.TaskType;

/**
 * Writes a config back as YAML in the layout {@link ConfigReader} reads, with every default filled
 * in: the "resolved config" of a run and of a checkpoint.
 */
public final class ConfigWriter {
  private final ObjectMapper yaml =
      new ObjectMapper(
          new YAMLFactory()
              .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
              .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES));

  /** The config as nested plain maps and lists. */
  public Map<String, Object> toMap(Mtl4jConfig c) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("name", c.name());
    m.put("backend", c.backend());
    m.put("seed", c.seed());
    m.put("data", data(c.data()));
    List<Object> tasks = new ArrayList<>();
    for (TaskConfig t : c.tasks()) {
      Map<String, Object> tm = new LinkedHashMap<>();
      tm.put("name", t.name());
      tm.put("type", t.type().configName());
      tm.put("label", t.label());
      tm.put("weight", t.weight());
      tm.put("metrics", t.metrics());
      if (t.type() == TaskType.REGRESSION) {
        tm.put("standardize", t.standardize());
      }
      if (t.positive() != null) {
        tm.put("positive", t.positive());
      }
      if (t.data() != null) {
        tm.put("data", data(t.data()));
      }
      tasks.add(tm);
    }
    m.put("tasks", tasks);
    ModelConfig mc = c.model();
    Map<String, Object> model = new LinkedHashMap<>();
    model.put("strategy", mc.strategy());
    model.put("options", mc.options());
    if (mc.preset() != null) {
      model.put("preset", mc.preset());
    }
    if (mc.trunk().isEmpty()) {
      model.put("hidden", mc.hidden());
    } else {
      model.put("trunk", LayerLists.toYaml(mc.trunk()));
    }
    model.put(
        "tower", mc.towerLayers().isEmpty() ? mc.tower() : LayerLists.toYaml(mc.towerLayers()));
    model.put("activation", mc.activation().configName());
    model.put("dropout", mc.dropout());
    model.put("layer_norm", mc.layerNorm());
    model.put("init", mc.init().scheme().configName());
    model.put("init_bias", mc.init().bias().configName());
    m.put("model", model);
    m.put(
        "weighting", Map.of("method", c.weighting().method(), "options", c.weighting().options()));
    OptimizerConfig o = c.optimizer();
    Map<String, Object> opt = new LinkedHashMap<>();
    opt.put("name", o.name());
    opt.put("lr", o.lr());
    if (o.name().equals("sgd")) {
      opt.put("momentum", o.momentum());
      opt.put("nesterov", o.nesterov());
    }
    opt.put("weight_decay", o.weightDecay());
    opt.put("beta1", o.beta1());
    opt.put("beta2", o.beta2());
    opt.put("eps", o.eps());
    opt.put("clip_norm", o.clipNorm());
    ScheduleConfig s = o.schedule();
    Map<String, Object> sched = new LinkedHashMap<>();
    sched.put("type", s.type());
    sched.put("warmup_steps", s.warmupSteps());
    sched.put("step_epochs", s.stepEpochs());
    sched.put("gamma", s.gamma());
    sched.put("min_lr", s.minLr());
    opt.put("schedule", sched);
    m.put("optimizer", opt);
    TrainingConfig tr = c.training();
    Map<String, Object> training = new LinkedHashMap<>();
    training.put("epochs", tr.epochs());
    training.put("batch_size", tr.batchSize());
    training.put("validation_split", tr.validationSplit());
    if (tr.earlyStopping() != null) {
      training.put(
          "early_stopping",
          Map.of(
              "metric",
              tr.earlyStopping().task() + "." + tr.earlyStopping().metric(),
              "patience",
              tr.earlyStopping().patience()));
    }
    SamplingConfig sampling = tr.sampling();
    training.put(
        "sampling",
        sampling.schedule().equals("temperature")
            ? Map.of("temperature", sampling.temperature())
            : sampling.schedule());
    if (tr.stepsPerEpoch() > 0) {
      training.put("steps_per_epoch", tr.stepsPerEpoch());
    }
    m.put("training", training);
    m.put("output", c.output());
    AnalysisConfig a = c.analysis();
    if (a.affinity()) {
      Map<String, Object> analysis = new LinkedHashMap<>();
      analysis.put("method", "affinity");
      analysis.put("sample_every", a.sampleEvery());
      if (a.lookaheadLr() > 0) {
        analysis.put("lookahead_lr", a.lookaheadLr());
      }
      analysis.put("max_groups", a.maxGroups());
      m.put("analysis", analysis);
    }
    return m;
  }

  private static Map<String, Object> data(DataConfig d) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("source", d.source());
    m.put("options", d.options());
    if (d.partial()) {
      m.put("part", d.part() + "/" + d.parts());
    }
    return m;
  }

  /** The config as YAML text that {@link ConfigReader} reads back to an equal config. */
  public String toYaml(Mtl4jConfig c) {
    try {
      return yaml.writeValueAsString(toMap(c));
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }
}
