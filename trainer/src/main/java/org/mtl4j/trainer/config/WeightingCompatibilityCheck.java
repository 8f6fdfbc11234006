package org.mtl4j.trainer.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.mtl4j.api.weighting.TaskWeightingProvider;
import org.mtl4j.api.weighting.WeightingCompatibility;

/**
 * Refuses configs that combine a weighting method with a choice it does not support, as its
 * provider states in {@link TaskWeightingProvider#compatibility()}: representation gradients
 * ({@code weighting.options.rep_grad}) with a method that balances only the shared parameters, and
 * synchronous Spark training with a method that cannot run on the driver's aggregated gradients.
 * Each message says why and names the methods that would work.
 */
public final class WeightingCompatibilityCheck {
  /** The option that selects representation gradients (LibMTL's name). */
  public static final String REP_GRAD = "rep_grad";

  private WeightingCompatibilityCheck() {}

  /**
   * The problem with {@code rep_grad} in the raw options of {@code provider}, or null: set to
   * anything but false for a method that does not support representation gradients.
   */
  static String representationProblem(
      TaskWeightingProvider provider, Map<String, Object> rawOptions, PluginCatalog catalog) {
    Object v = rawOptions.get(REP_GRAD);
    if (v == null
        || Boolean.FALSE.equals(v)
        || provider.compatibility().representationGradients()) {
      return null;
    }
    return "'"
        + v
        + "': "
        + provider.name()
        + " does not balance gradients of the shared representation (its plugin states no"
        + " support for them), only those of the shared parameters; remove rep_grad, or choose a"
        + " method that supports it: "
        + names(catalog, WeightingCompatibility::representationGradients);
  }

  /**
   * The reasons {@code config} cannot train in synchronous Spark mode, each with its config path;
   * empty when it can.
   */
  public static List<String> sparkSyncProblems(Mtl4jConfig config, PluginCatalog catalog) {
    List<String> problems = new ArrayList<>();
    String method = config.weighting().method();
    TaskWeightingProvider p = catalog.weightings().get(method);
    if (p != null && !p.compatibility().sparkSync()) {
      problems.add(
          "weighting.method: '"
              + method
              + "' does not support synchronous Spark training, where the driver sees only each"
              + " task's aggregated gradient of the shared parameters (its plugin states no support"
              + " for it); use --mode average, or one of: "
              + names(catalog, WeightingCompatibility::sparkSync));
    }
    if (Boolean.TRUE.equals(config.weighting().options().get(REP_GRAD))) {
      problems.add(
          "weighting.options.rep_grad: true balances per-example gradients of the shared"
              + " representation, which synchronous Spark training does not aggregate; set"
              + " rep_grad: false (balance the shared parameters' gradients) or use --mode"
              + " average");
    }
    return problems;
  }

  /** Throws a {@link ConfigException} listing {@link #sparkSyncProblems}, if any. */
  public static void requireSparkSync(Mtl4jConfig config, PluginCatalog catalog) {
    List<String> problems = sparkSyncProblems(config, catalog);
    if (!problems.isEmpty()) {
      throw new ConfigException(problems);
    }
  }

  private static String names(PluginCatalog catalog, Predicate<WeightingCompatibility> supports) {
    List<String> ok = new ArrayList<>();
    for (TaskWeightingProvider p : catalog.weightings().values()) {
      if (supports.test(p.compatibility())) {
        ok.add(p.name());
      }
    }
    return ok.isEmpty() ? "(none discovered)" : String.join(", ", ok);
  }
}
