package org.mtl4j.spark;

/**
 * How a {@link SparkTrainer} distributes training.
 *
 * @param mode synchronous gradient aggregation or periodic parameter averaging
 * @param averageEvery k, the local steps between two averagings ({@link TrainingMode#AVERAGE})
 * @param partitions partitions of the training data (one per executor core is typical)
 * @param aggregationDepth the depth of Spark's {@code treeAggregate} (2 is Spark's default)
 * @param failure a failure to inject for resilience tests, or null
 */
public record SparkTrainingOptions(
    TrainingMode mode,
    int averageEvery,
    int partitions,
    int aggregationDepth,
    FailureInjection failure) {

  public SparkTrainingOptions {
    if (mode == null) {
      throw new IllegalArgumentException("mode must be sync or average, got null");
    }
    if (averageEvery < 1) {
      throw new IllegalArgumentException("averageEvery must be >= 1, got " + averageEvery);
    }
    if (partitions < 1) {
      throw new IllegalArgumentException("partitions must be >= 1, got " + partitions);
    }
    if (aggregationDepth < 1) {
      throw new IllegalArgumentException("aggregationDepth must be >= 1, got " + aggregationDepth);
    }
  }

  /** Synchronous mode on {@code partitions} partitions. */
  public static SparkTrainingOptions sync(int partitions) {
    return new SparkTrainingOptions(TrainingMode.SYNC, 1, partitions, 2, null);
  }

  /** Averaging every {@code k} local steps on {@code partitions} partitions. */
  public static SparkTrainingOptions average(int partitions, int k) {
    return new SparkTrainingOptions(TrainingMode.AVERAGE, k, partitions, 2, null);
  }

  public SparkTrainingOptions withFailure(FailureInjection f) {
    return new SparkTrainingOptions(mode, averageEvery, partitions, aggregationDepth, f);
  }
}
