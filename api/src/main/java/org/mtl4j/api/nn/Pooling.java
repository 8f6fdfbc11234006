package org.mtl4j.api.nn;

import org.mtl4j.api.backend.Pool2dParams;

/** The shape rule shared by {@link MaxPool2d} and {@link AvgPool2d}. */
final class Pooling {
  private Pooling() {}

  static FeatureShape outputShape(String layer, Pool2dParams p, FeatureShape in) {
    int oh = p.outputHeight(in.height());
    int ow = p.outputWidth(in.width());
    if (oh < 1 || ow < 1) {
      throw new IllegalArgumentException(
          layer
              + ": a "
              + p.kernelH()
              + "x"
              + p.kernelW()
              + " window (stride "
              + p.strideH()
              + "x"
              + p.strideW()
              + ", padding "
              + p.padH()
              + "x"
              + p.padW()
              + ") does not fit the "
              + in
              + " input");
    }
    return new FeatureShape(in.channels(), oh, ow);
  }
}
