package org.mtl4j.trainer.config;

import java.io.Serializable;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/** The weighting section: a task weighting method by name and its options. */
public record WeightingConfig(String method, Map<String, Object> options) implements Serializable {
  public WeightingConfig {
    Objects.requireNonNull(method, "method");
    options = java.util.Collections.unmodifiableMap(new TreeMap<>(options));
  }
}
