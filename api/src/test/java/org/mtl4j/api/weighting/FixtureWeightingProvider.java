package org.mtl4j.api.weighting;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.mtl4j.api.autograd.Graph;
import org.mtl4j.api.autograd.Parameter;
import org.mtl4j.api.autograd.Var;
import org.mtl4j.api.options.OptionSpec;
import org.mtl4j.api.options.Options;
import org.mtl4j.api.tensor.Shape;
import org.mtl4j.api.tensor.Tensor;
import org.mtl4j.api.tensor.TensorScope;

/**
 * A test-only weighting method used to exercise {@code TaskWeightingContract} inside api. Loss
 * level: {@code Σ_t exp(-s_t) L_t + s_t + Ω} with learned {@code s} (the shape of Kendall et al.
 * 2018). With {@code rep_grad}: the plain sum of the per-task gradients of the shared
 * representation, pushed through the trunk in one backward. Not registered for ServiceLoader.
 */
final class FixtureWeightingProvider implements TaskWeightingProvider {
  @Override
  public String name() {
    return "fixture-sum";
  }

  @Override
  public String description() {
    return "test fixture: learned exp(-s) weights, or summed representation gradients";
  }

  @Override
  public List<OptionSpec> options() {
    return List.of(OptionSpec.ofBoolean("rep_grad", false, "sum representation gradients"));
  }

  @Override
  public TaskWeighting create(Options options, WeightingContext context) {
    return new Fixture(options.getBoolean("rep_grad"), context);
  }

  private static final class Fixture implements TaskWeighting {
    private final boolean rep;
    private final Parameter logVariance;
    private double steps;

    Fixture(boolean rep, WeightingContext context) {
      this.rep = rep;
      int n = context.tasks().size();
      this.logVariance =
          new Parameter("fixture.s", context.backend(), Shape.row(n), new float[n], 1f, false);
    }

    @Override
    public GradientSource gradientSource() {
      return rep ? GradientSource.REPRESENTATION : GradientSource.NONE;
    }

    @Override
    public List<Parameter> parameters() {
      return List.of(logVariance);
    }

    @Override
    public double[] backward(WeightingStep step) {
      steps++;
      Graph g = step.graph();
      int n = step.tasks().size();
      double[] weights = new double[n];
      if (!rep) {
        Var s = g.param(logVariance);
        List<Var> terms = new ArrayList<>();
        float[] sv = g.backend().toHost(logVariance.value());
        for (int t = 0; t < n; t++) {
          Var st = g.sliceColumns(s, t, 1);
          terms.add(g.mul(step.losses().get(t), g.exp(g.scale(st, -1f))));
          terms.add(st);
          weights[t] = Math.exp(-sv[t]);
        }
        if (step.penalty() != null) {
          terms.add(step.penalty());
        }
        g.backward(g.sumOf(terms));
        return weights;
      }
      Var representation = step.representation();
      List<Var> own = new ArrayList<>();
      for (Parameter p : step.taskParameters()) {
        own.add(g.param(p));
      }
      try (TensorScope scope = g.backend().openScope()) {
        Tensor sum = g.backend().zeros(representation.shape());
        for (Var loss : step.losses()) {
          List<Var> wrt = new ArrayList<>(own);
          wrt.add(representation);
          Map<Var, Tensor> grads = g.grad(loss, wrt);
          g.backend().axpby(1f, grads.get(representation), 1f, sum);
          for (Var v : own) {
            g.backend().axpby(1f, grads.get(v), 1f, v.parameter().grad());
          }
        }
        g.backward(Map.of(representation, sum));
        if (step.penalty() != null) {
          g.backward(step.penalty());
        }
      }
      java.util.Arrays.fill(weights, 1.0);
      return weights;
    }

    @Override
    public Map<String, double[]> state() {
      return Map.of("steps", new double[] {steps});
    }

    @Override
    public void restore(Map<String, double[]> state) {
      steps = state.get("steps")[0];
    }
  }
}
