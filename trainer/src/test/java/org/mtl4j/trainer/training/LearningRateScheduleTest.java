package org.mtl4j.trainer.training;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.mtl4j.trainer.config.ScheduleConfig;

class LearningRateScheduleTest {
  @Test
  void warmUpRisesLinearlyThenCosineAnnealsToTheMinimum() {
    LearningRateSchedule s =
        new LearningRateSchedule(new ScheduleConfig("cosine", 10, 1, 0.1, 0.001), 0.1, 110, 11);
    assertEquals(0.01, s.at(0), 1e-12);
    assertEquals(0.1, s.at(9), 1e-12);
    assertEquals(0.1, s.at(10), 1e-12);
    assertEquals(0.001 + 0.5 * 0.099, s.at(60), 1e-12);
    assertEquals(0.001, s.at(110), 1e-12);
  }

  @Test
  void stepDecayMultipliesByGammaEveryStepEpochs() {
    LearningRateSchedule s =
        new LearningRateSchedule(new ScheduleConfig("step", 0, 2, 0.5, 0), 1.0, 100, 10);
    assertEquals(1.0, s.at(0));
    assertEquals(1.0, s.at(19));
    assertEquals(0.5, s.at(20));
    assertEquals(0.25, s.at(45));
    assertEquals(1.0, new LearningRateSchedule(ScheduleConfig.constant(), 1.0, 100, 10).at(99));
  }
}
