package org.mtl4j.strategies;

import java.util.ArrayList;
import java.util.List;
import org.mtl4j.api.autograd.Parameter;
import org.mtl4j.api.nn.Buffer;
import org.mtl4j.api.nn.Module;

/**
 * The modules a network is being built from, so that a build that fails half-way closes what it
 * already allocated.
 */
final class Parts implements AutoCloseable {
  private final List<Module> modules = new ArrayList<>();
  private final List<Parameter> parameters = new ArrayList<>();

  <M extends Module> M add(M m) {
    modules.add(m);
    return m;
  }

  Parameter add(Parameter p) {
    parameters.add(p);
    return p;
  }

  /** The buffers of every module added so far, in the order the modules were added. */
  List<Buffer> buffers() {
    List<Buffer> all = new ArrayList<>();
    for (Module m : modules) {
      all.addAll(m.buffers());
    }
    return all;
  }

  @Override
  public void close() {
    for (Module m : modules) {
      m.close();
    }
    for (Parameter p : parameters) {
      p.close();
    }
  }
}
