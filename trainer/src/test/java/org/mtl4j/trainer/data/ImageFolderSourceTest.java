package org.mtl4j.trainer.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mtl4j.api.nn.FeatureShape;
import org.mtl4j.api.task.TaskType;
import org.mtl4j.trainer.Mtl4j;
import org.mtl4j.trainer.config.ConfigReader;
import org.mtl4j.trainer.config.Mtl4jConfig;
import org.mtl4j.trainer.training.TrainingResult;

/**
 * The {@code image-folder} source on generated PNG and JPEG files: two tasks (where a bright block
 * is, which colour it has), a missing label masked, per-channel statistics of the training images,
 * a conv network that learns both tasks, predict on a folder, and errors that name the file.
 */
class ImageFolderSourceTest {
  @TempDir Path tmp;
  private final ConfigReader reader = new ConfigReader(Mtl4j.plugins());

  /** {@code n} images of w x h: a block on the left or right half, red or green; labels CSV. */
  private Path images(int n, int w, int h) throws IOException {
    Path dir = Files.createDirectories(tmp.resolve("img"));
    List<String> csv = new ArrayList<>();
    csv.add("file,side,color");
    java.util.Random rnd = new java.util.Random(1);
    for (int i = 0; i < n; i++) {
      boolean left = i % 2 == 0;
      boolean red = (i / 2) % 2 == 0;
      BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
      Graphics2D g = img.createGraphics();
      g.setColor(new Color(rnd.nextInt(40), rnd.nextInt(40), rnd.nextInt(40)));
      g.fillRect(0, 0, w, h);
      g.setColor(red ? new Color(230, 30, 30) : new Color(30, 230, 30));
      int x0 = left ? rnd.nextInt(w / 4) : w / 2 + rnd.nextInt(w / 4);
      g.fillRect(x0, rnd.nextInt(h / 2), w / 4, h / 2);
      g.dispose();
      String name = "im" + i + (i % 5 == 0 ? ".jpg" : ".png");
      ImageIO.write(img, i % 5 == 0 ? "jpg" : "png", dir.resolve(name).toFile());
      // image 3 has no colour label
      csv.add(name + "," + (left ? "left" : "right") + "," + (i == 3 ? "" : red ? "red" : "green"));
    }
    Files.write(tmp.resolve("labels.csv"), csv);
    return dir;
  }

  private Mtl4jConfig config(String options, String model) {
    String base = tmp.toString().replace("\\", "/");
    return reader.parse(
        """
        name: img
        backend: cpu
        seed: 2
        data:
          source: image-folder
          options: {dir: %s/img, labels: %s/labels.csv, size: 12, %s}
        tasks:
          - {name: side, type: binary}
          - {name: color, type: multiclass}
        model: %s
        optimizer: {name: adam, lr: 0.01}
        training: {epochs: 8, batch_size: 16, validation_split: 0}
        output: %s/runs
        """
            .formatted(base, base, options, model, base),
        "test",
        "img");
  }

  @Test
  void loadsResizesNormalisesAndMasksMissingLabels() throws IOException {
    images(40, 20, 16);
    Mtl4jConfig c = config("channels: rgb, test_split: 0.25", "{hidden: [8]}");
    Dataset d = Mtl4j.component(c, Datasets.class).load(c.data(), c.tasks(), c.seed());
    assertEquals(30, d.train().examples().size());
    assertEquals(10, d.test().examples().size());
    assertEquals(3 * 12 * 12, d.inputSize());
    assertEquals(new FeatureShape(3, 12, 12), d.inputLayout().image());
    // per-channel statistics of the training images: the normalised training pixels have mean 0
    // and standard deviation 1 in every channel
    float[] x = d.train().examples().features();
    for (int k = 0; k < 3; k++) {
      double s = 0;
      double q = 0;
      int count = 0;
      for (int i = 0; i < 30; i++) {
        for (int p = 0; p < 144; p++) {
          double v = x[i * 432 + k * 144 + p];
          s += v;
          q += v * v;
          count++;
        }
      }
      assertEquals(0, s / count, 1e-4, "channel " + k + " mean");
      assertEquals(1, Math.sqrt(q / count), 1e-3, "channel " + k + " std");
    }
    @SuppressWarnings("unchecked")
    Map<String, Object> stats = (Map<String, Object>) d.preprocessing().get("images");
    assertEquals(12, stats.get("size"));
    assertEquals("rgb", stats.get("color"));
    assertEquals(3, ((List<?>) stats.get("mean")).size());
    // image 3's colour label is missing: masked wherever it landed
    int masked = 0;
    for (Split s : List.of(d.train(), d.test())) {
      float[] m = s.examples().mask("color");
      for (float v : m) {
        masked += v == 0f ? 1 : 0;
      }
    }
    assertEquals(1, masked);
  }

  @Test
  void aConvNetworkLearnsBothTasksAndPredictsOnAFolder() throws IOException {
    images(80, 20, 16);
    Mtl4jConfig c =
        config(
            "channels: rgb, test_split: 0.25",
            "{trunk: [conv: {channels: 6, kernel: 3, padding: 1}, relu, pool: 2,"
                + " conv: {channels: 8, kernel: 3}, relu, gap]}");
    TrainingResult r = Mtl4j.trainer(c).train();
    double side = r.test().get("side").get("accuracy");
    double color = r.test().get("color").get("accuracy");
    assertTrue(side >= 0.9, "side accuracy " + side + " (chance 0.5)");
    assertTrue(color >= 0.9, "colour accuracy " + color + " (chance 0.5)");

    Path out = tmp.resolve("pred.csv");
    int n = Mtl4j.trainer(c).predict(r.runDir(), tmp.resolve("img"), out);
    assertEquals(80, n);
    List<String> lines = Files.readAllLines(out);
    assertEquals("file,side,side_p,color,color_p_green,color_p_red", lines.get(0));
    List<String> labels = Files.readAllLines(tmp.resolve("labels.csv"));
    Map<String, String> truth = new java.util.HashMap<>();
    for (String l : labels.subList(1, labels.size())) {
      truth.put(l.split(",")[0], l.split(",")[1]);
    }
    int correct = 0;
    for (String l : lines.subList(1, lines.size())) {
      String[] cells = l.split(",");
      correct += truth.get(cells[0]).equals(cells[1]) ? 1 : 0;
    }
    assertTrue(correct >= 72, correct + " of 80 sides predicted right");
  }

  @Test
  void passesTheDataSourceContract() throws IOException {
    Path dir = images(12, 10, 10);
    Dataset d =
        org.mtl4j.trainer.testing.DataSourceContract.check(
            new ImageFolderSource(),
            Map.of(
                "dir", dir.toString(), "labels", tmp.resolve("labels.csv").toString(), "size", 8),
            List.of(
                BuiltInSourcesContractTest.task("side", TaskType.BINARY, "side"),
                BuiltInSourcesContractTest.task("color", TaskType.MULTICLASS, "color")));
    assertEquals(3 * 64, d.inputSize());
  }

  @Test
  void gray_splitColumnAndErrorsNameTheFile() throws IOException {
    Path dir = images(12, 10, 10);
    List<String> csv = new ArrayList<>(Files.readAllLines(tmp.resolve("labels.csv")));
    csv.set(0, csv.get(0) + ",part");
    for (int i = 1; i < csv.size(); i++) {
      csv.set(i, csv.get(i) + (i <= 9 ? ",train" : ",test"));
    }
    Files.write(tmp.resolve("labels.csv"), csv);
    Mtl4jConfig c = config("channels: gray, split_column: part", "{hidden: [4]}");
    Dataset d = Mtl4j.component(c, Datasets.class).load(c.data(), c.tasks(), c.seed());
    assertEquals(9, d.train().examples().size());
    assertEquals(3, d.test().examples().size());
    assertEquals(new FeatureShape(1, 12, 12), d.inputLayout().image());

    Files.delete(dir.resolve("im4.png"));
    DataException missing =
        assertThrows(
            DataException.class,
            () -> Mtl4j.component(c, Datasets.class).load(c.data(), c.tasks(), c.seed()));
    assertTrue(
        missing.getMessage().contains("labels.csv:6")
            && missing.getMessage().contains("im4.png: no such image file"),
        missing.getMessage());
    Files.writeString(dir.resolve("im4.png"), "not a png");
    DataException corrupt =
        assertThrows(
            DataException.class,
            () -> Mtl4j.component(c, Datasets.class).load(c.data(), c.tasks(), c.seed()));
    assertTrue(
        corrupt.getMessage().contains("im4.png: not an image the JDK's ImageIO can read"),
        corrupt.getMessage());
  }
}
