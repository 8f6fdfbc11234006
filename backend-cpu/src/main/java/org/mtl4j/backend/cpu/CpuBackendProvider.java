package org.mtl4j.backend.cpu;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.mtl4j.api.backend.Availability;
import org.mtl4j.api.backend.BackendOptions;
import org.mtl4j.api.backend.ComputeBackend;
import org.mtl4j.api.backend.ComputeBackendProvider;

/**
 * Registers the {@code cpu} backend (ND4J's native stack: JavaCPP memory and OpenBLAS) with {@link
 * java.util.ServiceLoader}. Priority 100, below a GPU backend's 200, so {@code auto} prefers a GPU
 * when one is usable.
 *
 * <p>{@link #probe()} only looks for the platform's native libraries on the class path (the
 * classifier jars for {@code -Djavacpp.platform}); it loads nothing.
 */
public final class CpuBackendProvider implements ComputeBackendProvider {
  /** Priority in {@code auto} selection. */
  public static final int PRIORITY = 100;

  private final String platformOverride;
  private final ClassLoader loader;

  /** The ServiceLoader constructor: probes the running platform on this class's class loader. */
  public CpuBackendProvider() {
    this(null, CpuBackendProvider.class.getClassLoader());
  }

  /** For tests: probe {@code platform} (null: the running one) on {@code loader}. */
  CpuBackendProvider(String platform, ClassLoader loader) {
    this.platformOverride = platform;
    this.loader = loader;
  }

  @Override
  public String name() {
    return CpuBackend.NAME;
  }

  @Override
  public int priority() {
    return PRIORITY;
  }

  @Override
  public String description() {
    return "CPU: ND4J 1.0.0-M2.1 native stack (JavaCPP 1.5.8), OpenBLAS 0.3.21 sgemm, fused Java"
        + " kernels";
  }

  @Override
  public Availability probe() {
    try {
      String platform = platform();
      List<String> missing = new ArrayList<>();
      requireClass("org.bytedeco.javacpp.Loader", "org.bytedeco:javacpp", missing);
      requireClass(
          "org.bytedeco.openblas.global.openblas_nolapack", "org.bytedeco:openblas", missing);
      requireResource(
          "org/bytedeco/javacpp/" + platform + "/" + libraryFile(platform, "jnijavacpp"),
          "org.bytedeco:javacpp:" + platform,
          missing);
      requireResource(
          "org/bytedeco/openblas/" + platform + "/" + libraryFile(platform, "jniopenblas_nolapack"),
          "org.bytedeco:openblas:" + platform,
          missing);
      if (!missing.isEmpty()) {
        return Availability.unavailable(
            "missing for platform "
                + platform
                + ": "
                + String.join(", ", missing)
                + " (build with -Djavacpp.platform="
                + platform
                + " to get the classifier jars)");
      }
      return Availability.available(
          "OpenBLAS and JavaCPP natives for " + platform + " are on the class path");
    } catch (Throwable e) {
      return Availability.unavailable(
          "cpu backend probe failed: " + e.getClass().getSimpleName() + ": " + e.getMessage());
    }
  }

  @Override
  public ComputeBackend create(BackendOptions options) {
    BackendOptions o = options == null ? BackendOptions.defaults() : options;
    if (!o.extra().isEmpty()) {
      throw new IllegalArgumentException(
          "cpu backend: unknown options " + o.extra().keySet() + " (it takes none)");
    }
    if (o.deviceIndex() != 0) {
      throw new IllegalArgumentException(
          "cpu backend: deviceIndex must be 0 (one CPU device), got " + o.deviceIndex());
    }
    Availability a = probe();
    if (!a.available()) {
      throw new IllegalStateException("cpu backend is not available: " + a.reason());
    }
    int threads = o.threads() == 0 ? Runtime.getRuntime().availableProcessors() : o.threads();
    try {
      return new CpuBackend(threads);
    } catch (UnsatisfiedLinkError | NoClassDefFoundError e) {
      throw new IllegalStateException(
          "cpu backend: loading the native OpenBLAS failed: " + e.getMessage(), e);
    }
  }

  private String platform() {
    if (platformOverride != null) {
      return platformOverride;
    }
    String p = System.getProperty("org.bytedeco.javacpp.platform");
    if (p != null && !p.isEmpty()) {
      return p;
    }
    return detectPlatform(System.getProperty("os.name"), System.getProperty("os.arch"));
  }

  /**
   * JavaCPP's platform name for an {@code os.name} and {@code os.arch}, as its Loader derives it.
   */
  static String detectPlatform(String osName, String osArch) {
    String os = osName.toLowerCase(Locale.ROOT);
    String arch = osArch.toLowerCase(Locale.ROOT);
    if (os.startsWith("mac os x") || os.startsWith("darwin")) {
      os = "macosx";
    } else if (os.startsWith("windows")) {
      os = "windows";
    } else if (os.startsWith("linux")) {
      os = "linux";
    } else {
      os = os.replaceAll("\\W", "");
    }
    Map<String, String> archs =
        Map.of(
            "amd64", "x86_64",
            "x86-64", "x86_64",
            "x86_64", "x86_64",
            "aarch64", "arm64",
            "arm64", "arm64",
            "ppc64le", "ppc64le",
            "i386", "x86",
            "i686", "x86",
            "x86", "x86");
    return os + "-" + archs.getOrDefault(arch, arch);
  }

  private static String libraryFile(String platform, String lib) {
    if (platform.startsWith("windows")) {
      return lib + ".dll";
    }
    if (platform.startsWith("macosx")) {
      return "lib" + lib + ".dylib";
    }
    return "lib" + lib + ".so";
  }

  private void requireClass(String className, String artifact, List<String> missing) {
    try {
      Class.forName(className, false, loader);
    } catch (ClassNotFoundException | LinkageError e) {
      missing.add(artifact + " (class " + className + ")");
    }
  }

  private void requireResource(String path, String artifact, List<String> missing) {
    if (loader.getResource(path) == null) {
      missing.add(artifact + " jar (" + path + ")");
    }
  }
}
