package org.mtl4j.trainer.training;

import java.util.Map;
import org.mtl4j.trainer.checkpoint.Checkpoint;
import org.mtl4j.trainer.config.ConfigReader;
import org.mtl4j.trainer.config.EarlyStoppingConfig;
import org.mtl4j.trainer.metrics.TaskScores;

/**
 * Patience-based early stopping on one validation metric (Prechelt, "Early Stopping - But When?",
 * Neural Networks: Tricks of the Trade, 1998): training stops once {@code task.metric} has not
 * improved on its best value for {@code patience} epochs. Lower is better for {@code loss}, and for
 * a metric whatever its definition says. The best value and the count of epochs without improvement
 * are what a checkpoint keeps, so a resumed run stops where the uninterrupted one would.
 */
public final class EarlyStopping {
  private final EarlyStoppingConfig config;
  private final boolean higherIsBetter;
  private double best;
  private int badEpochs;

  private EarlyStopping(EarlyStoppingConfig config, double best, int badEpochs) {
    this.config = config;
    this.higherIsBetter = config == null || ConfigReader.higherIsBetter(config.metric());
    this.best = best;
    this.badEpochs = badEpochs;
  }

  /**
   * Early stopping for a run: fresh, or with the state of {@code resume} when not null. A null
   * {@code config} never stops.
   */
  public static EarlyStopping forRun(EarlyStoppingConfig config, Checkpoint resume) {
    return resume == null
        ? new EarlyStopping(config, Double.NaN, 0)
        : new EarlyStopping(config, resume.bestScore(), resume.badEpochs());
  }

  /**
   * Takes one epoch's validation scores; true when the run should stop after this epoch. Without a
   * configuration or without validation scores nothing changes.
   */
  public boolean update(Map<String, TaskScores> validation) {
    if (config == null || validation.isEmpty()) {
      return false;
    }
    double score = validation.get(config.task()).get(config.metric());
    if (Double.isNaN(best) || (higherIsBetter ? score > best : score < best)) {
      best = score;
      badEpochs = 0;
      return false;
    }
    return ++badEpochs >= config.patience();
  }

  /** The best score so far, NaN before the first one. */
  public double best() {
    return best;
  }

  /** Epochs since the best score. */
  public int badEpochs() {
    return badEpochs;
  }

  /** Why the run stopped, for the log. */
  public String reason() {
    return config == null
        ? "early stopping is off"
        : "early stopping: "
            + config.task()
            + "."
            + config.metric()
            + " has not improved for "
            + config.patience()
            + " epochs (best "
            + best
            + ")";
  }
}
