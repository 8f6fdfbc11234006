package org.mtl4j.api.nn;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * How the linear layers of a network are initialised: a named scheme for the weights and a rule for
 * the biases. Every draw happens on the host from the layer's seed ({@link Init}), so every backend
 * starts from the same numbers.
 *
 * <ul>
 *   <li>{@code auto}: He-uniform (He et al., ICCV 2015) for hidden layers followed by ReLU or GELU,
 *       Xavier-uniform (Glorot and Bengio, AISTATS 2010) for other hidden layers and for output and
 *       gate layers; zero biases
 *   <li>{@code pytorch}: PyTorch's {@code nn.Linear} default for every layer, weights and biases
 *       U(-1/sqrt(fan_in), 1/sqrt(fan_in)) ({@code kaiming_uniform_(a=sqrt(5))})
 *   <li>{@code he-uniform}, {@code he-normal}, {@code xavier-uniform}, {@code xavier-normal}: that
 *       {@link Init} for every layer; zero biases
 * </ul>
 *
 * @param scheme the weight scheme
 * @param bias the bias rule: the scheme's default, zero, or U(-1/sqrt(fan_in), 1/sqrt(fan_in))
 */
public record WeightInit(Scheme scheme, Bias bias) implements java.io.Serializable {

  /**
   * The default of {@code model.init}: {@code pytorch}, chosen on the public tabular suite
   * (benchmarks/tabular/README.md: best multi-task mean on 6 of 13 tasks and 1 of 18 targets missed
   * against PyTorch, against 1 and 5 for {@code auto}).
   */
  public static final WeightInit DEFAULT = new WeightInit(Scheme.PYTORCH, Bias.DEFAULT);

  /** The weight schemes, by config name. */
  public enum Scheme {
    AUTO("auto"),
    PYTORCH("pytorch"),
    HE_UNIFORM("he-uniform"),
    HE_NORMAL("he-normal"),
    XAVIER_UNIFORM("xavier-uniform"),
    XAVIER_NORMAL("xavier-normal");

    private final String configName;

    Scheme(String configName) {
      this.configName = configName;
    }

    public String configName() {
      return configName;
    }

    /** The scheme with this config name, or null. */
    public static Scheme parse(String name) {
      return Arrays.stream(values())
          .filter(s -> s.configName.equals(name))
          .findFirst()
          .orElse(null);
    }

    public static List<String> names() {
      return Arrays.stream(values()).map(Scheme::configName).toList();
    }
  }

  /** The bias rules, by config name. */
  public enum Bias {
    /** The scheme's own: U(-1/sqrt(fan_in), 1/sqrt(fan_in)) for {@code pytorch}, zero otherwise. */
    DEFAULT("default"),
    ZERO("zero"),
    /** U(-1/sqrt(fan_in), 1/sqrt(fan_in)) whatever the scheme. */
    UNIFORM("uniform");

    private final String configName;

    Bias(String configName) {
      this.configName = configName;
    }

    public String configName() {
      return configName;
    }

    /** The rule with this config name, or null. */
    public static Bias parse(String name) {
      return Arrays.stream(values())
          .filter(s -> s.configName.equals(name))
          .findFirst()
          .orElse(null);
    }

    public static List<String> names() {
      return Arrays.stream(values()).map(Bias::configName).toList();
    }
  }

  public WeightInit {
    Objects.requireNonNull(scheme, "scheme");
    Objects.requireNonNull(bias, "bias");
  }

  /** The initialiser of a hidden layer followed by {@code activation}. */
  public Init hidden(Activation activation) {
    return scheme == Scheme.AUTO ? Init.forActivation(activation) : fixed();
  }

  /** The initialiser of an output or gate layer (no activation of its own before the loss). */
  public Init output() {
    return scheme == Scheme.AUTO ? Init.XAVIER_UNIFORM : fixed();
  }

  /** Whether biases are drawn from U(-1/sqrt(fan_in), 1/sqrt(fan_in)) rather than zero. */
  public boolean uniformBias() {
    return bias == Bias.UNIFORM || (bias == Bias.DEFAULT && scheme == Scheme.PYTORCH);
  }

  private Init fixed() {
    return switch (scheme) {
      case PYTORCH -> Init.PYTORCH;
      case HE_UNIFORM -> Init.HE_UNIFORM;
      case HE_NORMAL -> Init.HE_NORMAL;
      case XAVIER_UNIFORM -> Init.XAVIER_UNIFORM;
      case XAVIER_NORMAL -> Init.XAVIER_NORMAL;
      case AUTO -> throw new IllegalStateException("auto depends on the layer");
    };
  }
}
