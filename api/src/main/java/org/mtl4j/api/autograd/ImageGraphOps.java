package org.mtl4j.api.autograd;

import org.mtl4j.api.backend.BinaryOp;
import org.mtl4j.api.backend.ComputeBackend;
import org.mtl4j.api.backend.Conv2dParams;
import org.mtl4j.api.backend.ImageShapeChecks;
import org.mtl4j.api.backend.Pool2dParams;
import org.mtl4j.api.backend.UnaryOp;
import org.mtl4j.api.tensor.Shape;
import org.mtl4j.api.tensor.Tensor;

/**
 * The differentiable image operations of {@link Graph} (convolution, pooling, batch norm, reshape)
 * and their backward rules, each written with the image primitives of {@link ComputeBackend}.
 */
final class ImageGraphOps {
  private final Graph graph;
  private final ComputeBackend backend;

  ImageGraphOps(Graph graph) {
    this.graph = graph;
    this.backend = graph.backend();
  }

  private Tensor alloc(Shape s) {
    return backend.allocate(s);
  }

  Var reshape(Var a, Shape shape) {
    if (a.shape().equals(shape)) {
      return a;
    }
    Tensor out = alloc(shape);
    backend.reshape(a.value, out);
    return graph.op(
        out,
        (g, sink) -> {
          Tensor da = alloc(a.shape());
          backend.reshape(g, da);
          sink.add(0, da);
        },
        a);
  }

  Var conv2d(Var x, Var weight, Var bias, Conv2dParams p) {
    Shape xs = x.shape();
    Shape ws = weight.shape();
    Tensor out =
        alloc(ImageShapeChecks.convOutput("conv2d", x.value, "x", weight.value, "weight", p));
    backend.conv2d(x.value, weight.value, bias == null ? null : bias.value, p, out);
    Graph.Backward back =
        (g, sink) -> {
          if (sink.needs(0)) {
            Tensor dx = alloc(xs);
            backend.conv2dBackwardInput(g, weight.value, p, dx);
            sink.add(0, dx);
          }
          boolean needW = sink.needs(1);
          boolean needB = bias != null && sink.needs(2);
          if (!needW && !needB) {
            return;
          }
          Tensor accW = needW ? sink.accumulator(1) : null;
          Tensor accB = needB ? sink.accumulator(2) : null;
          boolean inPlace = needW && accW != null && (bias == null || (needB && accB != null));
          if (inPlace) {
            backend.conv2dBackwardWeight(x.value, g, p, 1f, accW, bias == null ? null : accB);
            return;
          }
          Tensor dw = alloc(ws);
          Tensor db = bias == null ? null : alloc(bias.shape());
          backend.conv2dBackwardWeight(x.value, g, p, 0f, dw, db);
          if (needW) {
            sink.add(1, dw);
          } else {
            dw.close();
          }
          if (db != null) {
            if (needB) {
              sink.add(2, db);
            } else {
              db.close();
            }
          }
        };
    return bias == null ? graph.op(out, back, x, weight) : graph.op(out, back, x, weight, bias);
  }

  Var maxPool2d(Var x, Pool2dParams p) {
    Tensor out = poolOutput("maxPool2d", x, p);
    Tensor indices = x.requiresGrad ? alloc(out.shape()) : null;
    backend.maxPool2d(x.value, p, out, indices);
    return graph.op(
        out,
        (g, sink) -> {
          Tensor dx = alloc(x.shape());
          backend.maxPool2dBackward(g, indices, dx);
          sink.add(0, dx);
        },
        x);
  }

  Var avgPool2d(Var x, Pool2dParams p) {
    Tensor out = poolOutput("avgPool2d", x, p);
    backend.avgPool2d(x.value, p, out);
    return graph.op(
        out,
        (g, sink) -> {
          Tensor dx = alloc(x.shape());
          backend.avgPool2dBackward(g, p, dx);
          sink.add(0, dx);
        },
        x);
  }

  private Tensor poolOutput(String op, Var x, Pool2dParams p) {
    return alloc(ImageShapeChecks.poolOutput(op, x.value, "x", p));
  }

  Var globalAvgPool2d(Var x) {
    ImageShapeChecks.nchw("globalAvgPool2d", x.value, "x");
    Tensor out = alloc(Shape.matrix(x.shape().dim(0), x.shape().dim(1)));
    backend.globalAvgPool2d(x.value, out);
    return graph.op(
        out,
        (g, sink) -> {
          Tensor dx = alloc(x.shape());
          backend.globalAvgPool2dBackward(g, dx);
          sink.add(0, dx);
        },
        x);
  }

  Var batchNorm2d(
      Var x,
      Var gamma,
      Var beta,
      Tensor runningMean,
      Tensor runningVar,
      float eps,
      float momentum,
      boolean training) {
    Tensor out = alloc(x.shape());
    boolean rg = x.requiresGrad || gamma.requiresGrad || beta.requiresGrad;
    Tensor mean = training || rg ? alloc(gamma.shape()) : null;
    Tensor invStd = training || rg ? alloc(gamma.shape()) : null;
    if (training) {
      backend.batchNorm2dTraining(
          x.value,
          gamma.value,
          beta.value,
          eps,
          momentum,
          runningMean,
          runningVar,
          out,
          mean,
          invStd);
    } else {
      backend.batchNorm2dInference(
          x.value, gamma.value, beta.value, runningMean, runningVar, eps, out);
    }
    if (!training && rg) {
      // the fixed statistics of this pass, kept for the backward pass: 1 / sqrt(runningVar + eps)
      backend.copy(runningMean, mean);
      backend.affine(runningVar, 1f, eps, invStd);
      backend.unary(UnaryOp.SQRT, invStd, invStd);
      Tensor ones = alloc(gamma.shape());
      backend.fill(ones, 1f);
      backend.binary(BinaryOp.DIV, ones, invStd, invStd);
      ones.close();
    }
    return graph.op(
        out,
        (g, sink) -> {
          Tensor dx = sink.needs(0) ? alloc(x.shape()) : null;
          Tensor dg = sink.needs(1) ? alloc(gamma.shape()) : null;
          Tensor db = sink.needs(2) ? alloc(beta.shape()) : null;
          backend.batchNorm2dBackward(x.value, g, gamma.value, mean, invStd, training, dx, dg, db);
          if (dx != null) {
            sink.add(0, dx);
          }
          if (dg != null) {
            sink.add(1, dg);
          }
          if (db != null) {
            sink.add(2, db);
          }
        },
        x,
        gamma,
        beta);
  }
}
