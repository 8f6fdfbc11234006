package org.mtl4j.strategies;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.mtl4j.api.autograd.Parameter;
import org.mtl4j.api.nn.Buffer;
import org.mtl4j.api.sharing.MultiTaskNetwork;
import org.mtl4j.api.sharing.NetworkSpec;
import org.mtl4j.api.testing.ReferenceBackend;

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

    /** Each batch norm's two running statistics, uniquely named, and nothing else. */
    @Test
    void buffersAreTheRunningStatisticsOfEveryBatchNorm() {
      try (ReferenceBackend b = new ReferenceBackend();
          MultiTaskNetwork net = build(b, spec(), 5)) {
        List<String> norms = new ArrayList<>();
        for (Parameter p : net.parameters()) {
          if (p.name().endsWith(".gamma")) {
            String layer = p.name().substring(0, p.name().length() - ".gamma".length());
            norms.add(layer + ".running_mean");
            norms.add(layer + ".running_var");
          }
        }
        List<String> names = net.buffers().stream().map(Buffer::name).toList();
        assertFalse(names.isEmpty(), "the specs have batch norms");
        assertEquals(new HashSet<>(norms), new HashSet<>(names));
        assertEquals(norms.size(), names.size(), "no buffer twice: " + names);
      }
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

  @Nested
  class CrossStitchImageRepresentation extends OnConv {
    @Override
    String strategyName() {
      return "cross-stitch";
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
  class MtanImageRepresentation extends OnConv {
    @Override
    String strategyName() {
      return "mtan";
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
}
