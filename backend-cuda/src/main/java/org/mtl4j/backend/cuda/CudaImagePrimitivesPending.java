package org.mtl4j.backend.cuda;

import org.mtl4j.api.backend.ComputeBackend;
import org.mtl4j.api.backend.Conv2dParams;
import org.mtl4j.api.backend.Pool2dParams;
import org.mtl4j.api.tensor.Tensor;

/**
 * PLACEHOLDER, TO BE REPLACED (issue 16 item 3): the image primitives of {@link ComputeBackend}
 * (reshape, convolution, pooling, batch normalisation) are not yet implemented as CUDA kernels.
 * Each throws {@link UnsupportedOperationException} so that the cuda backend compiles and fails
 * loudly, never silently, on a convolutional network. The CUDA implementation replaces this file
 * (and the {@code implements} clause of {@link CudaBackend} naming it).
 */
interface CudaImagePrimitivesPending extends ComputeBackend {

  private static UnsupportedOperationException pending() {
    return new UnsupportedOperationException("conv2d is not yet implemented on the cuda backend");
  }

  @Override
  default void reshape(Tensor src, Tensor dst) {
    throw pending();
  }

  @Override
  default void conv2d(Tensor x, Tensor weight, Tensor bias, Conv2dParams params, Tensor out) {
    throw pending();
  }

  @Override
  default void conv2dBackwardInput(
      Tensor gradOut, Tensor weight, Conv2dParams params, Tensor gradIn) {
    throw pending();
  }

  @Override
  default void conv2dBackwardWeight(
      Tensor x,
      Tensor gradOut,
      Conv2dParams params,
      float beta,
      Tensor gradWeight,
      Tensor gradBias) {
    throw pending();
  }

  @Override
  default void maxPool2d(Tensor x, Pool2dParams params, Tensor out, Tensor indices) {
    throw pending();
  }

  @Override
  default void maxPool2dBackward(Tensor gradOut, Tensor indices, Tensor gradIn) {
    throw pending();
  }

  @Override
  default void avgPool2d(Tensor x, Pool2dParams params, Tensor out) {
    throw pending();
  }

  @Override
  default void avgPool2dBackward(Tensor gradOut, Pool2dParams params, Tensor gradIn) {
    throw pending();
  }

  @Override
  default void globalAvgPool2d(Tensor x, Tensor out) {
    throw pending();
  }

  @Override
  default void globalAvgPool2dBackward(Tensor gradOut, Tensor gradIn) {
    throw pending();
  }

  @Override
  default void batchNorm2dTraining(
      Tensor x,
      Tensor gamma,
      Tensor beta,
      float eps,
      float momentum,
      Tensor runningMean,
      Tensor runningVar,
      Tensor out,
      Tensor saveMean,
      Tensor saveInvStd) {
    throw pending();
  }

  @Override
  default void batchNorm2dInference(
      Tensor x,
      Tensor gamma,
      Tensor beta,
      Tensor runningMean,
      Tensor runningVar,
      float eps,
      Tensor out) {
    throw pending();
  }

  @Override
  default void batchNorm2dBackward(
      Tensor x,
      Tensor gradOut,
      Tensor gamma,
      Tensor mean,
      Tensor invStd,
      boolean batchStatistics,
      Tensor gradIn,
      Tensor gradGamma,
      Tensor gradBeta) {
    throw pending();
  }
}
