package org.mtl4j.trainer.data;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Counting the rows whose category training never saw (predict warns with these counts). */
class CsvSchemaUnseenTest {
  @TempDir Path tmp;

  @Test
  void countsUnseenCategoriesPerColumn() throws Exception {
    CsvSchema schema =
        new CsvSchema(
            List.of(
                new CsvSchema.Column("age", false, 30, 5, List.of(), 0),
                new CsvSchema.Column("plan", true, 0, 1, List.of("basic", "premium"), 0),
                new CsvSchema.Column("region", true, 0, 1, List.of("north", "south"), 2)));
    Path csv = tmp.resolve("new.csv");
    Files.writeString(
        csv,
        "age,plan,region\n"
            + "31,basic,north\n"
            + "40,gold,north\n"
            + "22,gold,mars\n"
            + "50,platinum,south\n");
    Map<String, CsvSchema.Unseen> unseen = schema.unseenCategories(CsvTable.read(csv, ','));
    assertEquals(List.of("plan", "region"), List.copyOf(unseen.keySet()));
    assertEquals(new CsvSchema.Unseen(3, List.of("gold", "platinum")), unseen.get("plan"));
    assertEquals(new CsvSchema.Unseen(1, List.of("mars")), unseen.get("region"));
  }
}
