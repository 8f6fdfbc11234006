package org.mtl4j.strategies;

import java.util.ArrayList;
import java.util.List;
import org.mtl4j.api.autograd.Graph;
import org.mtl4j.api.autograd.Parameter;
import org.mtl4j.api.autograd.Var;
import org.mtl4j.api.backend.ComputeBackend;
import org.mtl4j.api.nn.Buffer;
import org.mtl4j.api.nn.LayerShape;
import org.mtl4j.api.nn.LayerSpec;
import org.mtl4j.api.nn.LayerStack;
import org.mtl4j.api.nn.Mode;
import org.mtl4j.api.nn.Module;
import org.mtl4j.api.nn.Sequential;
import org.mtl4j.api.sharing.NetworkSpec;

/**
 * The spec's trunk layer list as one {@link LayerStack} (names and seeds as a hard-sharing trunk of
 * the same name), run block by block as {@link Blocks} splits it.
 */
final class BlockColumn implements Column {
  private final Sequential stack;
  private final List<Sequential> blocks = new ArrayList<>();
  private final List<LayerShape> shapes = new ArrayList<>();
  private final List<List<LayerSpec>> layers = new ArrayList<>();

  BlockColumn(ComputeBackend backend, NetworkSpec spec, String name, long seed) {
    List<LayerSpec> list = spec.trunk();
    LayerShape in = spec.inputShape();
    this.stack = LayerStack.build(backend, name, list, in, spec.init(), seed, 1f);
    List<LayerShape> after = LayerStack.shapes(list, in);
    List<Module> modules = stack.layers();
    int offset = modules.size() - list.size(); // the unflattening of image rows, if any
    int start = 0;
    for (int end : Blocks.ends(list)) {
      int from = start == 0 ? 0 : start + offset;
      blocks.add(new Sequential(modules.subList(from, end + offset)));
      shapes.add(after.get(end - 1));
      layers.add(List.copyOf(list.subList(start, end)));
      start = end;
    }
  }

  @Override
  public int depth() {
    return blocks.size();
  }

  @Override
  public Var layer(Graph g, int i, Var x, Mode mode) {
    return blocks.get(i).forward(g, x, mode);
  }

  @Override
  public LayerShape shape(int i) {
    return shapes.get(i);
  }

  /** The layer specs of block {@code i}. */
  List<LayerSpec> layers(int i) {
    return layers.get(i);
  }

  @Override
  public List<Parameter> parameters() {
    return stack.parameters();
  }

  @Override
  public List<Buffer> buffers() {
    return stack.buffers();
  }

  /** The weights of the convolutional and linear layers, in layer order. */
  List<Parameter> weights() {
    return Towers.weights(stack);
  }

  @Override
  public void close() {
    stack.close();
  }
}
