package org.mtl4j.integration.support;

import java.nio.file.Path;

/** Small YAML configs on the CSV example data, fast enough for many runs. */
public final class Configs {
  private Configs() {}

  /** The task section of {@link #customers}. */
  public static String customersTasks() {
    return "tasks:\n"
        + "  - {name: churn, type: binary, label: churned, metrics: [accuracy, auc]}\n"
        + "  - {name: spend, type: regression, label: next_month_spend, metrics: [rmse, mae]}\n";
  }

  /** Churn (binary, some labels) + spend (regression, some labels missing) on customers.csv. */
  public static String customers(Path output, int epochs) {
    return "name: customers\n"
        + "backend: cpu\n"
        + "seed: 7\n"
        + "data:\n"
        + "  source: csv\n"
        + "  options: {path: "
        + CliRun.yamlPath(CliRun.repoRoot().resolve("examples/data/customers.csv"))
        + ", test_split: 0.2, categorical: 'plan,region', ignore: customer_id}\n"
        + customersTasks()
        + "model: {strategy: hard, hidden: [16], activation: relu}\n"
        + "weighting: {method: equal}\n"
        + "optimizer: {name: adam, lr: 0.01}\n"
        + "training: {epochs: "
        + epochs
        + ", batch_size: 32, validation_split: 0.1}\n"
        + "output: "
        + CliRun.yamlPath(output)
        + "\n";
  }
}
