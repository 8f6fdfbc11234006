package org.mtl4j.api.nn;

import java.util.ArrayList;
import java.util.List;
import org.mtl4j.api.autograd.Graph;
import org.mtl4j.api.autograd.Parameter;
import org.mtl4j.api.autograd.Var;
import org.mtl4j.api.backend.ComputeBackend;
import org.mtl4j.api.backend.Conv2dParams;
import org.mtl4j.api.backend.CounterRng;

/**
 * The basic residual block of He et al., "Deep residual learning for image recognition", CVPR 2016:
 * {@code relu(bn2(conv2(relu(bn1(conv1(x))))) + shortcut(x))}, where both convolutions are 3x3 with
 * padding 1 and no bias (batch norm follows), the first with the block's stride. The shortcut is
 * the identity when the block keeps the channel count and the resolution (stride 1), else a 1x1
 * convolution with the block's stride followed by batch norm (the paper's projection shortcut,
 * option B).
 */
public final class ResidualBlock implements ImageModule {
  private final String name;
  private final Conv2d conv1;
  private final BatchNorm2d bn1;
  private final Conv2d conv2;
  private final BatchNorm2d bn2;
  private final Conv2d projection;
  private final BatchNorm2d projectionBn;

  /**
   * @param name prefix of the parameter names ({@code name.conv1.weight}, {@code name.bn1.gamma},
   *     ..., {@code name.shortcut.conv.weight} for a projection)
   * @param stride the stride of the first convolution and of the projection (2 halves the
   *     resolution)
   * @param seed initialisation seed
   */
  public ResidualBlock(
      ComputeBackend backend,
      String name,
      int inChannels,
      int outChannels,
      int stride,
      long seed,
      float lrScale) {
    this.name = name;
    List<AutoCloseable> made = new ArrayList<>();
    try {
      conv1 =
          keep(
              made,
              conv3x3(backend, name + ".conv1", inChannels, outChannels, stride, seed, 0, lrScale));
      bn1 = keep(made, new BatchNorm2d(backend, name + ".bn1", outChannels));
      conv2 =
          keep(
              made,
              conv3x3(backend, name + ".conv2", outChannels, outChannels, 1, seed, 1, lrScale));
      bn2 = keep(made, new BatchNorm2d(backend, name + ".bn2", outChannels));
      if (stride != 1 || inChannels != outChannels) {
        projection =
            keep(
                made,
                new Conv2d(
                    backend,
                    name + ".shortcut.conv",
                    inChannels,
                    outChannels,
                    1,
                    1,
                    Conv2dParams.of(stride, 0, 1),
                    false,
                    Init.HE_UNIFORM,
                    CounterRng.derive(seed, 2),
                    lrScale));
        projectionBn = keep(made, new BatchNorm2d(backend, name + ".shortcut.bn", outChannels));
      } else {
        projection = null;
        projectionBn = null;
      }
    } catch (RuntimeException e) {
      for (AutoCloseable m : made) {
        try {
          m.close();
        } catch (Exception suppressed) {
          e.addSuppressed(suppressed);
        }
      }
      throw e;
    }
  }

  public ResidualBlock(
      ComputeBackend backend, String name, int inChannels, int outChannels, int stride, long seed) {
    this(backend, name, inChannels, outChannels, stride, seed, 1f);
  }

  private static <T extends AutoCloseable> T keep(List<AutoCloseable> made, T m) {
    made.add(m);
    return m;
  }

  private static Conv2d conv3x3(
      ComputeBackend backend,
      String name,
      int in,
      int out,
      int stride,
      long seed,
      int stream,
      float lrScale) {
    return new Conv2d(
        backend,
        name,
        in,
        out,
        3,
        3,
        Conv2dParams.of(stride, 1, 1),
        false,
        Init.HE_UNIFORM,
        CounterRng.derive(seed, stream),
        lrScale);
  }

  /** True when the shortcut is a 1x1 projection rather than the identity. */
  public boolean projects() {
    return projection != null;
  }

  private List<Module> modules() {
    return projection == null
        ? List.of(conv1, bn1, conv2, bn2)
        : List.of(conv1, bn1, conv2, bn2, projection, projectionBn);
  }

  @Override
  public List<Parameter> parameters() {
    List<Parameter> all = new ArrayList<>();
    for (Module m : modules()) {
      all.addAll(m.parameters());
    }
    return all;
  }

  @Override
  public List<Buffer> buffers() {
    List<Buffer> all = new ArrayList<>();
    for (Module m : modules()) {
      all.addAll(m.buffers());
    }
    return all;
  }

  @Override
  public FeatureShape outputShape(FeatureShape in) {
    try {
      return conv2.outputShape(conv1.outputShape(in));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(name + ": " + e.getMessage(), e);
    }
  }

  @Override
  public Var forward(Graph g, Var x, Mode mode) {
    outputShape(FeatureShape.of(x.shape(), name));
    Var h = g.relu(bn1.forward(g, conv1.forward(g, x, mode), mode));
    h = bn2.forward(g, conv2.forward(g, h, mode), mode);
    Var shortcut =
        projection == null ? x : projectionBn.forward(g, projection.forward(g, x, mode), mode);
    return g.relu(g.add(h, shortcut));
  }

  @Override
  public void close() {
    for (Module m : modules()) {
      m.close();
    }
  }
}
