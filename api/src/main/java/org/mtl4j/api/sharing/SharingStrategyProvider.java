package org.mtl4j.api.sharing;

import java.util.List;
import org.mtl4j.api.options.OptionSpec;
import org.mtl4j.api.options.Options;

/**
 * The {@link java.util.ServiceLoader} entry point of a sharing strategy, registered in {@code
 * META-INF/services/org.mtl4j.api.sharing.SharingStrategyProvider} and selected in config by {@link
 * #name()}.
 */
public interface SharingStrategyProvider {

  /** Short config name, e.g. {@code hard}, {@code cross-stitch}, {@code mmoe}. */
  String name();

  /** One line for {@code mtl4j plugins}, citing the paper. */
  String description();

  /** The options the strategy accepts. */
  List<OptionSpec> options();

  /**
   * A strategy configured by {@code options} (already checked against {@link #options()}).
   *
   * @throws IllegalArgumentException for values out of range, naming the option
   */
  SharingStrategy create(Options options);
}
