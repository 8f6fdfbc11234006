package org.mtl4j.trainer.training;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.mtl4j.api.autograd.Graph;
import org.mtl4j.api.autograd.Parameter;
import org.mtl4j.api.autograd.Var;
import org.mtl4j.api.backend.ComputeBackend;
import org.mtl4j.api.backend.CounterRng;
import org.mtl4j.api.nn.Embedding;
import org.mtl4j.api.nn.Mode;
import org.mtl4j.api.sharing.MultiTaskNetwork;
import org.mtl4j.api.sharing.NetworkOutput;
import org.mtl4j.api.task.Task;
import org.mtl4j.trainer.data.InputLayout;

/**
 * Entity embeddings in front of any strategy's network (Guo and Berkhahn, "Entity Embeddings of
 * Categorical Variables", 2016): each index column of the input is replaced by its row of a learned
 * table, the other columns pass through, and the result feeds the inner network. The tables are
 * shared by every task, so they are shared parameters (gradient-balancing methods see them).
 */
final class EmbeddedInputNetwork implements MultiTaskNetwork {
  private final MultiTaskNetwork inner;
  private final InputLayout layout;
  private final List<Embedding> tables;

  EmbeddedInputNetwork(
      MultiTaskNetwork inner, InputLayout layout, ComputeBackend backend, long seed) {
    this.inner = inner;
    this.layout = layout;
    List<Embedding> t = new ArrayList<>();
    try {
      for (int i = 0; i < layout.embedded().size(); i++) {
        InputLayout.Embedded e = layout.embedded().get(i);
        t.add(
            new Embedding(
                backend,
                "input.embedding" + i,
                e.vocabulary(),
                e.dimension(),
                CounterRng.derive(seed, 7_000L + i)));
      }
    } catch (RuntimeException e) {
      t.forEach(Embedding::close);
      throw e;
    }
    this.tables = List.copyOf(t);
  }

  @Override
  public List<Task> tasks() {
    return inner.tasks();
  }

  @Override
  public List<Parameter> sharedParameters() {
    List<Parameter> out = new ArrayList<>();
    for (Embedding e : tables) {
      out.addAll(e.parameters());
    }
    out.addAll(inner.sharedParameters());
    return out;
  }

  @Override
  public List<Parameter> taskParameters(String task) {
    return inner.taskParameters(task);
  }

  @Override
  public List<org.mtl4j.api.nn.Buffer> buffers() {
    return inner.buffers();
  }

  @Override
  public NetworkOutput forward(Graph g, Var input, Mode mode) {
    if (input.shape().cols() != layout.width()) {
      throw new IllegalArgumentException(
          "input has " + input.shape().cols() + " columns, expected " + layout.width());
    }
    List<Var> parts = new ArrayList<>();
    int start = 0;
    for (int i = 0; i < tables.size(); i++) {
      int column = layout.embedded().get(i).column();
      if (column > start) {
        parts.add(g.sliceColumns(input, start, column - start));
      }
      parts.add(tables.get(i).lookup(g, g.sliceColumns(input, column, 1).value()));
      start = column + 1;
    }
    if (start < layout.width()) {
      parts.add(g.sliceColumns(input, start, layout.width() - start));
    }
    Var x = parts.size() == 1 ? parts.get(0) : g.concatColumns(parts);
    return inner.forward(g, x, mode);
  }

  @Override
  public Optional<Var> penalty(Graph g) {
    return inner.penalty(g);
  }

  @Override
  public Optional<Parameter> lastSharedWeight() {
    return inner.lastSharedWeight();
  }

  @Override
  public void close() {
    tables.forEach(Embedding::close);
    inner.close();
  }
}
