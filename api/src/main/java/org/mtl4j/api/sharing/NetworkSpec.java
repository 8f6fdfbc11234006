package org.mtl4j.api.sharing;

import java.util.List;
import java.util.Objects;
import org.mtl4j.api.nn.Activation;
import org.mtl4j.api.nn.FeatureShape;
import org.mtl4j.api.nn.LayerShape;
import org.mtl4j.api.nn.LayerSpec;
import org.mtl4j.api.nn.LayerStack;
import org.mtl4j.api.nn.WeightInit;

/**
 * The architecture-independent part of a multi-task network: sizes and layer settings that every
 * sharing strategy interprets in its own way (the trunk of hard sharing, each column of
 * cross-stitch and soft sharing, each expert of MMoE and PLE).
 *
 * <p>The shared part is either an MLP ({@code hidden} sizes) or a layer list ({@code trunk}, e.g.
 * the convolutions and pooling of a LeNet over an image input); each tower likewise ({@code
 * towerHidden} sizes or a {@code tower} layer list). A layer list is checked against its input when
 * the spec is made ({@link LayerStack#shapes}), so a spec that exists fits its input.
 *
 * @param inputSize number of input features
 * @param hidden hidden layer sizes of the shared part (trunk, column or expert)
 * @param towerHidden hidden layer sizes of each task's tower (head) before its output layer
 * @param activation hidden-layer non-linearity
 * @param dropout dropout rate after each hidden layer, in [0, 1)
 * @param layerNorm whether hidden layers are followed by layer normalisation
 * @param init how every linear layer (hidden, output, gate) is initialised
 * @param inputImage the shape of one input row read as an image ({@code C x H x W}, NCHW order), or
 *     null when the input is flat features
 * @param trunk the shared part as a layer list over the input, or empty for the {@code hidden} MLP
 * @param tower each task's tower as a layer list over the representation (ending in flat features),
 *     or empty for the {@code towerHidden} MLP; the task's output layer follows it
 */
public record NetworkSpec(
    int inputSize,
    List<Integer> hidden,
    List<Integer> towerHidden,
    Activation activation,
    double dropout,
    boolean layerNorm,
    WeightInit init,
    FeatureShape inputImage,
    List<LayerSpec> trunk,
    List<LayerSpec> tower) {

  /** An MLP spec: no image input, no layer lists. */
  public NetworkSpec(
      int inputSize,
      List<Integer> hidden,
      List<Integer> towerHidden,
      Activation activation,
      double dropout,
      boolean layerNorm,
      WeightInit init) {
    this(
        inputSize,
        hidden,
        towerHidden,
        activation,
        dropout,
        layerNorm,
        init,
        null,
        List.of(),
        List.of());
  }

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
    trunk = List.copyOf(trunk);
    tower = List.copyOf(tower);
    if (inputImage != null && inputImage.size() != inputSize) {
      throw new IllegalArgumentException(
          "the input image "
              + inputImage
              + " holds "
              + inputImage.size()
              + " values per example, but inputSize is "
              + inputSize);
    }
    if (!trunk.isEmpty() && !hidden.isEmpty()) {
      throw new IllegalArgumentException(
          "give the shared part either as hidden sizes or as a trunk layer list, not both");
    }
    if (!tower.isEmpty() && !towerHidden.isEmpty()) {
      throw new IllegalArgumentException(
          "give the towers either as hidden sizes or as a tower layer list, not both");
    }
    LayerShape in = inputImage == null ? LayerShape.flat(inputSize) : LayerShape.image(inputImage);
    LayerShape representation = LayerStack.outputShape(trunk, in);
    if (!trunk.isEmpty() && hidden.isEmpty() && representation.isImage() && tower.isEmpty()) {
      throw new IllegalArgumentException(
          "the trunk ends in the image "
              + representation.image()
              + "; end it with flatten or gap, or give towers that do");
    }
    if (!tower.isEmpty()) {
      LayerShape out = LayerStack.outputShape(tower, representation);
      if (out.isImage()) {
        throw new IllegalArgumentException(
            "the tower ends in the image "
                + out.image()
                + "; end it with flatten or gap before the task's output layer");
      }
    }
  }

  /** What the first layer reads: the input image, or flat features. */
  public LayerShape inputShape() {
    return inputImage == null ? LayerShape.flat(inputSize) : LayerShape.image(inputImage);
  }

  /** What the shared part produces and every tower reads. */
  public LayerShape representationShape() {
    if (!trunk.isEmpty()) {
      return LayerStack.outputShape(trunk, inputShape());
    }
    return hidden.isEmpty() ? inputShape() : LayerShape.flat(hidden.get(hidden.size() - 1));
  }

  /** Whether the shared part is a layer list rather than {@code hidden} sizes. */
  public boolean layered() {
    return !trunk.isEmpty();
  }

  /**
   * Values per example of the shared representation: the last hidden size, the trunk's output size,
   * or the input size without either.
   */
  public int representationSize() {
    return representationShape().size();
  }
}
