package org.mtl4j.strategies;

import java.util.ArrayList;
import java.util.List;
import org.mtl4j.api.nn.LayerSpec;

/**
 * Where a layer list splits into blocks, the units between which cross-stitch units (Misra et al.
 * 2016, after each pooling layer of AlexNet) and MTAN's attention modules (Liu et al. 2019, at each
 * resolution of the encoder) sit.
 *
 * <p>The rule, in three steps:
 *
 * <ol>
 *   <li>A block ends after every pooling layer ({@code pool}), residual block ({@code residual})
 *       and global pooling ({@code gap}), and after every activation that follows a linear layer
 *       (dropout between them allowed): an MLP-like list splits into one block per hidden layer, as
 *       the hidden-size columns do.
 *   <li>Activations and dropout layers right after such an end stay in the block that ends (a
 *       {@code pool, dropout} pair or a {@code residual, relu} pair is one end).
 *   <li>A block without a weighted layer (convolution, linear, residual block or batch norm), such
 *       as a lone {@code flatten} after the last pooling layer, joins the next block, or the
 *       previous one when it is the last.
 * </ol>
 *
 * So a LeNet trunk {@code conv, relu, pool, conv, relu, pool, flatten, linear, relu} has the three
 * blocks {@code [conv relu pool] [conv relu pool] [flatten linear relu]}, and a list with none of
 * these ends is one block.
 */
final class Blocks {
  private Blocks() {}

  /** The exclusive end index of each block of {@code layers}, ascending; the last is the size. */
  static List<Integer> ends(List<LayerSpec> layers) {
    List<Integer> raw = new ArrayList<>();
    int n = layers.size();
    for (int i = 0; i < n; i++) {
      if (endsBlock(layers, i)) {
        int end = i + 1;
        while (end < n
            && (layers.get(end) instanceof LayerSpec.Act
                || layers.get(end) instanceof LayerSpec.Drop)) {
          end++;
        }
        raw.add(end);
        i = end - 1;
      }
    }
    if (raw.isEmpty() || raw.get(raw.size() - 1) != n) {
      raw.add(n);
    }
    List<Integer> ends = new ArrayList<>();
    int start = 0;
    for (int end : raw) {
      if (weighted(layers, start, end)) {
        ends.add(end);
        start = end;
      }
    }
    if (start < n) {
      if (ends.isEmpty()) {
        ends.add(n);
      } else {
        ends.set(ends.size() - 1, n);
      }
    }
    return ends;
  }

  private static boolean endsBlock(List<LayerSpec> layers, int i) {
    LayerSpec l = layers.get(i);
    if (l instanceof LayerSpec.Pool
        || l instanceof LayerSpec.Residual
        || l instanceof LayerSpec.GlobalPool) {
      return true;
    }
    if (l instanceof LayerSpec.Act) {
      for (int j = i - 1; j >= 0; j--) {
        LayerSpec p = layers.get(j);
        if (p instanceof LayerSpec.Drop) {
          continue;
        }
        return p instanceof LayerSpec.Dense;
      }
    }
    return false;
  }

  private static boolean weighted(List<LayerSpec> layers, int from, int to) {
    for (int i = from; i < to; i++) {
      LayerSpec l = layers.get(i);
      if (l instanceof LayerSpec.Conv
          || l instanceof LayerSpec.Dense
          || l instanceof LayerSpec.Residual
          || l instanceof LayerSpec.BatchNorm) {
        return true;
      }
    }
    return false;
  }
}
