package org.mtl4j.strategies;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.mtl4j.api.nn.Activation;
import org.mtl4j.api.nn.LayerSpec;

class BlocksTest {
  private static final LayerSpec RELU = new LayerSpec.Act(Activation.RELU);
  private static final LayerSpec POOL = new LayerSpec.Pool(LayerSpec.PoolKind.MAX, 2);
  private static final LayerSpec CONV = new LayerSpec.Conv(4, 3);
  private static final LayerSpec DROP = new LayerSpec.Drop(0.5);
  private static final LayerSpec FLAT = new LayerSpec.Flat();

  @Test
  void lenetSplitsAfterEachPoolingAndTheLinearLayersActivation() {
    List<LayerSpec> lenet =
        List.of(CONV, RELU, POOL, CONV, RELU, POOL, FLAT, new LayerSpec.Dense(50), RELU);
    assertEquals(List.of(3, 6, 9), Blocks.ends(lenet));
  }

  @Test
  void anMlpListSplitsPerHiddenLayerWithItsDropout() {
    List<LayerSpec> mlp =
        List.of(new LayerSpec.Dense(8), RELU, DROP, new LayerSpec.Dense(4), RELU, DROP);
    assertEquals(List.of(3, 6), Blocks.ends(mlp));
  }

  @Test
  void weightlessBlocksJoinTheNextOrTheLast() {
    // the trailing flatten after the last pool joins the block before it
    assertEquals(List.of(3, 7), Blocks.ends(List.of(CONV, RELU, POOL, CONV, RELU, POOL, FLAT)));
    // dropout and activation after a pool stay with it; the flatten joins the linear block
    assertEquals(
        List.of(4, 8),
        Blocks.ends(List.of(CONV, POOL, DROP, RELU, FLAT, new LayerSpec.Dense(3), RELU, DROP)));
    // a pool first holds no weights and joins the convolution block after it
    assertEquals(List.of(3), Blocks.ends(List.of(POOL, CONV, POOL)));
  }

  @Test
  void residualBlocksAndGlobalPoolingEndBlocks() {
    LayerSpec res = new LayerSpec.Residual(8, 2);
    List<LayerSpec> resnet =
        List.of(CONV, new LayerSpec.BatchNorm(), RELU, res, res, new LayerSpec.GlobalPool());
    assertEquals(List.of(4, 6), Blocks.ends(resnet));
  }

  @Test
  void aListWithoutEndsIsOneBlock() {
    assertEquals(List.of(3), Blocks.ends(List.of(CONV, RELU, CONV)));
    assertEquals(List.of(2), Blocks.ends(List.of(CONV, new LayerSpec.Dense(3))));
  }
}
