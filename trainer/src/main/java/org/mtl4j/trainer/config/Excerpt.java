package org.mtl4j.trainer.config;

/**
 * A user value as an error message shows it: at most {@link #MAX} characters, control and
 * non-printable characters escaped ({@code \n}, {@code \t}, {@code \u0000}), a longer value cut
 * with its length named, so that no message echoes a file's content or a huge value in full.
 */
public final class Excerpt {
  /** The most characters of a value a message shows. */
  public static final int MAX = 60;

  private Excerpt() {}

  /** {@code value} shortened and escaped; {@code null} reads {@code null}. */
  public static String of(String value) {
    if (value == null) {
      return "null";
    }
    StringBuilder sb = new StringBuilder();
    int n = Math.min(value.length(), MAX);
    for (int i = 0; i < n; i++) {
      char c = value.charAt(i);
      switch (c) {
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        case '\\' -> sb.append("\\\\");
        default -> {
          if (Character.isISOControl(c) || !Character.isDefined(c) || Character.isSurrogate(c)) {
            sb.append(String.format("\\u%04x", (int) c));
          } else {
            sb.append(c);
          }
        }
      }
    }
    if (value.length() > MAX) {
      sb.append("... (").append(value.length()).append(" characters)");
    }
    return sb.toString();
  }
}
