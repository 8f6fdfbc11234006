package org.mtl4j.trainer.config;

import java.io.Serializable;
import java.util.List;
import java.util.Objects;

/**
 * A validated training configuration (see {@link ConfigReader} for the YAML layout).
 *
 * @param name run name: the folder under {@code output} that holds the run
 * @param backend backend name, or {@code auto}
 * @param seed seed of every random choice (initialisation, shuffling, dropout, generated data)
 * @param data where the examples come from
 * @param tasks the tasks, in network order
 * @param model the sharing strategy and layer sizes
 * @param weighting the task weighting method
 * @param optimizer the optimiser, its schedule and gradient clipping
 * @param training epochs, batches, validation and early stopping
 * @param output directory that holds run folders
 * @param analysis measurements of task relations taken during training
 */
public record Mtl4jConfig(
    String name,
    String backend,
    long seed,
    DataConfig data,
    List<TaskConfig> tasks,
    ModelConfig model,
    WeightingConfig weighting,
    OptimizerConfig optimizer,
    TrainingConfig training,
    String output,
    AnalysisConfig analysis)
    implements Serializable {

  public Mtl4jConfig {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(backend, "backend");
    Objects.requireNonNull(data, "data");
    tasks = List.copyOf(tasks);
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(weighting, "weighting");
    Objects.requireNonNull(optimizer, "optimizer");
    Objects.requireNonNull(training, "training");
    Objects.requireNonNull(output, "output");
    Objects.requireNonNull(analysis, "analysis");
  }

  public Mtl4jConfig withName(String n) {
    return new Mtl4jConfig(
        n, backend, seed, data, tasks, model, weighting, optimizer, training, output, analysis);
  }

  public Mtl4jConfig withSeed(long s) {
    return new Mtl4jConfig(
        name, backend, s, data, tasks, model, weighting, optimizer, training, output, analysis);
  }

  public Mtl4jConfig withBackend(String b) {
    return new Mtl4jConfig(
        name, b, seed, data, tasks, model, weighting, optimizer, training, output, analysis);
  }

  public Mtl4jConfig withTasks(List<TaskConfig> t) {
    return new Mtl4jConfig(
        name, backend, seed, data, t, model, weighting, optimizer, training, output, analysis);
  }

  public Mtl4jConfig withTraining(TrainingConfig t) {
    return new Mtl4jConfig(
        name, backend, seed, data, tasks, model, weighting, optimizer, t, output, analysis);
  }

  public Mtl4jConfig withOutput(String o) {
    return new Mtl4jConfig(
        name, backend, seed, data, tasks, model, weighting, optimizer, training, o, analysis);
  }

  public Mtl4jConfig withAnalysis(AnalysisConfig a) {
    return new Mtl4jConfig(
        name, backend, seed, data, tasks, model, weighting, optimizer, training, output, a);
  }

  public Mtl4jConfig withWeighting(WeightingConfig w) {
    return new Mtl4jConfig(
        name, backend, seed, data, tasks, model, w, optimizer, training, output, analysis);
  }

  public Mtl4jConfig withModel(ModelConfig m) {
    return new Mtl4jConfig(
        name, backend, seed, data, tasks, m, weighting, optimizer, training, output, analysis);
  }

  public Mtl4jConfig withData(DataConfig d) {
    return new Mtl4jConfig(
        name, backend, seed, d, tasks, model, weighting, optimizer, training, output, analysis);
  }
}
