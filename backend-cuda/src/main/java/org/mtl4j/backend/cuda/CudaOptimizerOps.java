package org.mtl4j.backend.cuda;

import static jcuda.driver.JCudaDriver.cuMemcpyHtoD;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import jcuda.Pointer;
import org.mtl4j.api.backend.OpChecks;
import org.mtl4j.api.tensor.Tensor;

/**
 * The optimiser steps of {@link CudaBackend}: SGD with momentum and Nesterov, and Adam/AdamW per
 * parameter or fused over all parameters in one launch through a device table that is re-uploaded
 * only when the parameters or learning rates change.
 */
abstract class CudaOptimizerOps extends CudaLossOps {
  CudaOptimizerOps(int deviceIndex) {
    super(deviceIndex);
  }

  // ------------------------------------------------------------------------------ optimisers

  private final AdamTable adamTable = new AdamTable();

  @Override
  void releaseDeviceTables() {
    adamTable.release();
  }

  @Override
  public void sgdStep(
      Tensor param,
      Tensor grad,
      Tensor velocity,
      float lr,
      float momentum,
      float weightDecay,
      boolean nesterov) {
    String op = "sgdStep";
    in(param, op, "param");
    CudaTensor tg = in(grad, op, "grad");
    if (momentum != 0f) {
      in(velocity, op, "velocity");
    }
    OpChecks.sgdStep(param, grad, velocity, momentum);
    CudaTensor tv = momentum != 0f ? out(velocity, op, "velocity") : null;
    CudaTensor tp = out(param, op, "param");
    long vel = tv == null ? 0L : tv.address();
    run(
        op,
        () ->
            launch1(
                "sgd_step",
                tp.size(),
                tp.address(),
                tg.address(),
                vel,
                tp.size(),
                lr,
                momentum,
                weightDecay,
                nesterov ? 1 : 0),
        param,
        grad,
        velocity);
  }

  @Override
  public void adamStep(
      Tensor param,
      Tensor grad,
      Tensor m,
      Tensor v,
      float lr,
      float beta1,
      float beta2,
      float eps,
      float weightDecay,
      boolean decoupled,
      int step) {
    String op = "adamStep";
    CudaTensor[] t = adamOperands(op, param, grad, m, v);
    OpChecks.adamStep(param, grad, m, v, step);
    adamWritten(op, t, param, m, v);
    double bc1 = 1.0 - Math.pow(beta1, step);
    double bc2 = 1.0 - Math.pow(beta2, step);
    run(
        op,
        () ->
            launch1(
                "adam_step",
                t[0].size(),
                t[0].address(),
                t[1].address(),
                t[2].address(),
                t[3].address(),
                t[0].size(),
                lr,
                beta1,
                beta2,
                eps,
                weightDecay,
                decoupled ? 1 : 0,
                bc1,
                bc2),
        param,
        grad,
        m,
        v);
  }

  /** Parameter, gradient and moments as this backend's tensors, in that order. */
  CudaTensor[] adamOperands(String op, Tensor param, Tensor grad, Tensor m, Tensor v) {
    return new CudaTensor[] {
      in(param, op, "param"), in(grad, op, "grad"), in(m, op, "m"), in(v, op, "v")
    };
  }

  /** Marks the tensors an Adam step writes (parameter and moments) as written on the device. */
  void adamWritten(String op, CudaTensor[] t, Tensor param, Tensor m, Tensor v) {
    t[0] = out(param, op, "param");
    t[2] = out(m, op, "m");
    t[3] = out(v, op, "v");
  }

  /** One launch for the whole parameter list; see {@link AdamTable}. */
  @Override
  public void adamStepAll(
      List<Tensor> params,
      List<Tensor> grads,
      List<Tensor> ms,
      List<Tensor> vs,
      float[] lrs,
      float beta1,
      float beta2,
      float eps,
      float weightDecay,
      boolean decoupled,
      int step) {
    String op = "adamStepAll";
    OpChecks.adamStepAll(params, grads, ms, vs, lrs, step);
    int count = params.size();
    if (count == 0) {
      return;
    }
    List<CudaTensor[]> entries = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      entries.add(adamOperands(op, params.get(i), grads.get(i), ms.get(i), vs.get(i)));
    }
    for (int i = 0; i < count; i++) {
      adamWritten(op, entries.get(i), params.get(i), ms.get(i), vs.get(i));
    }
    double bc1 = 1.0 - Math.pow(beta1, step);
    double bc2 = 1.0 - Math.pow(beta2, step);
    run(
        op,
        () -> {
          long total = adamTable.update(entries, lrs);
          launch1(
              "adam_step_all",
              total,
              adamTable.tableAddress(),
              adamTable.offsetsAddress(),
              adamTable.lrsAddress(),
              count,
              beta1,
              beta2,
              eps,
              weightDecay,
              decoupled ? 1 : 0,
              bc1,
              bc2);
        },
        params.get(0));
  }

  /**
   * The device table of the fused Adam step (parameter, gradient and moment addresses, size
   * offsets, learning rates). It is uploaded only when the parameter list or the learning rates
   * change, so a steady-state training step transfers nothing to the device.
   */
  private final class AdamTable {
    private long[] key = new long[0];
    private float[] lrs = new float[0];
    private DeviceAllocator.Block block;
    private int count;

    synchronized long update(List<CudaTensor[]> entries, float[] newLrs) {
      int n = entries.size();
      long[] newKey = new long[5 * n];
      long total = 0;
      for (int i = 0; i < n; i++) {
        CudaTensor[] e = entries.get(i);
        for (int j = 0; j < 4; j++) {
          newKey[5 * i + j] = e[j].address();
        }
        newKey[5 * i + 4] = e[0].size();
        total += e[0].size();
      }
      if (!Arrays.equals(newKey, key) || !Arrays.equals(newLrs, lrs)) {
        ByteBuffer buf = ByteBuffer.allocate(8 * 4 * n + 8 * (n + 1) + 4 * n);
        buf.order(ByteOrder.nativeOrder());
        for (int i = 0; i < n; i++) {
          for (int j = 0; j < 4; j++) {
            buf.putLong(newKey[5 * i + j]);
          }
        }
        long off = 0;
        buf.putLong(0);
        for (int i = 0; i < n; i++) {
          off += newKey[5 * i + 4];
          buf.putLong(off);
        }
        for (float lr : newLrs) {
          buf.putFloat(lr);
        }
        if (block == null || block.bytes() < buf.capacity()) {
          release();
          block = allocator.acquire(buf.capacity());
        }
        byte[] bytes = buf.array();
        cuMemcpyHtoD(block.pointer(), Pointer.to(bytes), bytes.length);
        key = newKey;
        lrs = newLrs.clone();
        count = n;
      }
      return total;
    }

    long tableAddress() {
      return block.address();
    }

    long offsetsAddress() {
      return block.address() + 32L * count;
    }

    long lrsAddress() {
      return block.address() + 32L * count + 8L * (count + 1);
    }

    synchronized void release() {
      if (block != null) {
        allocator.release(block);
        block = null;
        key = new long[0];
      }
    }
  }
}
