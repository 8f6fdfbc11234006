package org.mtl4j.api.nn;

import java.util.List;
import org.mtl4j.api.autograd.Graph;
import org.mtl4j.api.autograd.Parameter;
import org.mtl4j.api.autograd.Var;

/** Inverted dropout (Srivastava et al., JMLR 2014), active in {@link Mode#TRAIN} only. */
public final class Dropout implements Module {
  private final float p;
  private final int size;

  public Dropout(float p, int size) {
    if (!(p >= 0f && p < 1f)) {
      throw new IllegalArgumentException("dropout rate must be in [0, 1), got " + p);
    }
    this.p = p;
    this.size = size;
  }

  public float rate() {
    return p;
  }

  @Override
  public List<Parameter> parameters() {
    return List.of();
  }

  @Override
  public Var forward(Graph g, Var x, Mode mode) {
    return mode == Mode.TRAIN && p > 0f ? g.dropout(x, p) : x;
  }

  @Override
  public int outputSize() {
    return size;
  }
}
