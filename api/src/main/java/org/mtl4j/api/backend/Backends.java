package org.mtl4j.api.backend;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.ServiceLoader;
import java.util.stream.Collectors;

/**
 * Discovery and selection of {@link ComputeBackendProvider}s through {@link ServiceLoader}, in
 * plain JDK code.
 *
 * <p>Selection: an explicit name (the argument, else the system property {@value #PROPERTY}, else
 * the environment variable {@value #ENV}) wins and fails loudly when the name is unknown (listing
 * the known names) or the backend is unavailable (with the probe's reason). {@value #AUTO} takes
 * the available provider of highest priority and logs every probe and the choice through {@link
 * System.Logger}.
 */
public final class Backends {
  public static final String AUTO = "auto";
  public static final String PROPERTY = "mtl4j.backend";
  public static final String ENV = "MTL4J_BACKEND";

  private static final System.Logger LOG = System.getLogger(Backends.class.getName());

  private final List<ComputeBackendProvider> providers;

  /** Providers found on the class path of the given loader. */
  public static Backends discover(ClassLoader loader) {
    List<ComputeBackendProvider> found = new ArrayList<>();
    ServiceLoader.load(ComputeBackendProvider.class, loader).forEach(found::add);
    return new Backends(found);
  }

  /** Providers found by the context class loader (or this class's loader). */
  public static Backends discover() {
    ClassLoader cl = Thread.currentThread().getContextClassLoader();
    return discover(cl != null ? cl : Backends.class.getClassLoader());
  }

  public Backends(List<ComputeBackendProvider> providers) {
    List<ComputeBackendProvider> sorted = new ArrayList<>(providers);
    sorted.sort(
        Comparator.comparingInt(ComputeBackendProvider::priority)
            .reversed()
            .thenComparing(ComputeBackendProvider::name));
    for (int i = 0; i < sorted.size(); i++) {
      for (int j = i + 1; j < sorted.size(); j++) {
        if (sorted.get(i).name().equals(sorted.get(j).name())) {
          throw new IllegalStateException(
              "two backend providers share the name '"
                  + sorted.get(i).name()
                  + "': "
                  + sorted.get(i).getClass().getName()
                  + " and "
                  + sorted.get(j).getClass().getName());
        }
      }
    }
    this.providers = List.copyOf(sorted);
  }

  /** All providers, highest priority first. */
  public List<ComputeBackendProvider> providers() {
    return providers;
  }

  public List<String> names() {
    return providers.stream().map(ComputeBackendProvider::name).collect(Collectors.toList());
  }

  /** A provider and why it was chosen. */
  public record Selection(ComputeBackendProvider provider, String reason) {}

  /**
   * The name asked for: {@code requested} when not blank, else {@value #PROPERTY}, else {@value
   * #ENV}, else {@value #AUTO}.
   */
  public static String requestedName(String requested) {
    if (requested != null && !requested.isBlank()) {
      return requested.trim().toLowerCase(Locale.ROOT);
    }
    String prop = System.getProperty(PROPERTY);
    if (prop != null && !prop.isBlank()) {
      return prop.trim().toLowerCase(Locale.ROOT);
    }
    String env = System.getenv(ENV);
    if (env != null && !env.isBlank()) {
      return env.trim().toLowerCase(Locale.ROOT);
    }
    return AUTO;
  }

  /**
   * Chooses a provider as described in the class comment.
   *
   * @param requested a name, {@value #AUTO}, or null/blank to consult the property and environment
   * @throws IllegalArgumentException for an unknown name, or when none is available
   */
  public Selection select(String requested) {
    String name = requestedName(requested);
    if (name.equals(AUTO)) {
      return selectAuto();
    }
    ComputeBackendProvider p =
        providers.stream().filter(x -> x.name().equals(name)).findFirst().orElse(null);
    if (p == null) {
      throw new IllegalArgumentException(
          "backend: '"
              + name
              + "' is not a known backend; known: "
              + String.join(", ", names())
              + ", "
              + AUTO);
    }
    Availability a = safeProbe(p);
    if (!a.available()) {
      throw new IllegalArgumentException(
          "backend: '" + name + "' was asked for but is not available: " + a.reason());
    }
    String why = "asked for by name; " + a.reason();
    LOG.log(System.Logger.Level.INFO, "backend " + name + " selected: " + why);
    return new Selection(p, why);
  }

  private Selection selectAuto() {
    StringBuilder skipped = new StringBuilder();
    StringBuilder skippedNames = new StringBuilder();
    for (ComputeBackendProvider p : providers) {
      Availability a = safeProbe(p);
      // DEBUG: the selection line below names the skipped backends, and Selection.reason() (which
      // the command line prints) says why; the probe detail would repeat it on every run
      LOG.log(
          System.Logger.Level.DEBUG,
          "backend probe "
              + p.name()
              + " (priority "
              + p.priority()
              + "): "
              + (a.available() ? "available" : "unavailable")
              + ": "
              + a.reason());
      if (a.available()) {
        String why =
            "auto: highest-priority available backend (priority "
                + p.priority()
                + ")"
                + (skipped.length() > 0 ? "; skipped " + skipped : "");
        // name the skipped backends; why each was skipped is in the selection's reason
        LOG.log(
            System.Logger.Level.INFO,
            "backend "
                + p.name()
                + " selected: auto: highest-priority available backend (priority "
                + p.priority()
                + ")"
                + (skippedNames.length() > 0
                    ? "; skipped "
                        + skippedNames
                        + " (unavailable; Selection.reason() and `mtl4j backends` say why)"
                    : ""));
        return new Selection(p, why);
      }
      if (skippedNames.length() > 0) {
        skippedNames.append(", ");
      }
      skippedNames.append(p.name());
      if (skipped.length() > 0) {
        skipped.append("; ");
      }
      skipped.append(p.name()).append(": ").append(a.reason());
    }
    throw new IllegalArgumentException(
        "backend: no backend is available"
            + (providers.isEmpty()
                ? " (none was found on the class path; add mtl4j-backend-cpu)"
                : ": " + skipped));
  }

  /** Selects and creates a backend. */
  public ComputeBackend create(String requested, BackendOptions options) {
    Selection s = select(requested);
    return s.provider().create(Objects.requireNonNull(options, "options"));
  }

  /** Calls {@link ComputeBackendProvider#probe()}, turning any throwable into a reason. */
  public static Availability safeProbe(ComputeBackendProvider p) {
    try {
      Availability a = p.probe();
      return a != null ? a : Availability.unavailable("probe returned no result");
    } catch (Throwable t) {
      return Availability.unavailable(
          "probe failed: " + t.getClass().getSimpleName() + ": " + t.getMessage());
    }
  }
}
