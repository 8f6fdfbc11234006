package org.mtl4j.strategies;

import java.util.ArrayList;
import java.util.List;
import org.mtl4j.api.autograd.Graph;
import org.mtl4j.api.autograd.Parameter;
import org.mtl4j.api.autograd.Var;
import org.mtl4j.api.backend.ComputeBackend;
import org.mtl4j.api.backend.CounterRng;
import org.mtl4j.api.nn.Buffer;
import org.mtl4j.api.nn.Dropout;
import org.mtl4j.api.nn.LayerNorm;
import org.mtl4j.api.nn.LayerShape;
import org.mtl4j.api.nn.Linear;
import org.mtl4j.api.nn.Mode;
import org.mtl4j.api.sharing.NetworkSpec;

/**
 * The hidden layers of one task column, run one layer at a time so that a cross-stitch unit can sit
 * between layers. Layer {@code i} is {@code Linear → [LayerNorm] → activation → [Dropout]}, named
 * and seeded exactly as layer {@code i} of an {@link org.mtl4j.api.nn.Mlp} with the same name and
 * seed, so a column equals that MLP when nothing is mixed in.
 */
final class ColumnLayers implements Column {
  private final List<Linear> linears = new ArrayList<>();
  private final List<LayerNorm> norms = new ArrayList<>();
  private final NetworkSpec spec;

  ColumnLayers(ComputeBackend backend, NetworkSpec spec, String name, long seed) {
    this.spec = spec;
    int in = spec.inputSize();
    try {
      for (int i = 0; i < spec.hidden().size(); i++) {
        int h = spec.hidden().get(i);
        linears.add(
            new Linear(
                backend,
                name + "." + i,
                in,
                h,
                true,
                spec.init().hidden(spec.activation()),
                spec.init().uniformBias(),
                CounterRng.derive(seed, i),
                1f));
        if (spec.layerNorm()) {
          norms.add(new LayerNorm(backend, name + "." + i + ".norm", h, 1e-5f));
        }
        in = h;
      }
    } catch (RuntimeException e) {
      close();
      throw e;
    }
  }

  @Override
  public int depth() {
    return linears.size();
  }

  /** Layer {@code i} applied to {@code x}. */
  @Override
  public Var layer(Graph g, int i, Var x, Mode mode) {
    Var h = linears.get(i).forward(g, x, mode);
    if (spec.layerNorm()) {
      h = norms.get(i).forward(g, h, mode);
    }
    h = spec.activation().apply(g, h);
    if (spec.dropout() > 0) {
      h = new Dropout((float) spec.dropout(), h.shape().cols()).forward(g, h, mode);
    }
    return h;
  }

  /** The weight matrix of layer {@code i}. */
  Parameter weight(int i) {
    return linears.get(i).weight();
  }

  @Override
  public LayerShape shape(int i) {
    return LayerShape.flat(spec.hidden().get(i));
  }

  @Override
  public List<Buffer> buffers() {
    return List.of();
  }

  /** Parameters in {@link org.mtl4j.api.nn.Mlp} order: each layer's linear, then its norm. */
  @Override
  public List<Parameter> parameters() {
    List<Parameter> ps = new ArrayList<>();
    for (int i = 0; i < linears.size(); i++) {
      ps.addAll(linears.get(i).parameters());
      if (spec.layerNorm()) {
        ps.addAll(norms.get(i).parameters());
      }
    }
    return ps;
  }

  @Override
  public void close() {
    linears.forEach(Linear::close);
    norms.forEach(LayerNorm::close);
  }
}
