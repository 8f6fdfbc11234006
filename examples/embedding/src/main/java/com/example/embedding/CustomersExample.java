package com.example.embedding;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.mtl4j.api.task.TaskType;
import org.mtl4j.trainer.Mtl4j;
import org.mtl4j.trainer.config.Mtl4jConfig;
import org.mtl4j.trainer.metrics.EpochRecord;
import org.mtl4j.trainer.training.Trainer;
import org.mtl4j.trainer.training.TrainingListener;
import org.mtl4j.trainer.training.TrainingResult;

/**
 * Trains two tasks on a customers CSV from Java code (no YAML): churn (binary) and next month's
 * spend (regression), shared through a multi-gate mixture of experts, weighted by homoscedastic
 * uncertainty; then predicts both for every row of the same file.
 *
 * <p>Arguments: the customers CSV, the folder for runs.
 */
public final class CustomersExample {
  private CustomersExample() {}

  public static void main(String[] args) throws Exception {
    Path csv = Path.of(args[0]);
    Path runs = Path.of(args[1]);
    Mtl4jConfig config =
        Mtl4j.config("customers-mmoe")
            .data(
                "csv",
                Map.of(
                    "path",
                    csv.toString(),
                    "categorical",
                    "plan,region",
                    "ignore",
                    "customer_id",
                    "test_split",
                    0.2))
            .task("churn", TaskType.BINARY, "churned", "accuracy", "auc")
            .task("spend", TaskType.REGRESSION, "next_month_spend", "rmse")
            .strategy("mmoe", Map.of("experts", 3))
            .hidden(16)
            .weighting("uncertainty")
            .set("optimizer.lr", 1e-2)
            .set("training.epochs", 8)
            .set("training.batch_size", 32)
            .set("output", runs.toString())
            .build();

    Trainer trainer = Mtl4j.trainer(config);
    trainer.addListener(
        new TrainingListener() {
          @Override
          public void epoch(EpochRecord r) {
            System.out.println("epoch " + r.epoch() + " train loss " + r.trainLoss());
          }
        });
    TrainingResult result = trainer.train();
    result
        .test()
        .forEach((task, scores) -> System.out.println("test " + task + " " + scores.metrics()));

    Path predictions = runs.resolve("predictions.csv");
    int n = trainer.predict(result.runDir(), csv, predictions);
    List<String> lines = Files.readAllLines(predictions);
    System.out.println("predicted " + n + " rows; columns " + lines.get(0));
    System.out.println("first row " + lines.get(1));
  }
}
