package org.mtl4j.trainer.training;

import org.mtl4j.trainer.config.Mtl4jConfig;
import org.mtl4j.trainer.config.ScheduleConfig;

/**
 * The learning rate at each step: linear warm-up from 0 over {@code warmupSteps} (Goyal et al.,
 * "Accurate, Large Minibatch SGD", 2017), then constant, step decay ({@code gamma} every {@code
 * stepEpochs} epochs) or cosine annealing to {@code minLr} (Loshchilov and Hutter, "SGDR", 2017).
 */
public record LearningRateSchedule(
    ScheduleConfig config, double baseLr, long totalSteps, int stepsPerEpoch) {

  /**
   * The configured schedule of a run over {@code trainSize} examples: the optimiser's base rate and
   * schedule, steps per epoch from the batch size, total steps over all configured epochs.
   */
  public static LearningRateSchedule forRun(Mtl4jConfig c, int trainSize) {
    int batch = c.training().batchSize();
    return forSteps(c, (trainSize + batch - 1) / batch);
  }

  /** The configured schedule of a run of {@code stepsPerEpoch} steps per epoch. */
  public static LearningRateSchedule forSteps(Mtl4jConfig c, int stepsPerEpoch) {
    return new LearningRateSchedule(
        c.optimizer().schedule(),
        c.optimizer().lr(),
        (long) stepsPerEpoch * c.training().epochs(),
        stepsPerEpoch);
  }

  /** The rate for 0-based global step {@code step}. */
  public double at(long step) {
    int warm = config.warmupSteps();
    if (warm > 0 && step < warm) {
      return baseLr * (step + 1) / warm;
    }
    return switch (config.type()) {
      case "step" -> {
        long epoch = step / Math.max(1, stepsPerEpoch);
        yield baseLr * Math.pow(config.gamma(), epoch / config.stepEpochs());
      }
      case "cosine" -> {
        long span = Math.max(1, totalSteps - warm);
        double t = Math.min(1.0, (double) (step - warm) / span);
        yield config.minLr() + 0.5 * (baseLr - config.minLr()) * (1 + Math.cos(Math.PI * t));
      }
      default -> baseLr;
    };
  }
}
