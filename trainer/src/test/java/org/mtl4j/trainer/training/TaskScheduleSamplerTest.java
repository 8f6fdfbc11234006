package org.mtl4j.trainer.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.mtl4j.api.task.Task;
import org.mtl4j.api.task.TaskType;
import org.mtl4j.trainer.checkpoint.CheckpointException;
import org.mtl4j.trainer.config.SamplingConfig;
import org.mtl4j.trainer.config.TaskConfig;
import org.mtl4j.trainer.data.DataException;
import org.mtl4j.trainer.data.Examples;
import org.mtl4j.trainer.data.Split;
import org.mtl4j.trainer.data.TaskFactory;

/** The schedules draw tasks as defined and walk each task's own rows exactly. */
class TaskScheduleSamplerTest {
  private static final int[] SIZES = {600, 300, 100};
  private static final int STEPS = 30_000;

  /** 1000 rows: task k labelled on its own block of SIZES[k] rows (disjoint data sets). */
  private static Split split() {
    int n = Arrays.stream(SIZES).sum();
    Map<String, float[]> targets = new java.util.HashMap<>();
    Map<String, float[]> masks = new java.util.HashMap<>();
    int at = 0;
    for (int k = 0; k < SIZES.length; k++) {
      float[] m = new float[n];
      Arrays.fill(m, at, at + SIZES[k], 1f);
      at += SIZES[k];
      targets.put("t" + k, new float[n]);
      masks.put("t" + k, m);
    }
    return Split.all(new Examples(n, 1, new float[n], targets, masks));
  }

  private static List<Task> tasks() {
    return List.of(0, 1, 2).stream()
        .map(
            k ->
                TaskFactory.build(
                    new TaskConfig("t" + k, TaskType.REGRESSION, "t" + k, 1, List.of("rmse")), 1))
        .toList();
  }

  private static TaskScheduleSampler sampler(SamplingConfig c, int steps) {
    return new TaskScheduleSampler(c, split(), tasks(), 32, steps, 11);
  }

  /** Drawn frequencies within 5 binomial standard deviations of {@code n_t^(1/T)} normalised. */
  private static void assertFrequencies(SamplingConfig c, double[] expected) {
    TaskScheduleSampler s = sampler(c, 0);
    assertArrayEquals(expected, s.probabilities(), 1e-12, c.toString());
    int[] counts = new int[SIZES.length];
    for (long step = 0; step < STEPS; step++) {
      counts[s.next(0, 0, step).task()]++;
    }
    for (int t = 0; t < counts.length; t++) {
      double mean = STEPS * expected[t];
      double sd = Math.sqrt(STEPS * expected[t] * (1 - expected[t]));
      assertTrue(
          Math.abs(counts[t] - mean) <= 5 * sd,
          c + ": task " + t + " drawn " + counts[t] + " times, expected " + mean + " ± " + 5 * sd);
    }
  }

  @Test
  void proportionalUniformAndTemperatureDrawAsDefined() {
    assertFrequencies(new SamplingConfig("proportional", 1), new double[] {0.6, 0.3, 0.1});
    assertFrequencies(new SamplingConfig("uniform", 1), new double[] {1 / 3.0, 1 / 3.0, 1 / 3.0});
    double[] p = new double[3];
    double sum = 0;
    for (int t = 0; t < 3; t++) {
      p[t] = Math.pow(SIZES[t], 1 / 2.0);
      sum += p[t];
    }
    for (int t = 0; t < 3; t++) {
      p[t] /= sum;
    }
    assertFrequencies(new SamplingConfig("temperature", 2), p);
  }

  @Test
  void alternatingCyclesTheTasksExactly() {
    TaskScheduleSampler s = sampler(new SamplingConfig("alternating", 1), 0);
    for (long step = 0; step < 999; step++) {
      assertEquals((int) (step % 3), s.next(0, 0, step).task());
    }
    // an epoch is one pass over the largest data set: ceil(600 / 32) of its batches, one step in 3
    assertEquals(3 * 19, s.stepsPerEpoch());
    // drawn: its batches over its probability, 19 / 0.6 steps (proportional: about 1000 / 32)
    assertEquals(32, sampler(new SamplingConfig("proportional", 1), 0).stepsPerEpoch());
    assertEquals(57, sampler(new SamplingConfig("uniform", 1), 0).stepsPerEpoch());
    assertEquals(7, sampler(new SamplingConfig("alternating", 1), 7).stepsPerEpoch());
  }

  @Test
  void eachTaskWalksItsOwnRowsOncePerPassInBatches() {
    TaskScheduleSampler s = sampler(new SamplingConfig("alternating", 1), 0);
    boolean[][] seen = new boolean[3][1000];
    int[] drawn = new int[3];
    // 3 * 19 steps: every task finishes at least one full pass (task 0's takes 19 of its turns)
    for (long step = 0; step < 3 * 19; step++) {
      TaskSampler.Draw d = s.next(0, 0, step);
      for (int i = d.from(); i < d.from() + d.count(); i++) {
        int row = d.order()[i];
        if (drawn[d.task()] < SIZES[d.task()]) {
          assertTrue(!seen[d.task()][row], "row " + row + " twice in one pass of " + d.task());
          seen[d.task()][row] = true;
          drawn[d.task()]++;
        }
        int lo = Arrays.stream(SIZES).limit(d.task()).sum();
        assertTrue(row >= lo && row < lo + SIZES[d.task()], "row " + row + " of task " + d.task());
      }
      assertTrue(d.count() <= 32 && d.count() > 0);
    }
    assertArrayEquals(SIZES, drawn);
  }

  @Test
  void stateRestoresThePositionExactly() {
    SamplingConfig c = new SamplingConfig("temperature", 3);
    TaskScheduleSampler a = sampler(c, 0);
    for (long step = 0; step < 77; step++) {
      a.next(0, 0, step);
    }
    TaskScheduleSampler b = sampler(c, 0);
    b.restore(a.state());
    for (long step = 77; step < 200; step++) {
      TaskSampler.Draw x = a.next(0, 0, step);
      TaskSampler.Draw y = b.next(0, 0, step);
      assertEquals(x.task(), y.task());
      assertArrayEquals(
          Arrays.copyOfRange(x.order(), x.from(), x.from() + x.count()),
          Arrays.copyOfRange(y.order(), y.from(), y.from() + y.count()));
    }
    assertThrows(
        CheckpointException.class,
        () -> sampler(new SamplingConfig("uniform", 1), 0).restore(a.state()));
    assertThrows(CheckpointException.class, () -> new MixedSampler(10, 2, 1).restore(a.state()));
  }

  @Test
  void aTaskWithoutLabelledRowsIsAnError() {
    Split all = split();
    Split first = new Split(all.examples(), java.util.stream.IntStream.range(0, 600).toArray());
    DataException e =
        assertThrows(
            DataException.class,
            () ->
                new TaskScheduleSampler(
                    new SamplingConfig("uniform", 1), first, tasks(), 32, 0, 1));
    assertEquals(
        "training.sampling: uniform trains each task on its own labelled rows, but t1, t2 have none"
            + " among the 600 training rows",
        e.getMessage());
  }
}
