package org.mtl4j.trainer.inject;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.inject.AbstractModule;
import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.Key;
import com.google.inject.TypeLiteral;
import com.google.inject.util.Modules;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mtl4j.api.backend.ComputeBackendProvider;
import org.mtl4j.api.sharing.SharingStrategyProvider;
import org.mtl4j.api.weighting.TaskWeightingProvider;
import org.mtl4j.trainer.Mtl4j;
import org.mtl4j.trainer.config.Mtl4jConfig;
import org.mtl4j.trainer.data.DataSource;
import org.mtl4j.trainer.data.Dataset;
import org.mtl4j.trainer.data.Datasets;
import org.mtl4j.trainer.data.Downloader;
import org.mtl4j.trainer.data.FashionMnistFiles;
import org.mtl4j.trainer.data.IdxFixtures;
import org.mtl4j.trainer.training.Trainer;

class Mtl4jModuleTest {
  @TempDir Path tmp;

  @Test
  void serviceLoaderResultsAreBoundByPluginName() {
    Injector inj = Guice.createInjector(new CatalogModule());
    Map<String, SharingStrategyProvider> s =
        inj.getInstance(Key.get(new TypeLiteral<Map<String, SharingStrategyProvider>>() {}));
    Map<String, TaskWeightingProvider> w =
        inj.getInstance(Key.get(new TypeLiteral<Map<String, TaskWeightingProvider>>() {}));
    Map<String, ComputeBackendProvider> b =
        inj.getInstance(Key.get(new TypeLiteral<Map<String, ComputeBackendProvider>>() {}));
    Map<String, DataSource> d =
        inj.getInstance(Key.get(new TypeLiteral<Map<String, DataSource>>() {}));
    assertEquals("hard", s.get("hard").name());
    assertTrue(s.keySet().containsAll(List.of("cross-stitch", "soft", "mmoe", "ple")));
    assertEquals("equal", w.get("equal").name());
    assertTrue(w.containsKey("static"));
    assertEquals("cpu", b.get("cpu").name());
    assertEquals(
        List.of("csv", "fashion-mnist", "image-folder", "multi-fashion", "synthetic-mmoe"),
        d.keySet().stream().sorted().toList());
  }

  @Test
  void piecesCanBeReplacedWithModulesOverride() throws Exception {
    IdxFixtures.writeFashion(tmp.resolve("fake"), 30, 10);
    FashionMnistFiles fake =
        new FashionMnistFiles(
            k -> null, tmp.resolve("fake"), tmp.resolve("cache"), Map.of(), new Downloader());
    Mtl4jConfig c = Mtl4j.readConfig(Path.of("..", "examples", "default.yaml"));
    Injector inj =
        Guice.createInjector(
            Modules.override(new Mtl4jModule(c))
                .with(
                    new AbstractModule() {
                      @Override
                      protected void configure() {
                        bind(FashionMnistFiles.class).toInstance(fake);
                      }
                    }));
    assertSame(c, inj.getInstance(Trainer.class).config());
    Dataset data = inj.getInstance(Datasets.class).load(c.data(), c.tasks(), c.seed());
    assertEquals(30, data.train().size(), "read from the overriding folder");
    assertEquals(10, data.test().size());
    assertEquals(1f, data.train().examples().targets("footwear")[5], "label 5 is a sandal");
    assertEquals(0f, data.train().examples().targets("footwear")[6]);
  }
}
