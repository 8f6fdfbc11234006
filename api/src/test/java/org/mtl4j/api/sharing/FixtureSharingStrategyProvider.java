package org.mtl4j.api.sharing;

import java.util.List;
import org.mtl4j.api.options.OptionSpec;
import org.mtl4j.api.options.Options;
import org.mtl4j.api.testing.FixtureNetwork;

/**
 * A test-only hard-sharing strategy (shared trunk, one tower per task, L2 penalty on the towers'
 * output weights) used to exercise {@code SharingStrategyContract} inside api. Deliberately not
 * registered in {@code META-INF/services}.
 */
final class FixtureSharingStrategyProvider implements SharingStrategyProvider {
  @Override
  public String name() {
    return "fixture-hard";
  }

  @Override
  public String description() {
    return "test fixture: hard parameter sharing (Caruana 1997) with an L2 penalty on the heads";
  }

  @Override
  public List<OptionSpec> options() {
    return List.of(OptionSpec.ofDouble("penalty", 0.05, "λ of the L2 penalty on head weights"));
  }

  @Override
  public SharingStrategy create(Options options) {
    double lambda = options.getDouble("penalty");
    if (lambda < 0) {
      throw options.invalid("penalty", lambda, "a number >= 0");
    }
    return (spec, tasks, backend, seed) ->
        new FixtureNetwork(backend, spec, tasks, seed, false, lambda);
  }
}
