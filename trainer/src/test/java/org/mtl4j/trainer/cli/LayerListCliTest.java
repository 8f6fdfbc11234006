package org.mtl4j.trainer.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mtl4j.trainer.data.FashionMnistFiles;
import picocli.CommandLine;

/** A layer list that does not fit the data's images is a user error: exit 2, one message. */
class LayerListCliTest {
  @TempDir Path tmp;

  @Test
  void aTrunkThatDoesNotFitTheImagesExitsWithTwoNamingTheLayerAndTheShapes() throws Exception {
    Assumptions.assumeTrue(
        Files.isDirectory(FashionMnistFiles.DEBIAN_DIR), "needs Debian's dataset-fashion-mnist");
    Path cfg = tmp.resolve("deep.yaml");
    Files.writeString(
        cfg,
        """
        data: {source: multi-fashion, options: {train_size: 64, test_size: 16, download: false}}
        tasks: [{name: left, type: multiclass}, {name: right, type: multiclass}]
        model:
          trunk: [conv: {channels: 10, kernel: 5}, pool: 2, conv: {channels: 20, kernel: 5},
                  pool: 2, conv: {channels: 20, kernel: 5}, conv: {channels: 20, kernel: 5},
                  flatten]
        output: %s
        """
            .formatted(tmp.toString().replace("\\", "/")));
    StringWriter err = new StringWriter();
    CommandLine cl = Main.commandLine();
    cl.setErr(new PrintWriter(err, true));
    assertEquals(2, cl.execute("train", "-c", cfg.toString(), "--epochs", "0", "-q"));
    assertEquals(
        "mtl4j: model.trunk[5] (conv 5x5 -> 20): does not fit its input 20x2x2 (the data's input"
            + " is 1x36x36): the kernel spans 5x5 but the input 20x2x2 padded by 0 is only 2x2\n",
        err.toString().replace("\r", ""));
    assertFalse(err.toString().contains("\tat "));
  }
}
