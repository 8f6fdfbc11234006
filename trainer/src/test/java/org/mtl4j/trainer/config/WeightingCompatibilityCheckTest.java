package org.mtl4j.trainer.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.mtl4j.api.options.OptionSpec;
import org.mtl4j.api.options.Options;
import org.mtl4j.api.weighting.TaskWeighting;
import org.mtl4j.api.weighting.TaskWeightingProvider;
import org.mtl4j.api.weighting.WeightingCompatibility;
import org.mtl4j.api.weighting.WeightingContext;
import org.mtl4j.trainer.Mtl4j;

class WeightingCompatibilityCheckTest {

  /** A third-party method written before compatibility() existed: it states nothing. */
  static final class Undeclared implements TaskWeightingProvider {
    @Override
    public String name() {
      return "legacy";
    }

    @Override
    public String description() {
      return "a plugin that states no compatibility";
    }

    @Override
    public List<OptionSpec> options() {
      return List.of(OptionSpec.ofBoolean("rep_grad", false, "representation gradients"));
    }

    @Override
    public TaskWeighting create(Options options, WeightingContext context) {
      throw new UnsupportedOperationException("not created in these tests");
    }
  }

  private static PluginCatalog catalog() {
    PluginCatalog real = Mtl4j.plugins();
    Map<String, TaskWeightingProvider> w = new LinkedHashMap<>(real.weightings());
    w.put("legacy", new Undeclared());
    return new PluginCatalog(real.strategies(), w, real.dataSources(), real.backends());
  }

  private static final String BASE =
      """
      data: {source: synthetic-mmoe, options: {train_size: 50, test_size: 10, input_size: 4}}
      tasks: [{name: a, type: regression, label: task1}, {name: b, type: regression, label: task2}]
      """;

  private static Mtl4jConfig parse(String weighting) {
    return new ConfigReader(catalog()).parse(BASE + "weighting: " + weighting, "w.yaml", "w");
  }

  private static List<String> errors(String weighting) {
    return assertThrows(ConfigException.class, () -> parse(weighting)).errors();
  }

  @Test
  void theUndeclaredDefaultClaimsNothing() {
    assertEquals(WeightingCompatibility.UNDECLARED, new Undeclared().compatibility());
    WeightingCompatibility u = WeightingCompatibility.UNDECLARED;
    assertTrue(u.perTaskGradients() && !u.representationGradients());
    assertTrue(!u.sparkSync() && !u.checkpointedState());
  }

  @Test
  void repGradOnALossLevelMethodSaysWhyAndWhichMethodsSupportIt() {
    List<String> e = errors("{method: uncertainty, options: {rep_grad: true}}");
    assertEquals(1, e.size(), e.toString()); // not also "unknown option"
    String m = e.get(0);
    assertTrue(
        m.startsWith(
            "weighting.options.rep_grad: 'true': uncertainty does not balance gradients of the"
                + " shared representation"),
        m);
    assertTrue(m.contains("remove rep_grad, or choose a method that supports it: "), m);
    assertTrue(m.contains("cagrad") && m.contains("mgda") && m.contains("pcgrad"), m);
    assertTrue(!m.contains("legacy") && !m.contains(" equal"), m);
  }

  @Test
  void repGradOnAnUndeclaredPluginIsRefusedEvenThoughItHasTheOption() {
    List<String> e = errors("{method: legacy, options: {rep_grad: true}}");
    assertEquals(1, e.size(), e.toString());
    assertTrue(e.get(0).contains("legacy does not balance gradients"), e.get(0));
  }

  @Test
  void repGradFalseOrOnASupportingMethodIsAccepted() {
    assertEquals(
        true,
        parse("{method: pcgrad, options: {rep_grad: true}}").weighting().options().get("rep_grad"));
    assertEquals(
        false,
        parse("{method: legacy, options: {rep_grad: false}}")
            .weighting()
            .options()
            .get("rep_grad"));
  }

  @Test
  void sparkSyncRefusesAnUndeclaredMethodAndNamesTheAlternatives() {
    List<String> p =
        WeightingCompatibilityCheck.sparkSyncProblems(parse("{method: legacy}"), catalog());
    assertEquals(1, p.size(), p.toString());
    assertTrue(
        p.get(0).startsWith("weighting.method: 'legacy' does not support synchronous"), p.get(0));
    assertTrue(p.get(0).contains("use --mode average, or one of: "), p.get(0));
    assertTrue(p.get(0).contains("equal") && p.get(0).contains("pcgrad"), p.get(0));
  }

  @Test
  void sparkSyncRefusesRepresentationGradients() {
    Mtl4jConfig c = parse("{method: mgda, options: {rep_grad: true}}");
    ConfigException e =
        assertThrows(
            ConfigException.class,
            () -> WeightingCompatibilityCheck.requireSparkSync(c, catalog()));
    assertEquals(1, e.errors().size());
    assertTrue(e.errors().get(0).startsWith("weighting.options.rep_grad: true"), e.getMessage());
    assertTrue(e.errors().get(0).contains("rep_grad: false"), e.getMessage());
  }

  @Test
  void sparkSyncAcceptsEveryBuiltInMethodOnTheSharedParameters() {
    for (String m : Mtl4j.plugins().weightings().keySet()) {
      assertEquals(
          List.of(),
          WeightingCompatibilityCheck.sparkSyncProblems(parse("{method: " + m + "}"), catalog()),
          m);
    }
  }
}
