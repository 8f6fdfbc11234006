package org.mtl4j.api.nn;

import java.util.List;
import org.mtl4j.api.autograd.Graph;
import org.mtl4j.api.autograd.Parameter;
import org.mtl4j.api.autograd.Var;

/**
 * Global average pooling: the mean of each channel over the whole feature map, turning an image
 * batch {@code [N, C, H, W]} into the {@code [N, C]} matrix a linear head reads (Lin, Chen and Yan,
 * "Network in network", ICLR 2014; the head of the ResNets of He et al. 2016).
 */
public final class GlobalAvgPool2d implements Module {
  private final String name;
  private final int channels;

  /**
   * @param name the layer's name in messages
   * @param channels the number of input channels, which is the output size
   */
  public GlobalAvgPool2d(String name, int channels) {
    if (channels < 1) {
      throw new IllegalArgumentException(name + ": channels must be positive, got " + channels);
    }
    this.name = name;
    this.channels = channels;
  }

  @Override
  public List<Parameter> parameters() {
    return List.of();
  }

  @Override
  public Var forward(Graph g, Var x, Mode mode) {
    FeatureShape in = FeatureShape.of(x.shape(), name);
    if (in.channels() != channels) {
      throw new IllegalArgumentException(
          name + ": input " + in + " has " + in.channels() + " channels, expected " + channels);
    }
    return g.globalAvgPool2d(x);
  }

  @Override
  public int outputSize() {
    return channels;
  }
}
