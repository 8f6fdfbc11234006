package org.mtl4j.backend.cpu;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Shares the chunks of one memory-bound kernel (the optimiser update over all parameters, a large
 * element-wise op, the mini-batch row gather) between the calling thread and {@code helpers} parked
 * helper threads.
 *
 * <p>The caller never waits for a helper to start: caller and helpers claim chunks from one
 * counter, so a helper that wakes late (or not at all, when the operating system puts it on the
 * caller's core) only takes fewer chunks, and the caller alone is as fast as the serial loop. The
 * caller waits only for chunks a helper has already claimed. Each thread stages through its own
 * {@link Scratch}. Chunks write disjoint ranges, so the result does not depend on who ran which
 * chunk.
 *
 * <p>OpenBLAS keeps its own threads for the matrix products; between two products its idle worker
 * spins with {@code sched_yield}, which leaves the core to a runnable helper.
 */
final class WorkShare implements AutoCloseable {
  /** One chunk of work, run by whichever thread claimed it. */
  @FunctionalInterface
  interface Chunk {
    void run(int index, Scratch scratch);
  }

  /** The job published to the helpers; {@code id} tags its claims. */
  private record Job(int id, Chunk chunk, int count) {}

  /** Busy-wait iterations before the caller starts yielding while a helper finishes a chunk. */
  private static final int SPINS_BEFORE_YIELD = 1 << 14;

  private final Thread[] helpers;

  /** The running job's id (high 32 bits) and its next unclaimed index (low 32 bits). */
  private final AtomicLong claims = new AtomicLong();

  private final AtomicInteger finished = new AtomicInteger();
  private volatile Job job;
  private int lastId;
  private volatile boolean closed;
  private volatile Throwable failure;

  /**
   * @param helpers threads besides the caller; 0 runs every chunk on the caller
   */
  WorkShare(int helpers) {
    if (helpers < 0) {
      throw new IllegalArgumentException("helpers must be >= 0, got " + helpers);
    }
    this.helpers = new Thread[helpers];
    for (int i = 0; i < helpers; i++) {
      Thread t = new Thread(this::helperLoop, "mtl4j-cpu-helper-" + (i + 1));
      t.setDaemon(true);
      this.helpers[i] = t;
      t.start();
    }
  }

  /** Threads that run chunks: the caller plus the helpers. */
  int parallelism() {
    return helpers.length + 1;
  }

  /**
   * Runs {@code chunk} for every index in {@code [0, count)}, returning when all have run; the
   * caller's share stages through {@code callerScratch}. Not reentrant: one caller at a time (the
   * backend's training thread).
   */
  void forEach(int count, Chunk chunk, Scratch callerScratch) {
    if (count <= 0) {
      return;
    }
    if (helpers.length == 0 || count == 1 || closed) {
      for (int i = 0; i < count; i++) {
        chunk.run(i, callerScratch);
      }
      return;
    }
    int id = ++lastId;
    failure = null;
    finished.set(0);
    claims.set((long) id << 32);
    job = new Job(id, chunk, count);
    for (Thread h : helpers) {
      LockSupport.unpark(h);
    }
    int done = 0;
    for (int i = claim(id, count); i >= 0; i = claim(id, count)) {
      // a failing chunk must not return before the helpers' chunks of this job have finished
      run(chunk, i, callerScratch);
      done++;
    }
    // every index is claimed; wait for the ones a helper is still running
    if (finished.addAndGet(done) < count) {
      // a claimed chunk takes microseconds; yield the core if its thread is not running
      for (int spins = 0; finished.get() < count; spins++) {
        if (spins < SPINS_BEFORE_YIELD) {
          Thread.onSpinWait();
        } else {
          Thread.yield();
        }
      }
    }
    job = null;
    Throwable f = failure;
    if (f != null) {
      if (f instanceof RuntimeException r) {
        throw r;
      }
      if (f instanceof Error e) {
        throw e;
      }
      throw new IllegalStateException(f);
    }
  }

  /**
   * The next unclaimed index of job {@code id}, or -1 when all are claimed or another job has
   * started (a helper that read a job late must not take an index of the next one).
   */
  private int claim(int id, int count) {
    while (true) {
      long v = claims.get();
      int i = (int) v;
      if ((int) (v >>> 32) != id || i >= count) {
        return -1;
      }
      if (claims.compareAndSet(v, v + 1)) {
        return i;
      }
    }
  }

  /** Runs one chunk, keeping the job's first failure for the caller to throw. */
  private void run(Chunk chunk, int index, Scratch scratch) {
    try {
      chunk.run(index, scratch);
    } catch (Throwable t) {
      if (failure == null) {
        failure = t;
      }
    }
  }

  private void helperLoop() {
    Scratch scratch = new Scratch();
    int seen = 0;
    while (!closed) {
      Job j = job;
      if (j == null || j.id() == seen) {
        LockSupport.park(this);
        continue;
      }
      seen = j.id();
      int done = 0;
      for (int i = claim(j.id(), j.count()); i >= 0; i = claim(j.id(), j.count())) {
        run(j.chunk(), i, scratch);
        done++;
      }
      if (done > 0) {
        finished.addAndGet(done);
      }
    }
  }

  @Override
  public void close() {
    closed = true;
    for (Thread h : helpers) {
      LockSupport.unpark(h);
    }
  }
}
