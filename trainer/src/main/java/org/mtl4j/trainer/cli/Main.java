package org.mtl4j.trainer.cli;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code mtl4j} command line: {@code train}, {@code evaluate}, {@code predict}, {@code
 * backends}, {@code plugins}. Exit codes: 0 success, 2 user error (message, no stack trace), 1
 * internal error.
 */
@Command(
    name = "mtl4j",
    mixinStandardHelpOptions = true,
    version = "mtl4j 0.1.0-SNAPSHOT",
    description = "Multi-task learning for the JVM.",
    subcommands = {
      TrainCommand.class,
      EvaluateCommand.class,
      PredictCommand.class,
      BackendsCommand.class,
      PluginsCommand.class,
      CommandLine.HelpCommand.class
    })
public final class Main implements Runnable {
  public static final int OK = 0;
  public static final int INTERNAL_ERROR = 1;
  public static final int USER_ERROR = 2;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(
        spec.commandLine(), "a command is required: train, evaluate, predict, backends or plugins");
  }

  public static void main(String[] args) {
    System.exit(execute(args));
  }

  /** Runs the CLI and returns the exit code (for tests). */
  public static int execute(String... args) {
    for (String a : args) {
      if (a.equals("-q") || a.equals("--quiet")) {
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
      }
    }
    CommandLine cl = commandLine();
    return cl.execute(args);
  }

  static CommandLine commandLine() {
    CommandLine cl = new CommandLine(new Main());
    cl.setExecutionExceptionHandler(
        (ex, cmd, parsed) -> {
          PrintWriter err = cmd.getErr();
          if (UserErrors.isUserError(ex)) {
            err.println("mtl4j: " + ex.getMessage());
            err.flush();
            return USER_ERROR;
          }
          err.println("mtl4j: internal error: " + ex);
          ex.printStackTrace(err);
          err.flush();
          return INTERNAL_ERROR;
        });
    cl.setParameterExceptionHandler(
        (ex, args) -> {
          PrintWriter err = ex.getCommandLine().getErr();
          err.println("mtl4j: " + ex.getMessage());
          err.println("Try '" + ex.getCommandLine().getCommandSpec().qualifiedName() + " --help'.");
          err.flush();
          return USER_ERROR;
        });
    return cl;
  }
}
