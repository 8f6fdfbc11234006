package org.mtl4j.spark.cluster;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.spark.launcher.JavaModuleOptions;

/**
 * A Spark standalone cluster on 127.0.0.1 made of separate JVMs: one {@code
 * org.apache.spark.deploy.master.Master} and n {@code org.apache.spark.deploy.worker.Worker}s, each
 * worker offering one core and a small amount of memory, so that it fits a 2-core machine.
 *
 * <p>Its {@code SPARK_HOME} is a folder whose {@code jars/} links every third-party jar of this
 * JVM's class path (Spark, Scala, Hadoop client, ND4J, Jackson, Guice, ...), as a cluster with
 * Spark and the libraries installed would have; mtl4j's own classes are <em>not</em> installed: the
 * driver ships them with {@code spark.jars} ({@link #applicationJars()}), as {@code spark-submit
 * --jars} does. Executors are child processes of their worker; {@link #killWorker} SIGKILLs a
 * worker and its executors together (a lost machine). {@link #close} and a shutdown hook stop every
 * process this class started, so that no JVM outlives the test.
 */
public final class StandaloneCluster implements AutoCloseable {
  private static final Pattern MASTER_URL =
      Pattern.compile("Starting Spark master at (spark://127\\.0\\.0\\.1:\\d+)");
  private static final Duration START_TIMEOUT = Duration.ofSeconds(90);

  private final Path dir;
  private final Path sparkHome;
  private final List<String> jvmFlags;
  private final List<String> appJars;
  private final String classPath;
  private final int workerMemoryMb;
  private final Process master;
  private final String masterUrl;
  private final List<Process> workers = new ArrayList<>();
  private final List<Process> started = new ArrayList<>();
  private final Set<Long> seenPids = new LinkedHashSet<>();
  private final Thread hook;

  private StandaloneCluster(Path dir, int workerCount, int workerMemoryMb) throws IOException {
    this.dir = Files.createDirectories(dir.toAbsolutePath());
    this.workerMemoryMb = workerMemoryMb;
    this.jvmFlags = sparkJvmFlags();
    this.hook = new Thread(this::stopAll, "stop standalone cluster " + dir);
    Runtime.getRuntime().addShutdownHook(hook);
    List<String> thirdParty = new ArrayList<>();
    List<String> own = new ArrayList<>();
    for (String e : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
      if (e.isBlank()) {
        continue;
      }
      Path p = Path.of(e).toAbsolutePath();
      if (isMtl4j(p)) {
        own.add(p.toString());
      } else if (Files.isRegularFile(p) && p.toString().endsWith(".jar")) {
        thirdParty.add(p.toString());
      }
    }
    this.classPath =
        String.join(
            java.io.File.pathSeparator, Stream.concat(own.stream(), thirdParty.stream()).toList());
    this.sparkHome = this.dir.resolve("spark-home");
    Path jars = Files.createDirectories(sparkHome.resolve("jars"));
    Set<String> names = new LinkedHashSet<>();
    for (String j : thirdParty) {
      String name = Path.of(j).getFileName().toString();
      if (names.add(name)) {
        Files.deleteIfExists(jars.resolve(name));
        Files.createSymbolicLink(jars.resolve(name), Path.of(j));
      }
    }
    this.appJars = applicationJars(own, Files.createDirectories(this.dir.resolve("app-jars")));
    try {
      this.master =
          start(
              "master",
              List.of(
                  "org.apache.spark.deploy.master.Master",
                  "--host",
                  "127.0.0.1",
                  "--port",
                  "0",
                  "--webui-port",
                  "0"));
      this.masterUrl = awaitLog(master, dir.resolve("master.log"), MASTER_URL, "the master");
      awaitLog(
          master,
          dir.resolve("master.log"),
          Pattern.compile("New state: ALIVE"),
          "the master's election");
      for (int i = 0; i < workerCount; i++) {
        workers.add(startWorker(i));
      }
    } catch (RuntimeException | IOException e) {
      close();
      throw e;
    }
  }

  /**
   * Starts a master and {@code workers} workers (one core and {@code workerMemoryMb} MiB each)
   * under {@code dir}, and returns once every worker has registered with the master.
   */
  public static StandaloneCluster start(Path dir, int workers, int workerMemoryMb)
      throws IOException {
    return new StandaloneCluster(dir, workers, workerMemoryMb);
  }

  /** {@code spark://127.0.0.1:PORT}. */
  public String masterUrl() {
    return masterUrl;
  }

  /** The folder holding the cluster's logs, work folders and SPARK_HOME. */
  public Path dir() {
    return dir;
  }

  /** mtl4j's own jars (api, backends, strategies, trainer, spark) for {@code spark.jars}. */
  public List<String> applicationJars() {
    return appJars;
  }

  /** This JVM's class path with mtl4j's own entries first: the driver's class path. */
  public String driverClassPath() {
    return classPath;
  }

  /** The module-opening flags Spark 4 needs on Java 17 (Spark's launcher's list). */
  public List<String> jvmFlags() {
    return jvmFlags;
  }

  /** Environment for every process of the cluster and its drivers: bind to the loopback. */
  public Map<String, String> environment() {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("SPARK_HOME", sparkHome.toString());
    env.put("SPARK_LOCAL_IP", "127.0.0.1");
    env.put("SPARK_LOCAL_HOSTNAME", "127.0.0.1");
    env.put("SPARK_SCALA_VERSION", "2.13");
    return env;
  }

  /** The process ids of worker {@code i} and its executors now. */
  public List<Long> workerProcessIds(int i) {
    Process w = workers.get(i);
    List<Long> pids = new ArrayList<>();
    pids.add(w.pid());
    w.descendants().forEach(d -> pids.add(d.pid()));
    return pids;
  }

  /**
   * SIGKILLs worker {@code i} and its executor JVMs (its child processes) at once, as when its
   * machine is lost, and waits until they are gone. Returns the killed process ids.
   */
  public List<Long> killWorker(int i) {
    Process w = workers.get(i);
    List<ProcessHandle> victims = new ArrayList<>(w.descendants().toList());
    victims.add(w.toHandle());
    victims.forEach(h -> seenPids.add(h.pid()));
    victims.forEach(ProcessHandle::destroyForcibly);
    for (ProcessHandle h : victims) {
      h.onExit().join();
    }
    return victims.stream().map(ProcessHandle::pid).toList();
  }

  /** Starts a fresh worker in place of each worker that is gone (after {@link #killWorker}). */
  public void restartDeadWorkers() throws IOException {
    for (int i = 0; i < workers.size(); i++) {
      if (!workers.get(i).isAlive()) {
        workers.set(i, startWorker(i));
      }
    }
  }

  /**
   * Starts a JVM of this cluster's class path and flags (a driver, for instance) whose output goes
   * to {@code log}; it is stopped with the cluster.
   */
  public Process launch(List<String> javaArgs, Map<String, String> extraEnv, Path log)
      throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(javaArgs);
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.redirectOutput(log.toFile());
    pb.environment().putAll(environment());
    pb.environment().putAll(extraEnv);
    pb.environment().put("CLASSPATH", classPath);
    Process p = pb.start();
    synchronized (started) {
      started.add(p);
    }
    seenPids.add(p.pid());
    return p;
  }

  /** Every process id this cluster started or saw (workers' executors included). */
  public Set<Long> processIds() {
    synchronized (started) {
      for (Process p : started) {
        seenPids.add(p.pid());
        p.descendants().forEach(d -> seenPids.add(d.pid()));
      }
    }
    return Set.copyOf(seenPids);
  }

  @Override
  public void close() {
    stopAll();
    unlinkSparkHomeJars();
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException e) {
      // the JVM is already shutting down: the hook runs stopAll itself
    }
  }

  /** Removes the links of SPARK_HOME/jars (never their targets, the build's jars). */
  private void unlinkSparkHomeJars() {
    Path jars = sparkHome.resolve("jars");
    if (!Files.isDirectory(jars)) {
      return;
    }
    try (Stream<Path> links = Files.list(jars)) {
      for (Path l : links.toList()) {
        if (Files.isSymbolicLink(l)) {
          Files.delete(l);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot remove the links in " + jars, e);
    }
  }

  private void stopAll() {
    List<Process> all;
    synchronized (started) {
      all = new ArrayList<>(started);
    }
    List<ProcessHandle> handles = new ArrayList<>();
    for (Process p : all) {
      p.descendants().forEach(handles::add);
      handles.add(p.toHandle());
    }
    handles.forEach(h -> seenPids.add(h.pid()));
    handles.forEach(ProcessHandle::destroyForcibly);
    for (ProcessHandle h : handles) {
      try {
        h.onExit().get(30, java.util.concurrent.TimeUnit.SECONDS);
      } catch (Exception e) {
        // reported by the callers' leak check (processIds still alive)
      }
    }
  }

  private Process startWorker(int i) throws IOException {
    Path work = Files.createDirectories(dir.resolve("work-" + i));
    Path log = dir.resolve("worker-" + i + ".log");
    Process w =
        start(
            "worker-" + i,
            List.of(
                "org.apache.spark.deploy.worker.Worker",
                "--host",
                "127.0.0.1",
                "--port",
                "0",
                "--webui-port",
                "0",
                "--cores",
                "1",
                "--memory",
                workerMemoryMb + "m",
                "--work-dir",
                work.toString(),
                masterUrl));
    awaitLog(w, log, Pattern.compile("Successfully registered with master"), "worker " + i);
    return w;
  }

  private Process start(String name, List<String> mainAndArgs) throws IOException {
    List<String> args = new ArrayList<>();
    // Master and workers see Spark and the third-party jars only, as on an installed cluster.
    args.add("-cp");
    args.add(sparkHome.resolve("jars").resolve("*").toString());
    args.add("-Xmx256m");
    args.addAll(jvmFlags);
    args.add("-Dspark.ui.enabled=false");
    args.addAll(mainAndArgs);
    Path log = dir.resolve(name + ".log");
    Files.deleteIfExists(log);
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(args);
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.redirectOutput(log.toFile());
    pb.environment().putAll(environment());
    Process p = pb.start();
    synchronized (started) {
      started.add(p);
    }
    seenPids.add(p.pid());
    return p;
  }

  /** Waits for {@code pattern} in {@code log}; returns group 1 (or the match). */
  static String awaitLog(Process p, Path log, Pattern pattern, String what) {
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      String text = read(log);
      Matcher m = pattern.matcher(text);
      if (m.find()) {
        return m.groupCount() > 0 ? m.group(1) : m.group();
      }
      if (!p.isAlive()) {
        throw new IllegalStateException(
            what
                + " exited with "
                + p.exitValue()
                + " before starting; log "
                + log
                + ":\n"
                + tail(text));
      }
      sleep(100);
    }
    throw new IllegalStateException(
        what + " did not start within " + START_TIMEOUT + "; log " + log + ":\n" + tail(read(log)));
  }

  static String read(Path log) {
    try {
      return Files.isRegularFile(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
    } catch (IOException e) {
      // a log being written can hold a partial UTF-8 sequence: read it leniently
      try {
        return new String(Files.readAllBytes(log), StandardCharsets.UTF_8);
      } catch (IOException e2) {
        throw new UncheckedIOException(e2);
      }
    }
  }

  static String tail(String text) {
    return text.length() <= 4000 ? text : text.substring(text.length() - 4000);
  }

  static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  /** mtl4j's modules: their class folders (in a reactor build) or their jars. */
  private static boolean isMtl4j(Path p) {
    String name = p.getFileName().toString();
    if (name.startsWith("mtl4j-")) {
      return true;
    }
    return Files.isDirectory(p)
        && (name.equals("classes") || name.equals("test-classes"))
        && p.getParent() != null
        && p.getParent().getFileName().toString().equals("target");
  }

  /**
   * The jars to ship: mtl4j's main class folders packed as jars (a reactor build before {@code
   * package} has folders, which {@code spark.jars} does not take), its jars as they are; test
   * classes stay on the driver.
   */
  private static List<String> applicationJars(List<String> own, Path out) throws IOException {
    List<String> jars = new ArrayList<>();
    for (String e : own) {
      Path p = Path.of(e);
      if (Files.isRegularFile(p)) {
        if (!p.getFileName().toString().contains("-tests")) {
          jars.add(p.toString());
        }
      } else if (p.getFileName().toString().equals("classes")) {
        Path module = p.getParent().getParent();
        Path jar = out.resolve("mtl4j-" + module.getFileName() + ".jar");
        packFolder(p, jar);
        jars.add(jar.toString());
      }
    }
    return List.copyOf(jars);
  }

  private static void packFolder(Path folder, Path jar) throws IOException {
    try (OutputStream os = Files.newOutputStream(jar);
        JarOutputStream out = new JarOutputStream(os);
        Stream<Path> files = Files.walk(folder)) {
      for (Path f : files.sorted().toList()) {
        if (Files.isRegularFile(f)) {
          out.putNextEntry(new JarEntry(folder.relativize(f).toString().replace('\\', '/')));
          Files.copy(f, out);
          out.closeEntry();
        }
      }
    }
  }

  /** The module flags Spark's own launcher gives every Spark JVM on Java 17. */
  private static List<String> sparkJvmFlags() {
    return List.of(JavaModuleOptions.defaultModuleOptionArray());
  }
}
