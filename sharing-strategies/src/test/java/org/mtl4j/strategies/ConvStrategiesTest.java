package org.mtl4j.strategies;

import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.mtl4j.api.sharing.NetworkSpec;

/**
 * The conformance kit ({@link org.mtl4j.api.testing.SharingStrategyContract}, with its gradient
 * check of the whole objective) and this module's checks ({@link StrategyChecks}) for every
 * strategy on convolutional specs ({@link ConvSpecs}): conv, batch norm, pooling, flatten and
 * linear layers over a small image, residual blocks and convolutional towers for {@code hard}.
 */
class ConvStrategiesTest {

  /** A strategy's checks on {@link ConvSpecs#lenetLike()}. */
  abstract static class OnConv extends StrategyChecks {
    @Override
    protected NetworkSpec spec() {
      return ConvSpecs.lenetLike();
    }

    @Override
    protected NetworkSpec regularisedSpec() {
      return ConvSpecs.lenetLikeWithDropout();
    }
  }

  @Nested
  class Hard extends OnConv {
    @Override
    String strategyName() {
      return "hard";
    }
  }

  @Nested
  class HardResidual extends OnConv {
    @Override
    String strategyName() {
      return "hard";
    }

    @Override
    protected NetworkSpec spec() {
      return ConvSpecs.residual();
    }

    @Override
    protected NetworkSpec regularisedSpec() {
      return ConvSpecs.residual();
    }
  }

  @Nested
  class HardImageRepresentation extends OnConv {
    @Override
    String strategyName() {
      return "hard";
    }

    @Override
    protected NetworkSpec spec() {
      return ConvSpecs.imageRepresentation();
    }

    @Override
    protected NetworkSpec regularisedSpec() {
      return ConvSpecs.imageRepresentation();
    }
  }

  @Nested
  class CrossStitch extends OnConv {
    @Override
    String strategyName() {
      return "cross-stitch";
    }

    @Override
    protected Map<String, Object> options() {
      return Map.of("alpha_same", 0.7);
    }
  }

  @Nested
  class CrossStitchResidual extends OnConv {
    @Override
    String strategyName() {
      return "cross-stitch";
    }

    @Override
    protected Map<String, Object> options() {
      return Map.of("alpha_same", 0.6, "granularity", "channel");
    }

    @Override
    protected NetworkSpec spec() {
      return ConvSpecs.residual();
    }

    @Override
    protected NetworkSpec regularisedSpec() {
      return ConvSpecs.residual();
    }
  }

  @Nested
  class Soft extends OnConv {
    @Override
    String strategyName() {
      return "soft";
    }

    @Override
    protected Map<String, Object> options() {
      return Map.of("lambda", 0.5);
    }
  }

  @Nested
  class SoftTraceNorm extends OnConv {
    @Override
    String strategyName() {
      return "soft";
    }

    @Override
    protected Map<String, Object> options() {
      return Map.of("lambda", 0.5, "coupling", "trace-norm");
    }
  }

  @Nested
  class Mmoe extends OnConv {
    @Override
    String strategyName() {
      return "mmoe";
    }

    @Override
    protected Map<String, Object> options() {
      return Map.of("experts", 2);
    }
  }

  @Nested
  class Ple extends OnConv {
    @Override
    String strategyName() {
      return "ple";
    }
  }

  @Nested
  class Cgc extends OnConv {
    @Override
    String strategyName() {
      return "cgc";
    }
  }

  @Nested
  class DSelectK extends OnConv {
    @Override
    String strategyName() {
      return "dselect-k";
    }

    @Override
    protected Map<String, Object> options() {
      return Map.of("experts", 3, "selectors", 2, "entropy", 0.01);
    }
  }

  @Nested
  class LearningToBranch extends OnConv {
    @Override
    String strategyName() {
      return "learning-to-branch";
    }
  }

  @Nested
  class Mtan extends OnConv {
    @Override
    String strategyName() {
      return "mtan";
    }
  }

  @Nested
  class MtanResidual extends OnConv {
    @Override
    String strategyName() {
      return "mtan";
    }

    @Override
    protected Map<String, Object> options() {
      return Map.of("reduction", 2);
    }

    @Override
    protected NetworkSpec spec() {
      return ConvSpecs.residual();
    }

    @Override
    protected NetworkSpec regularisedSpec() {
      return ConvSpecs.residual();
    }
  }
}
