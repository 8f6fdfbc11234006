package org.mtl4j.api.weighting;

import java.util.ArrayList;
import java.util.List;
import org.mtl4j.api.autograd.Graph;
import org.mtl4j.api.autograd.Parameter;
import org.mtl4j.api.autograd.Var;
import org.mtl4j.api.sharing.MultiTaskNetwork;
import org.mtl4j.api.task.Task;

/**
 * One training step as a {@link TaskWeighting} sees it: the recorded graph, each task's loss, the
 * penalty Ω, and which parameters and representation are shared.
 *
 * @param graph the step's graph
 * @param tasks the tasks, in network order
 * @param losses each task's mean loss ({@code [1, 1]}), same order as tasks
 * @param penalty Ω, or null
 * @param sharedParameters the network's shared parameters
 * @param taskParameters every parameter that is not shared (heads, columns, towers)
 * @param representation the shared representation, or null when the network has none
 * @param lastSharedWeight the last shared layer's weight (GradNorm), or null
 * @param epoch 0-based epoch
 * @param step 0-based global step
 */
public record WeightingStep(
    Graph graph,
    List<Task> tasks,
    List<Var> losses,
    Var penalty,
    List<Parameter> sharedParameters,
    List<Parameter> taskParameters,
    Var representation,
    Parameter lastSharedWeight,
    int epoch,
    long step) {

  public WeightingStep {
    tasks = List.copyOf(tasks);
    losses = List.copyOf(losses);
    sharedParameters = List.copyOf(sharedParameters);
    taskParameters = List.copyOf(taskParameters);
    if (tasks.size() != losses.size()) {
      throw new IllegalArgumentException(tasks.size() + " tasks but " + losses.size() + " losses");
    }
  }

  /**
   * The step of {@code network} recorded on {@code graph}: the network's tasks, shared and task
   * parameters, penalty Ω (recorded on the graph now) and last shared weight, with the given
   * losses.
   *
   * @param losses each task's mean loss, in the network's task order
   * @param representation the shared representation of this forward pass, or null
   */
  public static WeightingStep of(
      MultiTaskNetwork network,
      Graph graph,
      List<Var> losses,
      Var representation,
      int epoch,
      long step) {
    List<Parameter> own = new ArrayList<>();
    for (Task t : network.tasks()) {
      own.addAll(network.taskParameters(t.name()));
    }
    return new WeightingStep(
        graph,
        network.tasks(),
        losses,
        network.penalty(graph).orElse(null),
        network.sharedParameters(),
        own,
        representation,
        network.lastSharedWeight().orElse(null),
        epoch,
        step);
  }

  /** Each task's loss value on the host. */
  public double[] lossValues() {
    double[] out = new double[losses.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = graph.backend().scalar(losses.get(i).value());
    }
    return out;
  }

  /** Records {@code Σ_t w_t L_t + Ω} on the graph. */
  public Var weightedSum(double[] weights) {
    if (weights.length != losses.size()) {
      throw new IllegalArgumentException(
          weights.length + " weights for " + losses.size() + " losses");
    }
    List<Var> terms = new ArrayList<>();
    for (int i = 0; i < weights.length; i++) {
      terms.add(graph.scale(losses.get(i), (float) weights[i]));
    }
    if (penalty != null) {
      terms.add(penalty);
    }
    return graph.sumOf(terms);
  }
}
