package org.mtl4j.strategies;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.StringWriter;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opentest4j.TestAbortedException;

/**
 * Keeps docs/extending.md honest: every block marked {@code <!-- file: ... -->} is written out, the
 * Java sources are compiled against this module's test classpath (the api and its test-jar), the
 * service files are put beside the classes, and the guide's own example test runs.
 */
class ExtendingGuideTest {
  private static final Pattern BLOCK =
      Pattern.compile("<!-- file: (\\S+) -->\\s*\\n```[a-z]*\\n(.*?)\\n```", Pattern.DOTALL);

  static Map<String, String> files() throws IOException {
    Path guide = Path.of("..", "docs", "extending.md");
    String text = Files.readString(guide, StandardCharsets.UTF_8);
    Map<String, String> files = new LinkedHashMap<>();
    Matcher m = BLOCK.matcher(text);
    while (m.find()) {
      files.put(m.group(1), m.group(2) + "\n");
    }
    return files;
  }

  @Test
  void exampleCompilesRegistersAndPassesItsTests(@TempDir Path dir) throws Exception {
    Map<String, String> files = files();
    assertEquals(
        List.of(
            "pom.xml",
            "src/main/java/com/example/mtl/BottleneckSharingProvider.java",
            "src/main/java/com/example/mtl/GeometricLossProvider.java",
            "src/main/resources/META-INF/services/org.mtl4j.api.sharing.SharingStrategyProvider",
            "src/main/resources/META-INF/services/org.mtl4j.api.weighting.TaskWeightingProvider",
            "src/test/java/com/example/mtl/BottleneckContractTest.java",
            "src/test/java/com/example/mtl/GeometricContractTest.java",
            "src/test/java/com/example/mtl/ExamplePluginsTest.java"),
        List.copyOf(files.keySet()));
    DocumentBuilderFactory.newInstance()
        .newDocumentBuilder()
        .parse(
            new java.io.ByteArrayInputStream(
                files.get("pom.xml").getBytes(StandardCharsets.UTF_8)));

    Path classes = Files.createDirectories(dir.resolve("classes"));
    List<String> sources = new ArrayList<>();
    for (Map.Entry<String, String> f : files.entrySet()) {
      Path p = dir.resolve(f.getKey());
      Files.createDirectories(p.getParent());
      Files.writeString(p, f.getValue(), StandardCharsets.UTF_8);
      if (f.getKey().endsWith(".java")) {
        sources.add(p.toString());
      } else if (f.getKey().startsWith("src/main/resources/")) {
        Path target = classes.resolve(f.getKey().substring("src/main/resources/".length()));
        Files.createDirectories(target.getParent());
        Files.writeString(target, f.getValue(), StandardCharsets.UTF_8);
      }
    }
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    List<String> args =
        new ArrayList<>(
            List.of(
                "-d",
                classes.toString(),
                "-cp",
                System.getProperty("java.class.path"),
                "--release",
                "17",
                "-encoding",
                "UTF-8",
                "-Xlint:all,-processing,-serial,-try",
                "-Werror"));
    args.addAll(sources);
    StringWriter errors = new StringWriter();
    int rc =
        javac.run(
            null,
            new java.io.PrintStream(new java.io.ByteArrayOutputStream()),
            new java.io.PrintStream(
                new java.io.OutputStream() {
                  @Override
                  public void write(int b) {
                    errors.write(b);
                  }
                }),
            args.toArray(String[]::new));
    assertEquals(0, rc, "the guide's example does not compile:\n" + errors);

    ClassLoader previous = Thread.currentThread().getContextClassLoader();
    try (URLClassLoader loader =
        new URLClassLoader(new URL[] {classes.toUri().toURL()}, getClass().getClassLoader())) {
      Thread.currentThread().setContextClassLoader(loader);
      assertEquals(2, runTests(loader.loadClass("com.example.mtl.ExamplePluginsTest")));
      assertTrue(runTests(loader.loadClass("com.example.mtl.BottleneckContractTest")) >= 10);
      assertTrue(runTests(loader.loadClass("com.example.mtl.GeometricContractTest")) >= 5);
    } finally {
      Thread.currentThread().setContextClassLoader(previous);
    }
  }

  /**
   * Runs the {@code @Test} methods of a class and its superclasses the way JUnit's default
   * lifecycle does (new instance, {@code @BeforeEach} from the top of the hierarchy down, the test,
   * {@code @AfterEach}); an aborted assumption counts as skipped. Returns the number that passed.
   */
  private static int runTests(Class<?> test) throws Exception {
    List<Class<?>> hierarchy = new ArrayList<>();
    for (Class<?> c = test; c != Object.class; c = c.getSuperclass()) {
      hierarchy.add(0, c);
    }
    List<Method> before = new ArrayList<>();
    List<Method> after = new ArrayList<>();
    List<Method> tests = new ArrayList<>();
    for (Class<?> c : hierarchy) {
      for (Method m : c.getDeclaredMethods()) {
        m.setAccessible(true);
        if (m.isAnnotationPresent(BeforeEach.class)) {
          before.add(m);
        } else if (m.isAnnotationPresent(AfterEach.class)) {
          after.add(0, m);
        } else if (m.isAnnotationPresent(Test.class)) {
          tests.add(m);
        }
      }
    }
    Constructor<?> ctor = test.getDeclaredConstructor();
    ctor.setAccessible(true);
    int passed = 0;
    for (Method m : tests) {
      Object instance = ctor.newInstance();
      try {
        for (Method b : before) {
          b.invoke(instance);
        }
        m.invoke(instance);
        passed++;
      } catch (InvocationTargetException e) {
        if (!(e.getCause() instanceof TestAbortedException)) {
          throw new AssertionError(
              test.getSimpleName() + "." + m.getName() + " failed", e.getCause());
        }
      } finally {
        for (Method a : after) {
          a.invoke(instance);
        }
      }
    }
    return passed;
  }

  @Test
  void guideNamesEveryBuiltInStrategy() throws IOException {
    String text = Files.readString(Path.of("..", "docs", "extending.md"), StandardCharsets.UTF_8);
    for (String name : List.of("`hard`", "`cross-stitch`", "`soft`", "`mmoe`", "`ple`")) {
      assertTrue(text.contains(name), name);
    }
    assertTrue(text.contains("model:\n  strategy: bottleneck"));
    assertTrue(text.contains("weighting:\n  method: geometric"));
  }
}
