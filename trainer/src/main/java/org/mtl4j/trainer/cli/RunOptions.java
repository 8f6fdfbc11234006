package org.mtl4j.trainer.cli;

import org.mtl4j.trainer.config.Mtl4jConfig;
import picocli.CommandLine.Option;

/**
 * The options of every command that runs a model ({@code train}, {@code evaluate}, {@code
 * predict}).
 */
final class RunOptions {
  @Option(
      names = {"-b", "--backend"},
      paramLabel = "NAME",
      description = "override the config's backend (cpu, cuda or auto)")
  String backend;

  @Option(
      names = {"-q", "--quiet"},
      description = "print only the results: no log lines, no progress")
  boolean quiet;

  /** {@code config} with the backend override applied, if one was given. */
  Mtl4jConfig apply(Mtl4jConfig config) {
    return backend == null ? config : config.withBackend(backend);
  }
}
