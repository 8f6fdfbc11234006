package org.mtl4j.trainer.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code mtl4j} command line: {@code train}, {@code compare}, {@code evaluate}, {@code
 * predict}, {@code backends}, {@code plugins}. Exit codes: 0 success, 2 user error (message, no
 * stack trace), 1 internal error.
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
      AnalyseCommand.class,
      ExportCommand.class,
      CompareCommand.class,
      BackendsCommand.class,
      PluginsCommand.class,
      CommandLine.HelpCommand.class
    })
public final class Main implements Runnable {
  public static final int OK = 0;
  public static final int INTERNAL_ERROR = 1;
  public static final int USER_ERROR = 2;

  /** The SLF4J simple logger's default level ({@code simplelogger.properties} sets info). */
  static final String LOG_LEVEL_PROPERTY = "org.slf4j.simpleLogger.defaultLogLevel";

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @CommandLine.Option(
      names = "--plugins",
      paramLabel = "DIR",
      description =
          "a folder of plugin jars (or one jar) to load; repeatable. Also loaded: the plugins/"
              + " folder of the installation and the folders or jars in $MTL4J_PLUGINS.")
  List<Path> plugins = new ArrayList<>();

  @Override
  public void run() {
    List<String> commands = new ArrayList<>();
    for (CommandLine sub : spec.subcommands().values()) {
      String name = sub.getCommandName();
      if (!name.equals("help") && !commands.contains(name)) {
        commands.add(name);
      }
    }
    throw new CommandLine.ParameterException(
        spec.commandLine(), "a command is required: " + String.join(", ", commands));
  }

  public static void main(String[] args) {
    System.exit(execute(args));
  }

  /** Runs the CLI and returns the exit code (for tests). */
  public static int execute(String... args) {
    CommandLine cl = commandLine();
    return cl.execute(args);
  }

  static CommandLine commandLine() {
    CommandLine cl = new CommandLine(new Main());
    cl.setExecutionStrategy(Main::runQuietlyWhenAsked);
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
          if (ex instanceof CommandLine.UnmatchedArgumentException u
              && !u.getSuggestions().isEmpty()) {
            err.println("did you mean " + String.join(" or ", u.getSuggestions()) + "?");
          }
          err.println("Try '" + ex.getCommandLine().getCommandSpec().qualifiedName() + " --help'.");
          err.flush();
          return USER_ERROR;
        });
    return cl;
  }

  /**
   * Runs the parsed command; when it was given {@code -q/--quiet}, first lowers the SLF4J simple
   * logger's default level to {@code warn} so that no INFO line (e.g. the backend choice) is
   * printed. This runs after parsing (so {@code -q} is recognised however it is written, e.g.
   * clustered as {@code -qc FILE}) and before the command logs anything. The simple logger reads
   * its level once per JVM, when the first logger is made: a JVM that already logged (several
   * in-process runs) keeps the level it started with.
   */
  private static int runQuietlyWhenAsked(CommandLine.ParseResult parsed) {
    Main main = parsed.commandSpec().commandLine().getCommand();
    String home = System.getProperty("mtl4j.home");
    List<Path> jars;
    try {
      jars =
          PluginJars.find(
              main.plugins, System.getenv(PluginJars.ENV), home == null ? null : Path.of(home));
    } catch (UserErrors.UsageException e) {
      CommandLine cl = parsed.commandSpec().commandLine();
      cl.getErr().println("mtl4j: " + e.getMessage());
      cl.getErr().flush();
      return USER_ERROR;
    }
    if (jars.isEmpty()) {
      return runLast(parsed);
    }
    Thread thread = Thread.currentThread();
    ClassLoader saved = thread.getContextClassLoader();
    ClassLoader parent = saved != null ? saved : Main.class.getClassLoader();
    thread.setContextClassLoader(PluginJars.loader(jars, parent));
    try {
      return runLast(parsed);
    } finally {
      thread.setContextClassLoader(saved);
    }
  }

  private static int runLast(CommandLine.ParseResult parsed) {
    CommandLine.ParseResult last = parsed;
    while (last.hasSubcommand()) {
      last = last.subcommand();
    }
    if (last.hasMatchedOption("--quiet")) {
      System.setProperty(LOG_LEVEL_PROPERTY, "warn");
    }
    return new CommandLine.RunLast().execute(parsed);
  }
}
