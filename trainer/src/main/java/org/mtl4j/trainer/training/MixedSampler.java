package org.mtl4j.trainer.training;

import java.util.Map;
import org.mtl4j.api.backend.CounterRng;
import org.mtl4j.trainer.checkpoint.CheckpointException;
import org.mtl4j.trainer.data.Permutations;

/**
 * {@code training.sampling: mixed}: each epoch is one pass over a seeded shuffle of all training
 * rows ({@code derive(seed, 1000 + epoch)}), every batch carrying each task's labels where present.
 * The position is the epoch and step counter, so its state is empty.
 */
public final class MixedSampler implements TaskSampler {
  private final int size;
  private final int batchSize;
  private final long seed;
  private int orderEpoch = -1;
  private int[] order;

  public MixedSampler(int size, int batchSize, long seed) {
    this.size = size;
    this.batchSize = batchSize;
    this.seed = seed;
  }

  @Override
  public int stepsPerEpoch() {
    return EpochDriver.stepsPerEpoch(size, batchSize);
  }

  @Override
  public Draw next(int epoch, int stepInEpoch, long step) {
    if (epoch != orderEpoch) {
      order = Permutations.of(size, CounterRng.derive(seed, 1000 + epoch));
      orderEpoch = epoch;
    }
    int from = stepInEpoch * batchSize;
    return new Draw(order, from, Math.min(batchSize, size - from), -1);
  }

  @Override
  public Map<String, Object> state() {
    return Map.of();
  }

  @Override
  public void restore(Map<String, Object> state) {
    if (state.get("schedule") != null) {
      throw new CheckpointException(
          "the checkpoint was trained with training.sampling: "
              + state.get("schedule")
              + ", the config asks for mixed; resume with the schedule it was trained with");
    }
  }
}
