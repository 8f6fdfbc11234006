package org.mtl4j.strategies;

import java.util.List;
import org.mtl4j.api.options.OptionSpec;
import org.mtl4j.api.options.Options;
import org.mtl4j.api.sharing.MultiTaskNetwork;
import org.mtl4j.api.sharing.SharingStrategy;
import org.mtl4j.api.sharing.SharingStrategyProvider;

/**
 * {@code cgc}: Customized Gate Control (Tang, Liu, Zhao and Gong, "Progressive Layered Extraction
 * (PLE): A Novel Multi-Task Learning (MTL) Model for Personalized Recommendations", RecSys 2020,
 * §4.2): one extraction layer with {@code shared_experts} shared experts and {@code task_experts}
 * experts per task, each expert an MLP of the spec's hidden layers. Task t's gate, {@code softmax(x
 * W_t)}, mixes task t's own experts and the shared experts; task t's tower reads the mixture.
 *
 * <p>CGC is the single-level case of {@link PleProvider ple} and is built by the same code: a
 * {@code cgc} network and a {@code ple} network with {@code levels: 1} have the same parameters
 * (names {@code level0.*}), the same initial weights for a seed and the same outputs, so their
 * checkpoints are interchangeable. The shared experts are shared; task t's experts, gate and tower
 * are task t's. The representation is the concatenation of the shared experts' outputs, through
 * which every head depends on every shared parameter; {@link MultiTaskNetwork#lastSharedWeight()}
 * is empty.
 */
public final class CgcProvider implements SharingStrategyProvider {
  static final String NAME = "cgc";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public String description() {
    return "customized gate control: shared and task-specific experts, one gate per task"
        + " (Tang et al. 2020; PLE's single extraction level)";
  }

  @Override
  public List<OptionSpec> options() {
    return PleProvider.expertOptions("in the extraction layer");
  }

  @Override
  public SharingStrategy create(Options options) {
    int shared = PleProvider.atLeastOne(options, "shared_experts");
    int perTask = PleProvider.atLeastOne(options, "task_experts");
    return (spec, tasks, backend, seed) ->
        PleProvider.build(NAME, spec, tasks, backend, seed, shared, perTask, 1);
  }

  @Override
  public String assumptions() {
    return "tasks have shared and task-specific experts with per-task gates (one extraction level)";
  }

  @Override
  public String costPerStep() {
    return "(shared + T × specific) experts and T gates";
  }
}
