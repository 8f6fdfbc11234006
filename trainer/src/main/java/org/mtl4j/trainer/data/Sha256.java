package org.mtl4j.trainer.data;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.zip.GZIPInputStream;

/** SHA-256 digests of files and byte arrays, as lower-case hex. */
public final class Sha256 {
  private Sha256() {}

  public static MessageDigest digest() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no SHA-256", e);
    }
  }

  public static String of(byte[] data) {
    return HexFormat.of().formatHex(digest().digest(data));
  }

  public static String ofFile(Path file) throws IOException {
    return ofStream(Files.newInputStream(file));
  }

  /** The digest of a gzip file's decompressed content. */
  public static String ofGunzipped(Path file) throws IOException {
    return ofStream(new GZIPInputStream(Files.newInputStream(file), 1 << 16));
  }

  private static String ofStream(InputStream raw) throws IOException {
    MessageDigest md = digest();
    try (InputStream in = new DigestInputStream(raw, md)) {
      in.transferTo(OutputStreamNull.INSTANCE);
    }
    return HexFormat.of().formatHex(md.digest());
  }

  private static final class OutputStreamNull extends java.io.OutputStream {
    static final OutputStreamNull INSTANCE = new OutputStreamNull();

    @Override
    public void write(int b) {}

    @Override
    public void write(byte[] b, int off, int len) {}
  }
}
