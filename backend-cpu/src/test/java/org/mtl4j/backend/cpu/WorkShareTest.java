package org.mtl4j.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@link WorkShare}: every chunk runs exactly once per job, failures reach the caller. */
class WorkShareTest {

  @ParameterizedTest
  @ValueSource(ints = {0, 1, 3})
  void everyChunkRunsExactlyOncePerJob(int helpers) {
    try (WorkShare work = new WorkShare(helpers)) {
      assertEquals(helpers + 1, work.parallelism());
      Scratch caller = new Scratch();
      for (int job = 0; job < 2_000; job++) {
        int count = 1 + job % 37;
        AtomicIntegerArray runs = new AtomicIntegerArray(count);
        work.forEach(count, (i, s) -> runs.incrementAndGet(i), caller);
        for (int i = 0; i < count; i++) {
          assertEquals(1, runs.get(i), "job " + job + ", chunk " + i);
        }
      }
    }
  }

  @Test
  void aFailingChunkReachesTheCallerAndTheNextJobIsWhole() {
    try (WorkShare work = new WorkShare(1)) {
      Scratch caller = new Scratch();
      IllegalStateException boom = new IllegalStateException("chunk 5 failed");
      for (int attempt = 0; attempt < 200; attempt++) {
        IllegalStateException thrown =
            assertThrows(
                IllegalStateException.class,
                () ->
                    work.forEach(
                        16,
                        (i, s) -> {
                          if (i == 5) {
                            throw boom;
                          }
                        },
                        caller));
        assertSame(boom, thrown);
        AtomicIntegerArray runs = new AtomicIntegerArray(16);
        work.forEach(16, (i, s) -> runs.incrementAndGet(i), caller);
        for (int i = 0; i < 16; i++) {
          assertEquals(1, runs.get(i), "attempt " + attempt + ", chunk " + i);
        }
      }
    }
  }

  @Test
  void afterCloseTheCallerRunsEveryChunk() {
    WorkShare work = new WorkShare(2);
    work.close();
    Thread caller = Thread.currentThread();
    AtomicIntegerArray onCaller = new AtomicIntegerArray(9);
    work.forEach(
        9, (i, s) -> onCaller.set(i, Thread.currentThread() == caller ? 1 : 0), new Scratch());
    for (int i = 0; i < 9; i++) {
      assertEquals(1, onCaller.get(i), "chunk " + i);
    }
  }

  @Test
  void negativeHelperCountIsRejected() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> new WorkShare(-1));
    assertEquals("helpers must be >= 0, got -1", e.getMessage());
  }
}
