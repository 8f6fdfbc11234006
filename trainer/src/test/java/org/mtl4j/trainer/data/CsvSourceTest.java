package org.mtl4j.trainer.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mtl4j.api.options.Options;
import org.mtl4j.api.task.TaskType;
import org.mtl4j.trainer.config.ConfigException;
import org.mtl4j.trainer.config.TaskConfig;

class CsvSourceTest {
  @TempDir Path dir;
  private final CsvSource source = new CsvSource();

  private Options opts(Path train, Path test, String categorical) {
    Map<String, Object> m = new HashMap<>();
    m.put("path", train.toString());
    m.put("test_path", test.toString());
    m.put("categorical", categorical);
    return Options.parse(m, source.options(), "data.options");
  }

  private static final List<TaskConfig> TASKS =
      List.of(
          new TaskConfig("kind", TaskType.MULTICLASS, "kind", 1, List.of("accuracy")),
          new TaskConfig("price", TaskType.REGRESSION, "price", 1, List.of("rmse")));

  @Test
  void standardisesNumericOneHotsCategoricalAndMasksEmptyLabels() throws Exception {
    Path train = dir.resolve("train.csv");
    Files.writeString(
        train,
        """
        x,colour,kind,price
        1,red,b,10
        3,blue,a,
        5,red,,30
        """);
    Path test = dir.resolve("test.csv");
    Files.writeString(test, "x,colour,kind,price\n3,green,a,5\n");
    Dataset d = source.load(opts(train, test, "colour"), TASKS, 1);
    assertEquals(3, d.inputSize(), "x plus one-hot of blue, red");
    Examples ex = d.train().examples();
    double std = Math.sqrt(8.0 / 3);
    float[] x = ex.features();
    assertEquals(-2 / std, x[0], 1e-6);
    assertArrayEquals(new float[] {0, 1}, new float[] {x[1], x[2]});
    assertArrayEquals(new float[] {1, 0}, new float[] {x[4], x[5]});
    assertArrayEquals(new float[] {1, 0, 0}, ex.targets("kind"), "classes a, b sorted");
    assertArrayEquals(new float[] {1, 1, 0}, ex.mask("kind"));
    assertArrayEquals(new float[] {1, 0, 1}, ex.mask("price"));
    assertEquals(3, d.train().size(), "rows with missing labels are kept");
    assertEquals(2, d.tasks().get(0).outputSize());
    float[] tx = d.test().examples().features();
    assertArrayEquals(new float[] {0, 0, 0}, tx, 1e-6f, "unseen category encodes as zeros");
  }

  private Options opts(Path train, Path test, String categorical, String embed) {
    Map<String, Object> m = new HashMap<>();
    m.put("path", train.toString());
    m.put("test_path", test.toString());
    m.put("categorical", categorical);
    m.put("embed", embed);
    return Options.parse(m, source.options(), "data.options");
  }

  @Test
  void embeddedColumnsHoldTheCategoryIndexAndDescribeTheLayout() throws Exception {
    Path train = dir.resolve("train.csv");
    Files.writeString(
        train,
        """
        x,colour,shop,kind,price
        1,red,s1,b,10
        3,blue,s2,a,
        5,red,s3,,30
        """);
    Path test = dir.resolve("test.csv");
    Files.writeString(test, "x,colour,shop,kind,price\n3,green,s2,a,5\n");
    Dataset d = source.load(opts(train, test, "colour", "shop:4"), TASKS, 1);
    assertEquals(4, d.inputSize(), "x, one-hot of blue and red, the shop index");
    float[] x = d.train().examples().features();
    assertArrayEquals(new float[] {0, 1, 2}, new float[] {x[3], x[7], x[11]}, "s1, s2, s3");
    assertEquals(1f, d.test().examples().features()[3], "s2 in the test file");
    InputLayout layout = d.inputLayout();
    assertEquals(
        List.of(new InputLayout.Embedded("shop", 3, 4, 4)),
        layout.embedded(),
        "column 3, three shops plus one row for unseen ones, dimension 4");
    assertEquals(7, layout.networkInputSize(), "3 plain columns + a 4-wide embedding");

    Files.writeString(test, "x,colour,shop,kind,price\n3,green,s9,a,5\n");
    Dataset unseen = source.load(opts(train, test, "colour", "shop:4"), TASKS, 1);
    assertEquals(3f, unseen.test().examples().features()[3], "an unseen shop gets the last row");
  }

  @Test
  void badEmbedSpecsAreConfigErrorsWithTheirValues() throws Exception {
    Path train = dir.resolve("train.csv");
    Files.writeString(train, "x,colour,shop,kind,price\n1,red,s1,b,10\n3,blue,s2,a,20\n");
    ConfigException e =
        assertThrows(
            ConfigException.class,
            () ->
                source.load(
                    opts(train, train, "colour", "shop,colour:2,nope:3,x:0,shop:2,shop:3"),
                    TASKS,
                    1));
    assertEquals(
        List.of(
            "data.options.embed: 'shop' is not column:dimension with a dimension in [1, 1024]",
            "data.options.embed: 'colour' is also in data.options.categorical; expected each"
                + " column in one of them (embed for a learned embedding, categorical for"
                + " one-hot)",
            "data.options.embed: 'nope' is not a column of " + train,
            "data.options.embed: 'x:0' is not column:dimension with a dimension in [1, 1024]",
            "data.options.embed: 'shop' is listed twice"),
        e.errors());
    ConfigException label =
        assertThrows(
            ConfigException.class, () -> source.load(opts(train, train, "", "kind:2"), TASKS, 1));
    assertEquals(
        List.of(
            "data.options.embed: 'kind' is a label or ignored column, not a feature; expected a"
                + " categorical feature column"),
        label.errors());
  }

  @Test
  void badNumberNamesFileLineAndColumn() throws Exception {
    Path train = dir.resolve("bad.csv");
    Files.writeString(train, "x,kind,price\n1,a,2\n2,b,3\nseven,a,1\n");
    DataException e =
        assertThrows(DataException.class, () -> source.load(opts(train, train, ""), TASKS, 1));
    assertEquals(
        train
            + ":4, column 'x': 'seven' is not a finite number (declare the column in"
            + " data.options.categorical if it is a category)",
        e.getMessage());
  }

  @Test
  void wrongFieldCountNamesFileAndLine() throws Exception {
    Path train = dir.resolve("short.csv");
    Files.writeString(train, "x,kind,price\n1,a,2\n2,b\n");
    DataException e =
        assertThrows(DataException.class, () -> source.load(opts(train, train, ""), TASKS, 1));
    assertEquals(train + ":3: 2 fields, but the header has 3 columns", e.getMessage());
  }

  @Test
  void unknownLabelColumnsAndUnseenTestClassesAreReported() throws Exception {
    Path train = dir.resolve("t.csv");
    Files.writeString(train, "x,kind,cost\n1,a,2\n2,b,3\n");
    ConfigException e =
        assertThrows(
            ConfigException.class, () -> source.load(opts(train, train, "colour"), TASKS, 1));
    assertTrue(
        e.errors()
            .contains(
                "tasks[1].label: 'price' is not a column of " + train + "; columns: x, kind, cost"),
        e.errors().toString());
    assertTrue(
        e.errors().contains("data.options.categorical: 'colour' is not a column of " + train),
        e.errors().toString());
    Path train2 = dir.resolve("t2.csv");
    Files.writeString(train2, "x,kind,price\n1,a,2\n2,b,3\n");
    Path test2 = dir.resolve("t2test.csv");
    Files.writeString(test2, "x,kind,price\n1,c,2\n");
    DataException e2 =
        assertThrows(DataException.class, () -> source.load(opts(train2, test2, ""), TASKS, 1));
    assertEquals(
        test2
            + ":2, column 'kind': 'c' is not a class seen in training; expected one"
            + " of [a, b]",
        e2.getMessage());
  }

  @Test
  void theShippedExampleLoads() {
    Path csv = Path.of("..", "examples", "data", "customers.csv");
    Map<String, Object> m = new HashMap<>();
    m.put("path", csv.toString());
    m.put("categorical", "plan,region");
    m.put("ignore", "customer_id");
    Dataset d =
        source.load(
            Options.parse(m, source.options(), "data.options"),
            List.of(
                new TaskConfig("churn", TaskType.BINARY, "churned", 1, List.of("accuracy")),
                new TaskConfig(
                    "spend", TaskType.REGRESSION, "next_month_spend", 1, List.of("rmse"))),
            3);
    assertTrue(d.train().size() > d.test().size());
    float[] mask = d.train().examples().mask("spend");
    int missing = 0;
    for (float v : mask) {
      missing += v == 0 ? 1 : 0;
    }
    assertTrue(missing > 0, "the example has unlabelled spend cells");
  }

  @Test
  @SuppressWarnings("unchecked")
  void positiveNamesTheBinaryPositiveClassAndIdColumnsAreNoFeatures() throws Exception {
    Path train = dir.resolve("train.csv");
    Files.writeString(train, "id,x,buys,score\nr1,1,yes,1\nr2,2,no,0\nr3,3,no,1\n");
    Path test = dir.resolve("test.csv");
    Files.writeString(test, "id,x,buys,score\nr4,3,yes,0\n");
    Map<String, Object> m = new HashMap<>();
    m.put("path", train.toString());
    m.put("test_path", test.toString());
    m.put("id", "id");
    Options o = Options.parse(m, source.options(), "data.options");
    // the rule: the second of the two sorted values is positive (no < yes; 0 < 1)
    Dataset rule =
        source.load(
            o,
            List.of(
                new TaskConfig("buys", TaskType.BINARY, "buys", 1, List.of("auc")),
                new TaskConfig("score", TaskType.BINARY, "score", 1, List.of("auc"))),
            1);
    assertEquals(1, rule.inputSize(), "id is not a feature");
    assertArrayEquals(new float[] {1, 0, 0}, rule.train().examples().targets("buys"));
    assertEquals(List.of("id"), rule.preprocessing().get("id_columns"));
    // positive: 'no' makes 'no' output 1; a number matches by value (0.0 names the class 0)
    Dataset flipped =
        source.load(
            o,
            List.of(
                new TaskConfig("buys", TaskType.BINARY, "buys", 1, List.of("auc"), true, "no"),
                new TaskConfig("score", TaskType.BINARY, "score", 1, List.of("auc"), true, "0.0")),
            1);
    assertArrayEquals(new float[] {0, 1, 1}, flipped.train().examples().targets("buys"));
    assertArrayEquals(new float[] {0, 1, 0}, flipped.train().examples().targets("score"));
    Map<String, Object> labels = (Map<String, Object>) flipped.preprocessing().get("labels");
    assertEquals(List.of("yes", "no"), ((Map<String, Object>) labels.get("buys")).get("classes"));
    ConfigException e =
        assertThrows(
            ConfigException.class,
            () ->
                source.load(
                    o,
                    List.of(
                        new TaskConfig(
                            "buys", TaskType.BINARY, "buys", 1, List.of("auc"), true, "maybe")),
                    1));
    assertEquals(
        List.of(
            "tasks[0].positive: 'maybe' is not a label of this binary task; the training rows of "
                + train
                + " hold [no, yes]"),
        e.errors());
  }
}
