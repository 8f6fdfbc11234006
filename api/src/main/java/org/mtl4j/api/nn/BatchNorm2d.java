package org.mtl4j.api.nn;

import java.util.Arrays;
import java.util.List;
import org.mtl4j.api.autograd.Graph;
import org.mtl4j.api.autograd.Parameter;
import org.mtl4j.api.autograd.Var;
import org.mtl4j.api.backend.ComputeBackend;
import org.mtl4j.api.tensor.Shape;
import org.mtl4j.api.tensor.Tensor;

/**
 * Batch normalisation of an image batch per channel (Ioffe and Szegedy, "Batch normalization:
 * accelerating deep network training by reducing internal covariate shift", ICML 2015), with a
 * learned scale {@code gamma} (initially 1) and shift {@code beta} (initially 0).
 *
 * <p>In {@link Mode#TRAIN} each channel is normalised with the mean and biased variance of the
 * batch over {@code N, H, W}, and the running statistics are updated as PyTorch does ({@code
 * running = (1 - momentum) * running + momentum * batch}, the variance unbiased). In {@link
 * Mode#EVAL} the running statistics normalise and nothing changes. The running mean (initially 0)
 * and variance (initially 1) are {@link #buffers() buffers}: persistent, not trained, saved and
 * restored with the model by checkpoints.
 */
public final class BatchNorm2d implements ImageModule {
  /** PyTorch's defaults. */
  public static final float DEFAULT_EPS = 1e-5f;

  public static final float DEFAULT_MOMENTUM = 0.1f;

  private final String name;
  private final Parameter gamma;
  private final Parameter beta;
  private final Buffer runningMean;
  private final Buffer runningVar;
  private final float eps;
  private final float momentum;

  /**
   * @param name prefix of the parameter and buffer names ({@code name.gamma}, {@code name.beta},
   *     {@code name.running_mean}, {@code name.running_var})
   */
  public BatchNorm2d(ComputeBackend backend, String name, int channels, float eps, float momentum) {
    if (channels < 1) {
      throw new IllegalArgumentException(name + ": channels must be positive, got " + channels);
    }
    if (!(eps > 0f) || Float.isInfinite(eps)) {
      throw new IllegalArgumentException(name + ": eps must be a positive number, got " + eps);
    }
    if (!(momentum >= 0f && momentum <= 1f)) {
      throw new IllegalArgumentException(name + ": momentum must be in [0, 1], got " + momentum);
    }
    this.name = name;
    this.eps = eps;
    this.momentum = momentum;
    float[] ones = new float[channels];
    Arrays.fill(ones, 1f);
    Shape c = Shape.row(channels);
    this.gamma = new Parameter(name + ".gamma", backend, c, ones, 1f, false);
    this.beta = new Parameter(name + ".beta", backend, c, new float[channels], 1f, false);
    this.runningMean = new Buffer(name + ".running_mean", backend.persistentZeros(c));
    this.runningVar = new Buffer(name + ".running_var", backend.persistentFromHost(c, ones));
  }

  public BatchNorm2d(ComputeBackend backend, String name, int channels) {
    this(backend, name, channels, DEFAULT_EPS, DEFAULT_MOMENTUM);
  }

  public int channels() {
    return gamma.shape().cols();
  }

  public Parameter gamma() {
    return gamma;
  }

  public Parameter beta() {
    return beta;
  }

  /** The running mean, {@code [1, C]}. */
  public Tensor runningMean() {
    return runningMean.value();
  }

  /** The running (unbiased) variance, {@code [1, C]}. */
  public Tensor runningVar() {
    return runningVar.value();
  }

  @Override
  public List<Buffer> buffers() {
    return List.of(runningMean, runningVar);
  }

  @Override
  public List<Parameter> parameters() {
    return List.of(gamma, beta);
  }

  @Override
  public FeatureShape outputShape(FeatureShape in) {
    if (in.channels() != channels()) {
      throw new IllegalArgumentException(
          name + ": input " + in + " has " + in.channels() + " channels, expected " + channels());
    }
    return in;
  }

  @Override
  public Var forward(Graph g, Var x, Mode mode) {
    outputShape(FeatureShape.of(x.shape(), name));
    return g.batchNorm2d(
        x,
        g.param(gamma),
        g.param(beta),
        runningMean.value(),
        runningVar.value(),
        eps,
        momentum,
        mode == Mode.TRAIN);
  }
}
