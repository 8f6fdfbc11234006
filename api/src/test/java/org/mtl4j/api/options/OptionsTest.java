package org.mtl4j.api.options;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OptionsTest {
  private static final List<OptionSpec> SPECS =
      List.of(
          OptionSpec.ofInt("experts", 4, "number of experts"),
          OptionSpec.ofDouble("lambda", 0.1, "penalty weight"),
          OptionSpec.ofBoolean("rep_grad", false, "representation gradients"),
          OptionSpec.ofChoice(
              "coupling", "l2", "how columns are coupled", "l2", "pairwise", "trace"),
          OptionSpec.ofIntList("sizes", List.of(8, 4), "layer sizes"),
          new OptionSpec("label", OptionSpec.Type.STRING, "x", "a label", List.of()));

  private static OptionsException errors(Map<String, ?> raw, List<OptionSpec> specs) {
    return assertThrows(OptionsException.class, () -> Options.parse(raw, specs, "model.options"));
  }

  @Test
  void defaultsFillEveryOption() {
    Options o = Options.defaults(SPECS);
    assertEquals(4, o.getInt("experts"));
    assertEquals(0.1, o.getDouble("lambda"));
    assertEquals(false, o.getBoolean("rep_grad"));
    assertEquals("l2", o.getString("coupling"));
    assertEquals(List.of(8, 4), o.getIntList("sizes"));
    assertEquals("x", o.getString("label"));
    assertEquals(6, o.asMap().size());
  }

  @Test
  void givenValuesAreCoerced() {
    Map<String, Object> raw = new LinkedHashMap<>();
    raw.put("experts", 8L);
    raw.put("lambda", 2);
    raw.put("rep_grad", true);
    raw.put("coupling", "trace");
    raw.put("sizes", List.of(16, 8.0, 2));
    Options o = Options.parse(raw, SPECS, "model.options");
    assertEquals(8, o.getInt("experts"));
    assertEquals(2.0, o.getDouble("lambda"));
    assertEquals(true, o.getBoolean("rep_grad"));
    assertEquals("trace", o.getString("coupling"));
    assertEquals(List.of(16, 8, 2), o.getIntList("sizes"));
    assertEquals(
        5,
        Options.parse(Map.of("experts", 5.0), SPECS, "p").getInt("experts"),
        "an integral double is an integer");
  }

  @Test
  void unknownKeyIsReportedWithPathAndKnownNames() {
    OptionsException e = errors(Map.of("expert", 3), SPECS);
    assertEquals(1, e.errors().size());
    String m = e.errors().get(0);
    assertTrue(m.startsWith("model.options.expert: unknown option"), m);
    assertTrue(m.contains("experts, lambda, rep_grad, coupling, sizes, label"), m);
    OptionsException none = errors(Map.of("x", 1), List.of());
    assertTrue(none.getMessage().contains("(none)"), none.getMessage());
  }

  @Test
  void wrongTypesNameTheValueAndTheExpectedType() {
    assertEquals(
        List.of("model.options.experts: '2.5' is not an integer"),
        errors(Map.of("experts", 2.5), SPECS).errors());
    assertEquals(
        List.of("model.options.experts: 'four' is not an integer"),
        errors(Map.of("experts", "four"), SPECS).errors());
    assertEquals(
        List.of("model.options.lambda: 'NaN' is not a number"),
        errors(Map.of("lambda", Double.NaN), SPECS).errors());
    assertEquals(
        List.of("model.options.rep_grad: 'yes' is not true or false"),
        errors(Map.of("rep_grad", "yes"), SPECS).errors());
    assertEquals(
        List.of("model.options.label: '3' is not a string"),
        errors(Map.of("label", 3), SPECS).errors());
    assertEquals(
        List.of("model.options.sizes: '1.5' in [4, 1.5] is not an integer"),
        errors(Map.of("sizes", List.of(4, 1.5)), SPECS).errors());
    assertEquals(
        List.of("model.options.sizes: '4' is not a list of integers"),
        errors(Map.of("sizes", 4), SPECS).errors());
  }

  @Test
  void integersOutsideTheIntRangeAreRejectedNotTruncated() {
    assertEquals(
        List.of("model.options.experts: '3000000000' is not an integer"),
        errors(Map.of("experts", 3_000_000_000L), SPECS).errors());
    assertEquals(
        List.of("model.options.experts: 'Infinity' is not an integer"),
        errors(Map.of("experts", Double.POSITIVE_INFINITY), SPECS).errors());
    assertEquals(
        List.of("model.options.sizes: '1.0E12' in [1.0E12] is not an integer"),
        errors(Map.of("sizes", List.of(1e12)), SPECS).errors());
    assertEquals(
        Integer.MIN_VALUE,
        Options.parse(Map.of("experts", (long) Integer.MIN_VALUE), SPECS, "p").getInt("experts"));
  }

  @Test
  void choicesAreListed() {
    OptionsException e = errors(Map.of("coupling", "L2"), SPECS);
    assertEquals(
        List.of("model.options.coupling: 'L2' is not one of l2, pairwise, trace"), e.errors());
  }

  @Test
  void everyProblemIsReportedAtOnce() {
    Map<String, Object> raw = new LinkedHashMap<>();
    raw.put("experts", "many");
    raw.put("coupling", "none");
    raw.put("typo", 1);
    List<OptionSpec> specs = new java.util.ArrayList<>(SPECS);
    specs.add(new OptionSpec("required", OptionSpec.Type.INT, null, "no default", List.of()));
    OptionsException e = errors(raw, specs);
    assertEquals(4, e.errors().size(), e.getMessage());
    assertTrue(e.getMessage().contains("model.options.typo: unknown option"), e.getMessage());
    assertTrue(e.getMessage().contains("model.options.experts: 'many' is not an integer"));
    assertTrue(e.getMessage().contains("model.options.coupling: 'none' is not one of"));
    assertTrue(
        e.getMessage().contains("model.options.required: required an integer is missing"),
        e.getMessage());
    assertEquals(String.join("\n", e.errors()), e.getMessage());
  }

  @Test
  void gettersRejectUndeclaredNamesAndInvalidBuildsAnOptionsException() {
    Options o = Options.defaults(SPECS);
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> o.getInt("nope"));
    assertTrue(e.getMessage().contains("'nope'"), e.getMessage());
    IllegalArgumentException inv = Options.invalid("model.options", "experts", 0, "at least 1");
    assertTrue(inv instanceof OptionsException);
    assertEquals("model.options.experts: '0' is not at least 1", inv.getMessage());
  }

  @Test
  void invalidReportsAtThePathTheOptionsWereParsedAt() {
    Options o = Options.parse(Map.of("experts", 3), SPECS, "grid[1].model_options");
    assertEquals("grid[1].model_options", o.path());
    IllegalArgumentException e = o.invalid("experts", 3, "an integer >= 4");
    assertTrue(e instanceof OptionsException);
    assertEquals("grid[1].model_options.experts: '3' is not an integer >= 4", e.getMessage());
    assertEquals("options", Options.defaults(SPECS).path());
  }
}
