package org.mtl4j.strategies;

import java.util.List;
import org.mtl4j.api.autograd.Graph;
import org.mtl4j.api.autograd.Parameter;
import org.mtl4j.api.autograd.Var;
import org.mtl4j.api.backend.ComputeBackend;
import org.mtl4j.api.nn.Buffer;
import org.mtl4j.api.nn.LayerShape;
import org.mtl4j.api.nn.Mode;
import org.mtl4j.api.sharing.NetworkSpec;

/**
 * A shared part run one block at a time, so that a cross-stitch unit or an attention module can sit
 * between blocks: the hidden layers of an MLP spec ({@link ColumnLayers}, a block per layer) or a
 * layer list split by {@link Blocks} ({@link BlockColumn}).
 */
interface Column extends AutoCloseable {

  /** Number of blocks. */
  int depth();

  /**
   * Block {@code i} applied to {@code x} (block 0 reads the network input rows); image blocks
   * produce {@code [N, C, H, W]}.
   */
  Var layer(Graph g, int i, Var x, Mode mode);

  /** What block {@code i} produces per example. */
  LayerShape shape(int i);

  /** The block's parameters, in layer order. */
  List<Parameter> parameters();

  /** The batch-norm running statistics of its layers. */
  List<Buffer> buffers();

  @Override
  void close();

  /** The column {@code name} of the spec: its hidden layers, or its trunk layer list. */
  static Column of(ComputeBackend backend, NetworkSpec spec, String name, long seed) {
    return spec.layered()
        ? new BlockColumn(backend, spec, name, seed)
        : new ColumnLayers(backend, spec, name, seed);
  }
}
