package org.mtl4j.integration.architecture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * Every {@code META-INF/services} entry of an mtl4j jar names a class that exists and implements
 * the service, and every concrete provider class in production code is listed.
 */
class ServiceFilesTest {
  static final Set<String> SERVICES =
      Set.of(
          "org.mtl4j.api.backend.ComputeBackendProvider",
          "org.mtl4j.api.sharing.SharingStrategyProvider",
          "org.mtl4j.api.weighting.TaskWeightingProvider",
          "org.mtl4j.trainer.data.DataSource",
          "org.mtl4j.trainer.distributed.DistributedTraining");

  static List<String> entries(String service) throws IOException {
    List<String> names = new ArrayList<>();
    Enumeration<URL> urls =
        ServiceFilesTest.class.getClassLoader().getResources("META-INF/services/" + service);
    while (urls.hasMoreElements()) {
      URL u = urls.nextElement();
      if (u.toString().contains("/test-classes/") || u.toString().contains("-tests.jar")) {
        continue;
      }
      try (BufferedReader r =
          new BufferedReader(new InputStreamReader(u.openStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = r.readLine()) != null) {
          String s = line.replaceAll("#.*", "").trim();
          if (!s.isEmpty()) {
            names.add(s);
          }
        }
      }
    }
    return names;
  }

  @Test
  void everyEntryNamesAnImplementation() throws Exception {
    for (String service : SERVICES) {
      Class<?> type = Class.forName(service);
      for (String name : entries(service)) {
        Class<?> impl;
        try {
          impl = Class.forName(name, false, getClass().getClassLoader());
        } catch (ClassNotFoundException e) {
          fail("META-INF/services/" + service + " lists " + name + ", which does not exist");
          return;
        }
        assertTrue(type.isAssignableFrom(impl), name + " does not implement " + service);
      }
    }
  }

  @Test
  void everyProviderIsListed() throws Exception {
    Set<String> listed = new TreeSet<>();
    for (String service : SERVICES) {
      listed.addAll(entries(service));
    }
    Set<String> unlisted = new TreeSet<>();
    for (JavaClass c :
        new ClassFileImporter()
            .withImportOption(new ArchitectureTest.ProductionOnly())
            .importPackages("org.mtl4j")) {
      boolean provider =
          c.getAllRawInterfaces().stream().anyMatch(i -> SERVICES.contains(i.getName()));
      if (provider
          && !c.isInterface()
          && !c.getModifiers().contains(JavaModifier.ABSTRACT)
          && c.getModifiers().contains(JavaModifier.PUBLIC)
          && !listed.contains(c.getName())) {
        unlisted.add(c.getName());
      }
    }
    assertEquals(Set.of(), unlisted, "provider classes missing from META-INF/services");
  }
}
