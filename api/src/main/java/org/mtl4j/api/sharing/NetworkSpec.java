package org.mtl4j.api.sharing;

import java.util.List;
import java.util.Objects;
import org.mtl4j.api.nn.Activation;
import org.mtl4j.api.nn.WeightInit;

/**
 * The architecture-independent part of a multi-task network: sizes and layer settings that every
 * sharing strategy interprets in its own way (the trunk of hard sharing, each column of
 * cross-stitch and soft sharing, each expert of MMoE and PLE).
 *
 * @param inputSize number of input features
 * @param hidden hidden layer sizes of the shared part (trunk, column or expert)
 * @param towerHidden hidden layer sizes of each task's tower (head) before its output layer
 * @param activation hidden-layer non-linearity
 * @param dropout dropout rate after each hidden layer, in [0, 1)
 * @param layerNorm whether hidden layers are followed by layer normalisation
 * @param init how every linear layer (hidden, output, gate) is initialised
 */
public record NetworkSpec(
    int inputSize,
    List<Integer> hidden,
    List<Integer> towerHidden,
    Activation activation,
    double dropout,
    boolean layerNorm,
    WeightInit init) {

  /** A spec with the default initialisation, {@link WeightInit#DEFAULT}. */
  public NetworkSpec(
      int inputSize,
      List<Integer> hidden,
      List<Integer> towerHidden,
      Activation activation,
      double dropout,
      boolean layerNorm) {
    this(inputSize, hidden, towerHidden, activation, dropout, layerNorm, WeightInit.DEFAULT);
  }

  public NetworkSpec {
    if (inputSize <= 0) {
      throw new IllegalArgumentException("inputSize must be positive, got " + inputSize);
    }
    hidden = List.copyOf(hidden);
    towerHidden = List.copyOf(towerHidden);
    for (int h : hidden) {
      if (h <= 0) {
        throw new IllegalArgumentException("hidden sizes must be positive, got " + hidden);
      }
    }
    for (int h : towerHidden) {
      if (h <= 0) {
        throw new IllegalArgumentException("tower sizes must be positive, got " + towerHidden);
      }
    }
    Objects.requireNonNull(activation, "activation");
    Objects.requireNonNull(init, "init");
    if (!(dropout >= 0 && dropout < 1)) {
      throw new IllegalArgumentException("dropout must be in [0, 1), got " + dropout);
    }
  }

  /** Width of the shared representation: the last hidden size, or the input size without any. */
  public int representationSize() {
    return hidden.isEmpty() ? inputSize : hidden.get(hidden.size() - 1);
  }
}
