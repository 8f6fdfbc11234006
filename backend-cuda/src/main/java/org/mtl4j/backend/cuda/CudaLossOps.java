package org.mtl4j.backend.cuda;

import org.mtl4j.api.backend.OpChecks;
import org.mtl4j.api.tensor.Tensor;

/**
 * The fused losses of {@link CudaBackend}: softmax cross-entropy, binary cross-entropy with logits
 * and mean squared error, each with its optional label mask and gradient in one pass.
 */
abstract class CudaLossOps extends CudaReductionOps {
  CudaLossOps(int deviceIndex) {
    super(deviceIndex);
  }

  // ------------------------------------------------------------------------------ fused losses

  @Override
  public void softmaxCrossEntropy(
      Tensor logits, Tensor labels, Tensor mask, Tensor loss, Tensor gradLogits) {
    String op = "softmaxCrossEntropy";
    CudaTensor tz = in(logits, op, "logits");
    CudaTensor ty = in(labels, op, "labels");
    CudaTensor tm = mask == null ? null : in(mask, op, "mask");
    in(loss, op, "loss");
    if (gradLogits != null) {
      in(gradLogits, op, "gradLogits");
    }
    OpChecks.softmaxCrossEntropy(logits, labels, mask, loss, gradLogits);
    int n = logits.shape().rows();
    int k = logits.shape().cols();
    run(
        op,
        () -> {
          float[] y = hostValues(ty);
          float[] m = tm == null ? null : hostValues(tm);
          for (int i = 0; i < n; i++) {
            if (m == null || m[i] != 0f) {
              OpChecks.label(i, y[i], k);
            }
          }
          CudaTensor tl = out(loss, op, "loss");
          CudaTensor tg = gradLogits == null ? null : out(gradLogits, op, "gradLogits");
          long maskAddr = tm == null ? 0L : tm.address();
          int blocks = partials(n, 8);
          DeviceAllocator.Block scratch = allocator.acquire(8L * (2 * blocks + 2));
          try {
            long partial = scratch.address();
            long stats = partial + 16L * blocks;
            kernels.launch(
                "ce_partial",
                blocks,
                1,
                THREADS,
                1,
                tz.address(),
                ty.address(),
                maskAddr,
                n,
                k,
                partial);
            kernels.launch("loss_finish", 1, 1, THREADS, 1, partial, blocks, stats, tl.address());
            if (tg != null) {
              launchRows(
                  "ce_grad", n, tz.address(), ty.address(), maskAddr, n, k, stats, tg.address());
            }
          } finally {
            allocator.release(scratch);
          }
        },
        logits,
        labels,
        mask,
        loss,
        gradLogits);
  }

  @Override
  public void bceWithLogits(
      Tensor logits, Tensor targets, Tensor mask, Tensor loss, Tensor gradLogits) {
    elementLoss("bceWithLogits", 0, logits, targets, mask, loss, gradLogits);
  }

  @Override
  public void mse(
      Tensor predictions, Tensor targets, Tensor mask, Tensor loss, Tensor gradPredictions) {
    elementLoss("mse", 1, predictions, targets, mask, loss, gradPredictions);
  }

  void elementLoss(
      String op, int kind, Tensor x, Tensor targets, Tensor mask, Tensor loss, Tensor grad) {
    String gradName = kind == 0 ? "gradLogits" : "gradPredictions";
    CudaTensor tz = in(x, op, kind == 0 ? "logits" : "predictions");
    CudaTensor tt = in(targets, op, "targets");
    CudaTensor tm = mask == null ? null : in(mask, op, "mask");
    in(loss, op, "loss");
    if (grad != null) {
      in(grad, op, gradName);
    }
    if (kind == 0) {
      OpChecks.bceWithLogits(x, targets, mask, loss, grad);
    } else {
      OpChecks.mse(x, targets, mask, loss, grad);
    }
    CudaTensor tl = out(loss, op, "loss");
    CudaTensor tg = grad == null ? null : out(grad, op, gradName);
    int n = x.shape().rows();
    int k = x.shape().cols();
    int maskMode = mask == null ? 0 : (mask.shape().sameMatrix(x.shape()) ? 1 : 2);
    long total = (long) n * k;
    run(
        op,
        () -> {
          int blocks = partials(total, THREADS * 4);
          DeviceAllocator.Block scratch = allocator.acquire(8L * (2 * blocks + 2));
          long maskAddr = tm == null ? 0L : tm.address();
          try {
            long partial = scratch.address();
            long stats = partial + 16L * blocks;
            kernels.launch(
                "elem_loss_partial",
                blocks,
                1,
                THREADS,
                1,
                kind,
                tz.address(),
                tt.address(),
                maskAddr,
                maskMode,
                n,
                k,
                partial);
            kernels.launch("loss_finish", 1, 1, THREADS, 1, partial, blocks, stats, tl.address());
            if (tg != null) {
              launch1(
                  "elem_loss_grad",
                  total,
                  kind,
                  tz.address(),
                  tt.address(),
                  maskAddr,
                  maskMode,
                  n,
                  k,
                  stats,
                  tg.address());
            }
          } finally {
            allocator.release(scratch);
          }
        },
        x,
        targets,
        mask,
        loss,
        grad);
  }
}
