package org.mtl4j.trainer.data;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.mtl4j.api.task.TaskType;

/**
 * Task labels derived from the 10 Fashion-MNIST categories (0 T-shirt/top, 1 trouser, 2 pullover, 3
 * dress, 4 coat, 5 sandal, 6 shirt, 7 sneaker, 8 bag, 9 ankle boot): {@code category} itself,
 * {@code footwear} (sandal, sneaker or ankle boot, vs anything else) and {@code group}, a coarse
 * 4-group taxonomy (0 tops: T-shirt, pullover, coat, shirt; 1 bottoms and dresses: trouser, dress;
 * 2 footwear; 3 bags).
 */
public final class FashionLabels {
  private static final int[] GROUP = {0, 1, 0, 1, 0, 2, 0, 2, 3, 2};

  private FashionLabels() {}

  /** Label name -> task types it supports. */
  public static Map<String, Set<TaskType>> labels() {
    Map<String, Set<TaskType>> m = new LinkedHashMap<>();
    m.put("category", Set.of(TaskType.MULTICLASS));
    m.put("footwear", Set.of(TaskType.BINARY, TaskType.MULTICLASS));
    m.put("group", Set.of(TaskType.MULTICLASS));
    return m;
  }

  /** Number of classes of a label (footwear: 2). */
  public static int classes(String label) {
    return switch (label) {
      case "category" -> 10;
      case "footwear" -> 2;
      case "group" -> 4;
      default ->
          throw new IllegalArgumentException(
              "'" + label + "' is not one of " + String.join(", ", labels().keySet()));
    };
  }

  /** The derived label of a category. */
  public static int derive(String label, int category) {
    return switch (label) {
      case "category" -> category;
      case "footwear" -> category == 5 || category == 7 || category == 9 ? 1 : 0;
      case "group" -> GROUP[category];
      default ->
          throw new IllegalArgumentException(
              "'" + label + "' is not one of " + String.join(", ", labels().keySet()));
    };
  }
}
