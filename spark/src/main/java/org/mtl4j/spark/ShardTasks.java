package org.mtl4j.spark;

import java.util.Iterator;
import java.util.List;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.Function2;
import org.apache.spark.broadcast.Broadcast;

/**
 * The functions Spark ships to executors. Each captures only serialisable values (the run spec
 * broadcast, the step's coordinates and the broadcast state), never the driver's objects.
 */
final class ShardTasks {
  private ShardTasks() {}

  /** Synchronous mode: the count-weighted per-task gradients of each partition's share. */
  static Function2<Integer, Iterator<ExampleRow>, Iterator<GradientSum>> gradients(
      Broadcast<RunSpec> spec,
      int epoch,
      long step,
      int from,
      int count,
      Broadcast<float[]> params) {
    return (partition, rows) -> {
      RunSpec s = spec.value();
      GradientSum sum =
          ShardCache.get(s, partition, rows).gradients(epoch, step, from, count, params.value());
      maybeFail(s, partition, step, step);
      return List.of(sum).iterator();
    };
  }

  /** Averaging mode: k local steps from the broadcast state. */
  static Function2<Integer, Iterator<ExampleRow>, Iterator<RoundSum>> round(
      Broadcast<RunSpec> spec,
      int epoch,
      long firstStep,
      int firstFrom,
      int steps,
      Broadcast<RoundState> state) {
    return (partition, rows) -> {
      RunSpec s = spec.value();
      RoundSum sum =
          ShardCache.get(s, partition, rows)
              .round(epoch, firstStep, firstFrom, steps, state.value(), partition);
      maybeFail(s, partition, firstStep, firstStep + steps - 1);
      return List.of(sum).iterator();
    };
  }

  /** Releases the run's shards held by the executor running this partition. */
  static Function2<Integer, Iterator<ExampleRow>, Iterator<Integer>> release(String runId) {
    return (partition, rows) -> List.of(ShardCache.release(runId)).iterator();
  }

  private static void maybeFail(RunSpec s, int partition, long first, long last) {
    FailureInjection f = s.failure();
    TaskContext ctx = TaskContext.get();
    if (f != null
        && ctx != null
        && ctx.attemptNumber() == 0
        && f.partition() == partition
        && f.step() >= first
        && f.step() <= last) {
      throw new IllegalStateException(
          "injected failure of partition "
              + partition
              + " at step "
              + f.step()
              + " (attempt 0); Spark should retry it");
    }
  }
}
