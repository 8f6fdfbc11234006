package org.mtl4j.api.optim;

import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.mtl4j.api.autograd.Parameter;
import org.mtl4j.api.backend.ComputeBackend;
import org.mtl4j.api.tensor.Tensor;

/** Shared bookkeeping of optimisers that keep per-parameter state tensors ("slots"). */
abstract class StatefulOptimizer implements Optimizer {
  protected final ComputeBackend backend;
  private final String[] slotNames;
  private final Map<Parameter, Tensor[]> slots = new IdentityHashMap<>();
  private final Map<String, Parameter> byName = new LinkedHashMap<>();
  protected double lr;
  protected long steps;

  StatefulOptimizer(ComputeBackend backend, double lr, String... slotNames) {
    if (!(lr > 0) || Double.isInfinite(lr)) {
      throw new IllegalArgumentException("learning rate must be a positive number, got " + lr);
    }
    this.backend = backend;
    this.lr = lr;
    this.slotNames = slotNames;
  }

  /** The slots of {@code p}, zero-initialised persistent tensors created on first use. */
  protected Tensor[] slots(Parameter p) {
    Tensor[] s = slots.get(p);
    if (s == null) {
      s = new Tensor[slotNames.length];
      for (int i = 0; i < s.length; i++) {
        s[i] = backend.persistentZeros(p.shape());
      }
      slots.put(p, s);
      byName.put(p.name(), p);
    }
    return s;
  }

  @Override
  public void zeroGrad(List<Parameter> parameters) {
    for (Parameter p : parameters) {
      backend.fill(p.grad(), 0f);
    }
  }

  @Override
  public double learningRate() {
    return lr;
  }

  @Override
  public void setLearningRate(double lr) {
    if (!(lr >= 0) || Double.isInfinite(lr)) {
      throw new IllegalArgumentException("learning rate must be a number >= 0, got " + lr);
    }
    this.lr = lr;
  }

  @Override
  public long steps() {
    return steps;
  }

  @Override
  public Map<String, float[]> state() {
    Map<String, float[]> out = new LinkedHashMap<>();
    out.put(STEPS, Optimizer.encodeSteps(steps));
    for (Map.Entry<String, Parameter> e : byName.entrySet()) {
      Tensor[] s = slots.get(e.getValue());
      for (int i = 0; i < s.length; i++) {
        out.put(e.getKey() + "/" + slotNames[i], backend.toHost(s[i]));
      }
    }
    return out;
  }

  @Override
  public void restore(Map<String, float[]> state, List<Parameter> parameters) {
    steps = Optimizer.decodeSteps(state.get(STEPS));
    for (Parameter p : parameters) {
      boolean any = false;
      for (String slot : slotNames) {
        any |= state.containsKey(p.name() + "/" + slot);
      }
      if (!any) {
        continue;
      }
      Tensor[] s = slots(p);
      for (int i = 0; i < s.length; i++) {
        float[] v = state.get(p.name() + "/" + slotNames[i]);
        if (v == null || v.length != p.size()) {
          throw new IllegalArgumentException(
              "optimiser state for "
                  + p.name()
                  + "/"
                  + slotNames[i]
                  + " is missing or has "
                  + (v == null ? 0 : v.length)
                  + " values, expected "
                  + p.size());
        }
        backend.upload(v, s[i]);
      }
    }
  }

  @Override
  public void close() {
    for (Tensor[] s : slots.values()) {
      for (Tensor t : s) {
        t.close();
      }
    }
    slots.clear();
    byName.clear();
  }
}
