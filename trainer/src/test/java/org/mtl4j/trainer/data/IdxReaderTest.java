package org.mtl4j.trainer.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdxReaderTest {
  @TempDir Path dir;

  @Test
  void readsGzippedAndPlainFiles() throws Exception {
    Path gz = dir.resolve("img.gz");
    Files.write(gz, IdxFixtures.gzip(IdxFixtures.images(3, 4)));
    IdxReader.Images im = IdxReader.readImages(gz);
    assertEquals(3, im.count());
    assertEquals(4, im.rows());
    assertEquals(48, im.pixels().length);
    assertEquals(7 + 5, im.pixels()[16 + 5]);
    Path plain = dir.resolve("lab");
    Files.write(plain, IdxFixtures.labels(12));
    assertEquals(2, IdxReader.readLabels(plain, 10)[12 - 10]);
  }

  @Test
  void truncatedFileNamesFileAndOffset() throws Exception {
    byte[] full = IdxFixtures.images(2, 4);
    Path f = dir.resolve("short");
    Files.write(f, Arrays.copyOf(full, 16 + 20));
    DataException e = assertThrows(DataException.class, () -> IdxReader.readImages(f));
    assertEquals(
        f + ": truncated: the header declares 32 data bytes from byte offset 16, the file holds 20",
        e.getMessage());
  }

  @Test
  void wrongMagicIsRejected() throws Exception {
    Path f = dir.resolve("labels-as-images");
    Files.write(f, IdxFixtures.labels(5));
    DataException e = assertThrows(DataException.class, () -> IdxReader.readImages(f));
    assertEquals(
        f
            + ": wrong magic number 0x00000801 at byte offset 0, expected 0x00000803"
            + " (unsigned bytes, 3 dimensions)",
        e.getMessage());
  }

  @Test
  void labelOutOfRangeNamesItemAndOffset() throws Exception {
    byte[] l = IdxFixtures.labels(5);
    l[8 + 3] = 12;
    Path f = dir.resolve("bad-labels");
    Files.write(f, l);
    DataException e = assertThrows(DataException.class, () -> IdxReader.readLabels(f, 10));
    assertEquals(f + ": label 12 of item 3 (byte offset 11) is not in [0, 9]", e.getMessage());
  }

  @Test
  void missingFileAndNotGzip() throws Exception {
    DataException e =
        assertThrows(DataException.class, () -> IdxReader.readImages(dir.resolve("none.gz")));
    assertEquals(dir.resolve("none.gz") + ": no such file", e.getMessage());
    Path f = dir.resolve("fake.gz");
    Files.write(f, IdxFixtures.images(1, 2));
    DataException e2 = assertThrows(DataException.class, () -> IdxReader.readImages(f));
    assertEquals(true, e2.getMessage().startsWith(f + ": not a gzip file"), e2.getMessage());
  }
}
