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

  /**
   * What the strategy assumes of the tasks, one sentence for {@code docs/methods.md} ({@code mtl4j
   * plugins --markdown}); the default states nothing.
   */
  default String assumptions() {
    return "not stated by the plugin";
  }

  /** The cost of one forward and backward pass relative to {@code hard}, one phrase. */
  default String costPerStep() {
    return "not stated by the plugin";
  }
}
