package org.mtl4j.trainer.io;

/**
 * A user-supplied value as it may appear in a message: control and non-printable characters escaped
 * ({@code \n}, {@code \t}, {@code \u0000}), and at most {@link #MAX_CHARS} characters kept with the
 * length of the rest, so that a 100 MB value or a line of a system file is never echoed in full.
 */
public final class Excerpt {
  /** Characters of a value kept in a message. */
  public static final int MAX_CHARS = 80;

  private Excerpt() {}

  /** The value, escaped and truncated. */
  public static String of(CharSequence value) {
    if (value == null) {
      return "null";
    }
    int n = value.length();
    int keep = Math.min(n, MAX_CHARS);
    if (keep < n && Character.isHighSurrogate(value.charAt(keep - 1))) {
      keep--;
    }
    StringBuilder sb = new StringBuilder(keep + 32);
    for (int i = 0; i < keep; i++) {
      char c = value.charAt(i);
      switch (c) {
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        case '\\' -> sb.append("\\\\");
        default -> {
          if (Character.isISOControl(c)
              || Character.getType(c) == Character.FORMAT
              || (Character.isSurrogate(c) && !validPair(value, i))
              || c == '\u2028'
              || c == '\u2029') {
            sb.append(String.format("\\u%04x", (int) c));
          } else {
            sb.append(c);
          }
        }
      }
    }
    if (keep < n) {
      sb.append("... (").append(n).append(" characters)");
    }
    return sb.toString();
  }

  /** The value in single quotes, escaped and truncated. */
  public static String quoted(CharSequence value) {
    return "'" + of(value) + "'";
  }

  /**
   * A whole message made safe to print: control characters other than line breaks escaped, each
   * line cut at {@code 4 * MAX_CHARS} characters past its start and the message at 64 lines (a
   * safety net under the per-value excerpts).
   */
  public static String message(String message) {
    if (message == null) {
      return null;
    }
    StringBuilder sb = new StringBuilder(Math.min(message.length(), 8192));
    String[] lines = message.split("\n", -1);
    int maxLine = 8 * MAX_CHARS;
    for (int l = 0; l < lines.length; l++) {
      if (l == 64) {
        sb.append("\n... (").append(lines.length - 64).append(" more lines)");
        break;
      }
      if (l > 0) {
        sb.append('\n');
      }
      String line = lines[l];
      int n = line.length();
      int keep = Math.min(n, maxLine);
      for (int i = 0; i < keep; i++) {
        char c = line.charAt(i);
        if ((Character.isISOControl(c) && c != '\t') || Character.getType(c) == Character.FORMAT) {
          sb.append(String.format("\\u%04x", (int) c));
        } else {
          sb.append(c);
        }
      }
      if (keep < n) {
        sb.append("... (").append(n - keep).append(" more characters)");
      }
    }
    return sb.toString();
  }

  private static boolean validPair(CharSequence s, int i) {
    char c = s.charAt(i);
    if (Character.isHighSurrogate(c)) {
      return i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1));
    }
    return i > 0 && Character.isHighSurrogate(s.charAt(i - 1));
  }
}
