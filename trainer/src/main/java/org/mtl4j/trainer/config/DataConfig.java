package org.mtl4j.trainer.config;

import java.io.Serializable;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The data section: a data source by name and its options (already checked against the source's
 * option specs, defaults filled in).
 */
public record DataConfig(String source, Map<String, Object> options) implements Serializable {
  public DataConfig {
    Objects.requireNonNull(source, "source");
    options = java.util.Collections.unmodifiableMap(new TreeMap<>(options));
  }
}
