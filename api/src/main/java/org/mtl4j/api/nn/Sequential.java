package org.mtl4j.api.nn;

import java.util.ArrayList;
import java.util.List;
import org.mtl4j.api.autograd.Graph;
import org.mtl4j.api.autograd.Parameter;
import org.mtl4j.api.autograd.Var;

/**
 * Modules applied one after the other; parameters and buffers in layer order. The output size is
 * that of the last module.
 */
public final class Sequential implements Module {
  private final List<Module> layers;

  public Sequential(List<? extends Module> layers) {
    if (layers.isEmpty()) {
      throw new IllegalArgumentException("a sequential module needs at least one layer");
    }
    this.layers = List.copyOf(layers);
  }

  public List<Module> layers() {
    return layers;
  }

  @Override
  public List<Parameter> parameters() {
    List<Parameter> all = new ArrayList<>();
    for (Module m : layers) {
      all.addAll(m.parameters());
    }
    return all;
  }

  @Override
  public List<Buffer> buffers() {
    List<Buffer> all = new ArrayList<>();
    for (Module m : layers) {
      all.addAll(m.buffers());
    }
    return all;
  }

  @Override
  public Var forward(Graph g, Var x, Mode mode) {
    for (Module m : layers) {
      x = m.forward(g, x, mode);
    }
    return x;
  }

  @Override
  public int outputSize() {
    return layers.get(layers.size() - 1).outputSize();
  }

  @Override
  public void close() {
    for (Module m : layers) {
      m.close();
    }
  }
}
