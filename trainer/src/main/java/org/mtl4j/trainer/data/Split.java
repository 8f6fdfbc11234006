package org.mtl4j.trainer.data;

import java.util.Arrays;
import java.util.Objects;

/** A subset of {@link Examples} chosen by row index: train, validation or test rows. */
public record Split(Examples examples, int[] rows) {
  public Split {
    Objects.requireNonNull(examples, "examples");
    Objects.requireNonNull(rows, "rows");
  }

  /** Every row of the examples. */
  public static Split all(Examples e) {
    int[] rows = new int[e.size()];
    Arrays.setAll(rows, i -> i);
    return new Split(e, rows);
  }

  public int size() {
    return rows.length;
  }

  /** The rows labelled for {@code task}: those with mask 1, every row when it has no mask. */
  public Split labelled(String task) {
    float[] mask = examples.mask(task);
    if (mask == null) {
      return this;
    }
    return new Split(examples, Arrays.stream(rows).filter(r -> mask[r] != 0f).toArray());
  }

  /** The first {@code n} rows (or all when fewer). */
  public Split limit(int n) {
    return n <= 0 || n >= rows.length ? this : new Split(examples, Arrays.copyOf(rows, n));
  }
}
