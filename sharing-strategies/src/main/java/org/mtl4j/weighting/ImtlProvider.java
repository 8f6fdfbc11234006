package org.mtl4j.weighting;

import java.util.List;
import org.mtl4j.api.options.OptionSpec;
import org.mtl4j.api.options.Options;
import org.mtl4j.api.weighting.TaskWeighting;
import org.mtl4j.api.weighting.TaskWeightingProvider;
import org.mtl4j.api.weighting.WeightingCompatibility;
import org.mtl4j.api.weighting.WeightingContext;

/** {@code imtl}: Impartial Multi-task Learning of Liu et al., ICLR 2021. */
public final class ImtlProvider implements TaskWeightingProvider {
  @Override
  public String name() {
    return "imtl";
  }

  @Override
  public String description() {
    return "IMTL (Liu et al., Towards Impartial Multi-task Learning, ICLR 2021): gradients with"
        + " equal projections on every task (IMTL-G) and learned loss scales (IMTL-L)";
  }

  @Override
  public List<OptionSpec> options() {
    return List.of(
        OptionSpec.ofChoice(
            "mode",
            "hybrid",
            "hybrid: IMTL-G on the IMTL-L scaled losses (the paper's IMTL); gradient: IMTL-G"
                + " alone; loss: IMTL-L alone (one backward, no per-task gradients)",
            "hybrid",
            "gradient",
            "loss"),
        OptionSpec.ofBoolean(
            "rep_grad",
            false,
            PcGradProvider.REP_GRAD_HELP + " (as in the paper; not with mode: loss)"));
  }

  @Override
  public TaskWeighting create(Options options, WeightingContext context) {
    int t = Checks.taskCount(context, name());
    String mode = options.getString("mode");
    boolean rep = options.getBoolean("rep_grad");
    if (mode.equals("loss") && rep) {
      throw options.invalid(
          "rep_grad",
          true,
          "false with mode: loss (IMTL-L balances losses, there are no gradients to balance);"
              + " use mode: hybrid or gradient for representation gradients");
    }
    return switch (mode) {
      case "loss" ->
          new ImpartialLossWeighting(new ImtlLossScales(context.tasks(), context.backend()), t);
      case "gradient" -> new ImpartialGradient(t, rep, null);
      default ->
          new ImpartialGradient(t, rep, new ImtlLossScales(context.tasks(), context.backend()));
    };
  }

  /**
   * Per-task gradients in the default hybrid mode (mode: loss needs none); representation gradients
   * as in the paper; the loss scales are parameters, checkpointed with the network.
   */
  @Override
  public WeightingCompatibility compatibility() {
    return WeightingCompatibility.GRADIENT_LEVEL;
  }

  @Override
  public String assumptions() {
    return "the update should have equal projections on every task's gradient (IMTL-G); loss scales"
        + " can be learned (IMTL-L)";
  }

  @Override
  public String costPerStep() {
    return "T backward passes and a (T-1)×(T-1) linear solve";
  }
}
