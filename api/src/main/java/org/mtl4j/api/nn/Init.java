package org.mtl4j.api.nn;

import java.util.SplittableRandom;

/**
 * Seeded weight initialisers computed on the host, so every backend starts from the same numbers.
 * Xavier/Glorot: Glorot and Bengio, AISTATS 2010. He/Kaiming: He et al., ICCV 2015. For a {@code
 * [fanIn, fanOut]} matrix:
 *
 * <ul>
 *   <li>{@link #XAVIER_UNIFORM}: U(-b, b), b = sqrt(6 / (fanIn + fanOut))
 *   <li>{@link #XAVIER_NORMAL}: N(0, 2 / (fanIn + fanOut))
 *   <li>{@link #HE_UNIFORM}: U(-b, b), b = sqrt(6 / fanIn)
 *   <li>{@link #HE_NORMAL}: N(0, 2 / fanIn)
 *   <li>{@link #PYTORCH}: PyTorch's {@code nn.Linear} weight default, {@code
 *       kaiming_uniform_(a=sqrt(5))}: U(-b, b), b = 1 / sqrt(fanIn)
 * </ul>
 */
public enum Init {
  XAVIER_UNIFORM,
  XAVIER_NORMAL,
  HE_UNIFORM,
  HE_NORMAL,
  PYTORCH,
  ZEROS;

  /**
   * Values for a {@code [fanIn, fanOut]} weight matrix, row-major.
   *
   * @param seed the seed; the same seed gives the same values
   */
  public float[] sample(int fanIn, int fanOut, long seed) {
    float[] w = new float[fanIn * fanOut];
    if (this == ZEROS) {
      return w;
    }
    SplittableRandom rng = new SplittableRandom(seed);
    double std =
        switch (this) {
          case XAVIER_UNIFORM, XAVIER_NORMAL -> Math.sqrt(2.0 / (fanIn + fanOut));
          case HE_UNIFORM, HE_NORMAL -> Math.sqrt(2.0 / fanIn);
          case PYTORCH -> Math.sqrt(1.0 / (3.0 * fanIn));
          default -> throw new IllegalStateException(name());
        };
    boolean uniform = this == XAVIER_UNIFORM || this == HE_UNIFORM || this == PYTORCH;
    double bound = Math.sqrt(3.0) * std;
    for (int i = 0; i < w.length; i++) {
      w[i] = (float) (uniform ? (rng.nextDouble() * 2 - 1) * bound : gaussian(rng) * std);
    }
    return w;
  }

  /**
   * PyTorch's {@code nn.Linear} bias default: {@code n} values from U(-1/sqrt(fanIn),
   * 1/sqrt(fanIn)).
   */
  public static float[] fanInUniform(int n, int fanIn, long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    double bound = 1.0 / Math.sqrt(fanIn);
    float[] b = new float[n];
    for (int i = 0; i < n; i++) {
      b[i] = (float) ((rng.nextDouble() * 2 - 1) * bound);
    }
    return b;
  }

  /** Standard normal by Box-Muller from a {@link SplittableRandom} (which has no nextGaussian). */
  static double gaussian(SplittableRandom rng) {
    double u1 = rng.nextDouble();
    double u2 = rng.nextDouble();
    return Math.sqrt(-2.0 * Math.log(1.0 - u1)) * Math.cos(2 * Math.PI * u2);
  }

  /** The initialiser suited to an activation: He for ReLU/GELU, Xavier otherwise. */
  public static Init forActivation(Activation a) {
    return (a == Activation.RELU || a == Activation.GELU) ? HE_UNIFORM : XAVIER_UNIFORM;
  }
}
