package org.mtl4j.trainer.cli;

import com.google.inject.Guice;
import java.util.concurrent.Callable;
import org.mtl4j.api.backend.Availability;
import org.mtl4j.api.backend.Backends;
import org.mtl4j.api.backend.ComputeBackendProvider;
import org.mtl4j.trainer.inject.CatalogModule;
import picocli.CommandLine.Command;

/** {@code mtl4j backends}: every discovered backend, available or not, with the probe's reason. */
@Command(
    name = "backends",
    mixinStandardHelpOptions = true,
    description = "List the discovered compute backends and whether each can run here.")
final class BackendsCommand implements Callable<Integer> {
  @Override
  public Integer call() {
    Backends b = Guice.createInjector(new CatalogModule()).getInstance(Backends.class);
    if (b.providers().isEmpty()) {
      System.out.println("no backend found on the class path (add mtl4j-backend-cpu)");
      return Main.USER_ERROR;
    }
    for (ComputeBackendProvider p : b.providers()) {
      Availability a = Backends.safeProbe(p);
      System.out.printf(
          "%-8s priority %-4d %-11s %s%n    %s%n",
          p.name(),
          p.priority(),
          a.available() ? "available" : "unavailable",
          p.description(),
          a.reason());
    }
    return Main.OK;
  }
}
