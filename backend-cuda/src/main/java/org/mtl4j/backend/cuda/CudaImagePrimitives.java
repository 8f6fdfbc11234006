package org.mtl4j.backend.cuda;

import org.mtl4j.api.backend.ComputeBackend;
import org.mtl4j.api.backend.Conv2dParams;
import org.mtl4j.api.backend.Pool2dParams;
import org.mtl4j.api.tensor.Tensor;

/**
 * The image primitives of {@link ComputeBackend} (reshape, convolution, pooling, batch
 * normalisation) on {@link CudaBackend}, each delegated to its {@link CudaImageOps}, which launches
 * the kernels of {@code images.cu}. An internal seam that keeps the image code out of {@link
 * CudaBackend}; not for use outside this package.
 */
interface CudaImagePrimitives extends ComputeBackend {

  /** The backend's image operations (its allocator, kernels and context). */
  CudaImageOps imageOps();

  @Override
  default void reshape(Tensor src, Tensor dst) {
    imageOps().reshape(src, dst);
  }

  @Override
  default void conv2d(Tensor x, Tensor weight, Tensor bias, Conv2dParams params, Tensor out) {
    imageOps().conv2d(x, weight, bias, params, out);
  }

  @Override
  default void conv2dBackwardInput(
      Tensor gradOut, Tensor weight, Conv2dParams params, Tensor gradIn) {
    imageOps().conv2dBackwardInput(gradOut, weight, params, gradIn);
  }

  @Override
  default void conv2dBackwardWeight(
      Tensor x,
      Tensor gradOut,
      Conv2dParams params,
      float beta,
      Tensor gradWeight,
      Tensor gradBias) {
    imageOps().conv2dBackwardWeight(x, gradOut, params, beta, gradWeight, gradBias);
  }

  @Override
  default void maxPool2d(Tensor x, Pool2dParams params, Tensor out, Tensor indices) {
    imageOps().maxPool2d(x, params, out, indices);
  }

  @Override
  default void maxPool2dBackward(Tensor gradOut, Tensor indices, Tensor gradIn) {
    imageOps().maxPool2dBackward(gradOut, indices, gradIn);
  }

  @Override
  default void avgPool2d(Tensor x, Pool2dParams params, Tensor out) {
    imageOps().avgPool2d(x, params, out);
  }

  @Override
  default void avgPool2dBackward(Tensor gradOut, Pool2dParams params, Tensor gradIn) {
    imageOps().avgPool2dBackward(gradOut, params, gradIn);
  }

  @Override
  default void globalAvgPool2d(Tensor x, Tensor out) {
    imageOps().globalAvgPool2d(x, out);
  }

  @Override
  default void globalAvgPool2dBackward(Tensor gradOut, Tensor gradIn) {
    imageOps().globalAvgPool2dBackward(gradOut, gradIn);
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
    imageOps()
        .batchNorm2dTraining(
            x, gamma, beta, eps, momentum, runningMean, runningVar, out, saveMean, saveInvStd);
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
    imageOps().batchNorm2dInference(x, gamma, beta, runningMean, runningVar, eps, out);
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
    imageOps()
        .batchNorm2dBackward(
            x, gradOut, gamma, mean, invStd, batchStatistics, gradIn, gradGamma, gradBeta);
  }
}
