package org.mtl4j.trainer.config;

import java.io.Serializable;
import java.util.List;

/**
 * How a training step composes its batch when tasks learn from different data ({@code
 * training.sampling}).
 *
 * <ul>
 *   <li>{@code mixed}: every batch is a slice of one shuffle of the union of all training rows and
 *       carries each task's labels where present (one pass over the union per epoch);
 *   <li>{@code alternating}: step {@code s} trains task {@code s mod T} alone on a batch of its own
 *       data, round-robin, as in the classic loop over tasks;
 *   <li>{@code proportional}, {@code uniform}, {@code temperature}: each step draws one task with
 *       probability proportional to {@code n_t^(1/T)} ({@code T = 1}, {@code T = ∞} and the given
 *       {@code T}; Arivazhagan et al. 2019, "Massively Multilingual Neural Machine Translation in
 *       the Wild") and trains it alone on the next batch of its own data.
 * </ul>
 *
 * @param schedule one of {@link #SCHEDULES}
 * @param temperature {@code T} of the {@code temperature} schedule (1 for proportional, infinite
 *     for uniform, unused by mixed and alternating)
 */
public record SamplingConfig(String schedule, double temperature) implements Serializable {
  /** The schedule names {@code training.sampling} accepts. */
  public static final List<String> SCHEDULES =
      List.of("mixed", "alternating", "proportional", "uniform", "temperature");

  /** Today's behaviour and the default: batches of the union carrying every task's labels. */
  public static final SamplingConfig MIXED = new SamplingConfig("mixed", 1);

  public SamplingConfig {
    if (!SCHEDULES.contains(schedule)) {
      throw new IllegalArgumentException("sampling schedule " + schedule);
    }
    if (schedule.equals("proportional")) {
      temperature = 1;
    } else if (schedule.equals("uniform")) {
      temperature = Double.POSITIVE_INFINITY;
    }
  }

  /** Whether each step trains one task on a batch of its own data (every schedule but mixed). */
  public boolean oneTaskPerStep() {
    return !schedule.equals("mixed");
  }

  /** Whether the task of a step is drawn at random (proportional, uniform, temperature). */
  public boolean drawn() {
    return oneTaskPerStep() && !schedule.equals("alternating");
  }
}
