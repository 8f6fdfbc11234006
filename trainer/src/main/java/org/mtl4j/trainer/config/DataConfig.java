package org.mtl4j.trainer.config;

import java.io.Serializable;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * A data section (the top-level {@code data}, or a task's own {@code tasks[i].data}): a data source
 * by name and its options (already checked against the source's option specs, defaults filled in),
 * optionally restricted to one part of its rows.
 *
 * @param part 1-based index of the part used, with {@code parts} parts: part {@code k} of {@code n}
 *     keeps the contiguous block {@code [(k-1)N/n, kN/n)} of the source's training rows and of its
 *     test rows ({@code data.part: 2/2}); {@code 1/1} keeps everything
 */
public record DataConfig(String source, Map<String, Object> options, int part, int parts)
    implements Serializable {
  public DataConfig {
    Objects.requireNonNull(source, "source");
    options = java.util.Collections.unmodifiableMap(new TreeMap<>(options));
    if (parts < 1 || part < 1 || part > parts) {
      throw new IllegalArgumentException("data part " + part + "/" + parts);
    }
  }

  /** Every row of the source. */
  public DataConfig(String source, Map<String, Object> options) {
    this(source, options, 1, 1);
  }

  /** Whether only a part of the rows is used. */
  public boolean partial() {
    return parts > 1;
  }

  /** The rows {@code [from, to)} of {@code n} that the part keeps. */
  public int[] partRange(int n) {
    return new int[] {(int) ((long) (part - 1) * n / parts), (int) ((long) part * n / parts)};
  }
}
