package org.mtl4j.trainer.training;

import org.mtl4j.api.backend.ComputeBackend;
import org.mtl4j.api.optim.Adam;
import org.mtl4j.api.optim.Optimizer;
import org.mtl4j.api.optim.Sgd;
import org.mtl4j.trainer.config.OptimizerConfig;

/** Creates the configured optimiser: SGD (with (Nesterov) momentum), Adam or AdamW. */
public final class OptimizerFactory {
  private OptimizerFactory() {}

  public static Optimizer create(OptimizerConfig c, ComputeBackend backend) {
    return switch (c.name()) {
      case "sgd" -> new Sgd(backend, c.lr(), c.momentum(), c.weightDecay(), c.nesterov());
      case "adam" ->
          new Adam(backend, c.lr(), c.beta1(), c.beta2(), c.eps(), c.weightDecay(), false);
      case "adamw" ->
          new Adam(backend, c.lr(), c.beta1(), c.beta2(), c.eps(), c.weightDecay(), true);
      default ->
          throw new IllegalArgumentException(
              "optimizer.name: '" + c.name() + "' is not one of " + OptimizerConfig.NAMES);
    };
  }
}
