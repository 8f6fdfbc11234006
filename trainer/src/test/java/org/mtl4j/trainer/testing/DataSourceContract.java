package org.mtl4j.trainer.testing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;
import org.mtl4j.api.options.OptionSpec;
import org.mtl4j.api.options.Options;
import org.mtl4j.api.task.Task;
import org.mtl4j.api.task.TaskType;
import org.mtl4j.trainer.config.TaskConfig;
import org.mtl4j.trainer.data.DataSource;
import org.mtl4j.trainer.data.Dataset;
import org.mtl4j.trainer.data.Examples;
import org.mtl4j.trainer.data.PathOption;
import org.mtl4j.trainer.data.Split;

/**
 * The conformance kit's contract for {@link DataSource} plugins (in the trainer's test-jar, as
 * {@code SharingStrategyContract} and {@code TaskWeightingContract} are in the api's): a source is
 * found by {@link ServiceLoader} under its name, describes itself, declares well-formed options,
 * loads deterministically for a seed, and returns examples whose features and per-task targets have
 * the shapes and values the trainer's task types expect (multiclass: a class index below the output
 * size; binary: 0 or 1; regression and multilabel: one column per output), with 0/1 label masks.
 *
 * <p>Usage, from a plugin's own tests: {@code DataSourceContract.check(new MySource(),
 * Map.of("path", file), List.of(new TaskConfig("t", TaskType.BINARY, "label", 1.0,
 * List.of("accuracy"))))}.
 */
public final class DataSourceContract {
  private DataSourceContract() {}

  /**
   * Runs every check on {@code source} with {@code options} (the {@code data.options} a user would
   * write) and {@code tasks}; returns the loaded data set for further checks of the caller's own.
   */
  public static Dataset check(DataSource source, Map<String, ?> options, List<TaskConfig> tasks) {
    discoverable(source);
    describes(source);
    Options parsed = Options.parse(options, source.options(), "data.options");
    Dataset a = source.load(parsed, tasks, 7);
    Dataset b = source.load(parsed, tasks, 7);
    assertNotNull(a, source.name() + ".load returned null");
    tasksResolved(source, a, tasks);
    shapes(source, a.train(), a.tasks(), "train");
    shapes(source, a.test(), a.tasks(), "test");
    assertEquals(
        a.train().examples().inputSize(),
        a.test().examples().inputSize(),
        source.name() + ": train and test examples differ in input size");
    assertTrue(a.train().size() > 0, source.name() + ": no training examples");
    sameData(source, a, b);
    return a;
  }

  /** {@link ServiceLoader} finds a source of this class under this name. */
  public static void discoverable(DataSource source) {
    ClassLoader cl = Thread.currentThread().getContextClassLoader();
    boolean found = false;
    for (DataSource s :
        ServiceLoader.load(
            DataSource.class, cl != null ? cl : source.getClass().getClassLoader())) {
      found |= s.getClass() == source.getClass() && s.name().equals(source.name());
    }
    assertTrue(
        found,
        source.getClass().getName()
            + " is not listed in META-INF/services/"
            + DataSource.class.getName()
            + " (or has no public no-argument constructor)");
  }

  /** A config name, a description, distinct options; path options are options. */
  public static void describes(DataSource source) {
    assertTrue(
        source.name() != null && source.name().matches("[a-z][a-z0-9-]*"),
        "name '" + source.name() + "' is not lower-case letters, digits and dashes");
    assertTrue(
        source.description() != null && !source.description().isBlank(),
        source.name() + " has no description for mtl4j plugins");
    Set<String> names = new HashSet<>();
    for (OptionSpec o : source.options()) {
      assertTrue(names.add(o.name()), source.name() + " declares option " + o.name() + " twice");
    }
    for (PathOption p : source.pathOptions()) {
      assertTrue(
          names.contains(p.name()),
          source.name() + " checks path option " + p.name() + " that it does not declare");
    }
    source
        .labels()
        .ifPresent(
            m ->
                m.forEach(
                    (label, types) ->
                        assertFalse(
                            types.isEmpty(), source.name() + ": label " + label + " has no type")));
  }

  private static void tasksResolved(DataSource source, Dataset d, List<TaskConfig> tasks) {
    assertEquals(tasks.size(), d.tasks().size(), source.name() + ": tasks built");
    for (int t = 0; t < tasks.size(); t++) {
      Task task = d.tasks().get(t);
      assertEquals(tasks.get(t).name(), task.name(), source.name() + ": task order");
      assertEquals(tasks.get(t).type(), task.type(), source.name() + ": task type");
      assertTrue(task.outputSize() >= 1, source.name() + ": " + task.name() + " output size");
      if (task.type() == TaskType.BINARY) {
        assertEquals(1, task.outputSize(), source.name() + ": binary task output size");
      }
    }
  }

  private static void shapes(DataSource source, Split split, List<Task> tasks, String which) {
    Examples ex = split.examples();
    String where = source.name() + " " + which + ": ";
    for (float f : ex.features()) {
      assertTrue(Float.isFinite(f), where + "a feature is " + f);
    }
    for (int r : split.rows()) {
      assertTrue(r >= 0 && r < ex.size(), where + "row " + r + " outside " + ex.size());
    }
    for (Task t : tasks) {
      float[] y = ex.targets(t.name());
      assertNotNull(y, where + "no targets for task " + t.name());
      int k = ex.targetColumns(t.name());
      assertEquals(t.targetColumns(), k, where + t.name() + " target columns");
      float[] mask = ex.mask(t.name());
      if (mask != null) {
        assertEquals(ex.size(), mask.length, where + t.name() + " mask length");
      }
      for (int i = 0; i < ex.size(); i++) {
        if (mask != null) {
          assertTrue(mask[i] == 0f || mask[i] == 1f, where + t.name() + " mask " + mask[i]);
          if (mask[i] == 0f) {
            continue;
          }
        }
        for (int j = 0; j < k; j++) {
          float v = y[i * k + j];
          assertTrue(Float.isFinite(v), where + t.name() + " target " + v);
          switch (t.type()) {
            case MULTICLASS ->
                assertTrue(
                    v == Math.rint(v) && v >= 0 && v < t.outputSize(),
                    where + t.name() + " class " + v + " of " + t.outputSize());
            case BINARY, MULTILABEL ->
                assertTrue(v == 0f || v == 1f, where + t.name() + " label " + v);
            default -> {}
          }
        }
      }
    }
  }

  private static void sameData(DataSource source, Dataset a, Dataset b) {
    String why = source.name() + ": two loads with one seed differ";
    assertArrayEquals(a.train().rows(), b.train().rows(), why);
    assertArrayEquals(a.test().rows(), b.test().rows(), why);
    assertArrayEquals(a.train().examples().features(), b.train().examples().features(), why);
    assertArrayEquals(a.test().examples().features(), b.test().examples().features(), why);
    for (Task t : a.tasks()) {
      assertArrayEquals(
          a.train().examples().targets(t.name()), b.train().examples().targets(t.name()), why);
      assertArrayEquals(
          a.test().examples().targets(t.name()), b.test().examples().targets(t.name()), why);
    }
    assertEquals(a.preprocessing(), b.preprocessing(), why);
  }
}
