package org.mtl4j.benchmarks;

import java.util.concurrent.TimeUnit;
import org.mtl4j.api.backend.CounterRng;
import org.mtl4j.api.weighting.TaskWeightingProvider;
import org.mtl4j.trainer.Mtl4j;
import org.mtl4j.trainer.data.Permutations;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * One training step of the reference hard-parameter-sharing model (Caruana 1997) through {@link
 * HpsSession}: batch gather and upload, forward, losses, the weighting method's backward, Adam,
 * zeroed gradients. {@code weighting} selects any weighting method; gradient-level methods run on
 * the shared representation ({@code rep_grad}) where their plugin supports it (PCGrad, MGDA,
 * CAGrad, UPGrad, IMTL, Nash-MTL, Aligned-MTL, FairGrad, SDMGrad, GradDrop), else on the shared
 * parameters (GradVac, MoCo); {@code tasks} 2 is the reference model, 8 cycles
 * category/footwear/group heads. {@code hidden} 2048-2048 is the wide trunk. Run with {@code -prof
 * gc} for heap bytes per step.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xmx2g"})
public class TrainingStepBenchmark {
  @Param({"equal"})
  public String weighting;

  @Param({"2"})
  public int tasks;

  /** Trunk widths, {@code -} separated (JMH splits parameter values at commas). */
  @Param({"512-256"})
  public String hidden;

  @Param({"2"})
  public int threads;

  private HpsSession session;
  private int[] order;
  private int from;
  private int batch;

  @Setup(Level.Trial)
  public void setUp() {
    HpsSession.Spec r = HpsSession.Spec.reference();
    session =
        new HpsSession(
            new HpsSession.Spec(
                r.batch(),
                threads,
                r.seed(),
                hidden,
                weighting,
                representationGradients(weighting),
                tasks,
                r.data(),
                r.backend()),
            1);
    int n = session.data.train().size();
    order = Permutations.of(n, CounterRng.derive(r.seed(), 1000));
    batch = r.batch();
  }

  /**
   * Whether the method runs with {@code rep_grad: true}: every method whose provider states
   * representation-gradient support; the others (loss-level methods, DB-MTL) as configured by
   * default.
   */
  static boolean representationGradients(String method) {
    TaskWeightingProvider p = Mtl4j.plugins().weightings().get(method);
    if (p == null) {
      throw new IllegalArgumentException(
          "unknown weighting '" + method + "'; known: " + Mtl4j.plugins().weightings().keySet());
    }
    return p.compatibility().representationGradients();
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    session.close();
  }

  @Benchmark
  public double step() {
    if (from + batch > order.length) {
      from = 0;
    }
    double loss = session.step(order, from, batch, 1);
    from += batch;
    return loss;
  }
}
