package org.mtl4j.trainer.data;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;

/** Small synthetic IDX files for tests: each image's pixels encode its index and label. */
public final class IdxFixtures {
  private IdxFixtures() {}

  public static byte[] images(int n, int side) {
    ByteBuffer b = ByteBuffer.allocate(16 + n * side * side);
    b.putInt(0x0803).putInt(n).putInt(side).putInt(side);
    for (int i = 0; i < n; i++) {
      for (int p = 0; p < side * side; p++) {
        b.put((byte) ((i * 7 + p) % 251));
      }
    }
    return b.array();
  }

  /** Labels {@code i % 10}. */
  public static byte[] labels(int n) {
    ByteBuffer b = ByteBuffer.allocate(8 + n);
    b.putInt(0x0801).putInt(n);
    for (int i = 0; i < n; i++) {
      b.put((byte) (i % 10));
    }
    return b.array();
  }

  public static byte[] gzip(byte[] raw) throws IOException {
    ByteArrayOutputStream bos = new ByteArrayOutputStream();
    try (OutputStream out = new GZIPOutputStream(bos)) {
      out.write(raw);
    }
    return bos.toByteArray();
  }

  /** Writes the four Fashion-MNIST files with {@code train} and {@code test} 28x28 images. */
  public static void writeFashion(Path dir, int train, int test) throws IOException {
    Files.createDirectories(dir);
    Files.write(dir.resolve(FashionMnistFiles.TRAIN_IMAGES), gzip(images(train, 28)));
    Files.write(dir.resolve(FashionMnistFiles.TRAIN_LABELS), gzip(labels(train)));
    Files.write(dir.resolve(FashionMnistFiles.TEST_IMAGES), gzip(images(test, 28)));
    Files.write(dir.resolve(FashionMnistFiles.TEST_LABELS), gzip(labels(test)));
  }
}
