package org.mtl4j.trainer.io;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Reads small text files (configs) within a byte limit and decodes them as strict UTF-8: at most
 * {@code limit + 1} bytes are ever read, so {@code /dev/zero} or a 50 MB file is refused after
 * reading the limit, and an undecodable byte is reported with its file, line and byte offset.
 */
public final class TextFiles {
  private TextFiles() {}

  /** Why a text file was refused; the message names the file. */
  public static final class TextFileException extends IOException {
    private static final long serialVersionUID = 1L;

    TextFileException(String message) {
      super(message);
    }
  }

  /**
   * The file's text (a leading byte-order mark dropped).
   *
   * @param limit the byte limit, named in the message when exceeded
   * @param lineLimit the line-length limit in characters
   */
  public static String read(Path file, InputLimit limit, InputLimit lineLimit) throws IOException {
    byte[] bytes;
    try (InputStream in = Files.newInputStream(file)) {
      bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, limit.value() + 1));
    }
    if (limit.exceededBy(bytes.length)) {
      throw new TextFileException(file + ": " + limit.exceeded(bytes.length - 1, true));
    }
    String text = decode(bytes, file.toString());
    checkLines(text, file.toString(), lineLimit);
    return text.startsWith("\uFEFF") ? text.substring(1) : text;
  }

  /** Strict UTF-8; a malformed or unmappable byte names the source, line and byte offset. */
  public static String decode(byte[] bytes, String source) throws TextFileException {
    CharsetDecoder d =
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    ByteBuffer in = ByteBuffer.wrap(bytes);
    CharBuffer out = CharBuffer.allocate(bytes.length);
    CoderResult r = d.decode(in, out, true);
    if (r.isError()) {
      throw new TextFileException(notUtf8(source, bytes, in.position()));
    }
    r = d.flush(out);
    if (r.isError()) {
      throw new TextFileException(notUtf8(source, bytes, in.position()));
    }
    return out.flip().toString();
  }

  /**
   * The message for an undecodable byte at {@code offset} of {@code bytes}: source, line, byte
   * offset and the byte, e.g. {@code cfg.yaml:3: not UTF-8: byte 0xE9 at byte offset 41}.
   */
  public static String notUtf8(String source, byte[] bytes, int offset) {
    int line = 1;
    for (int i = 0; i < offset && i < bytes.length; i++) {
      if (bytes[i] == '\n') {
        line++;
      }
    }
    String b =
        offset < bytes.length
            ? String.format(Locale.ROOT, "byte 0x%02X", bytes[offset] & 0xFF)
            : "an incomplete sequence";
    return notUtf8Message(source, line, b, offset);
  }

  /**
   * The message for the first undecodable byte of a file read as UTF-8 (found by decoding it again
   * in chunks, so only after a reader failed): file, line, byte offset and byte.
   */
  public static String locateMalformed(Path file) {
    CharsetDecoder d =
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    long line = 1;
    long offset = 0;
    ByteBuffer in = ByteBuffer.allocate(1 << 16);
    CharBuffer out = CharBuffer.allocate(1 << 16);
    try (InputStream s = Files.newInputStream(file)) {
      boolean end = false;
      while (!end) {
        int n = s.read(in.array(), in.position(), in.remaining());
        end = n < 0;
        if (n > 0) {
          in.position(in.position() + n);
        }
        in.flip();
        while (true) {
          int before = in.position();
          CoderResult r = d.decode(in, out, end);
          for (int i = before; i < in.position(); i++) {
            if (in.get(i) == '\n') {
              line++;
            }
          }
          offset += in.position() - before;
          out.clear();
          if (r.isError()) {
            String b = String.format(Locale.ROOT, "byte 0x%02X", in.get(in.position()) & 0xFF);
            return notUtf8Message(file.toString(), line, b, offset);
          }
          if (r.isUnderflow()) {
            break;
          }
        }
        in.compact();
      }
      if (d.flush(out).isError() || in.position() > 0) {
        return notUtf8Message(file.toString(), line, "an incomplete sequence", offset);
      }
    } catch (IOException e) {
      return file + ": cannot be read: " + e.getMessage();
    }
    return file + ": not UTF-8 text (the file's encoding is read as UTF-8)";
  }

  private static String notUtf8Message(String source, long line, String what, long offset) {
    return source
        + ":"
        + line
        + ": not UTF-8 text: "
        + what
        + " at byte offset "
        + offset
        + " (the file's encoding is read as UTF-8; convert it, e.g. iconv -f latin1 -t utf-8)";
  }

  /** Checks that every line is within {@code lineLimit} characters. */
  public static void checkLines(String text, String source, InputLimit lineLimit)
      throws TextFileException {
    int line = 1;
    int start = 0;
    for (int i = 0; i <= text.length(); i++) {
      if (i == text.length() || text.charAt(i) == '\n') {
        if (lineLimit.exceededBy(i - start)) {
          throw new TextFileException(source + ":" + line + ": " + lineLimit.exceeded(i - start));
        }
        line++;
        start = i + 1;
      }
    }
  }

  /** Whether the failure is a decoding failure (Java's own message is "Input length = 1"). */
  public static boolean isDecoding(IOException e) {
    return e instanceof CharacterCodingException;
  }
}
