package org.mtl4j.trainer.data;

import org.mtl4j.trainer.io.Excerpt;

/**
 * Data that cannot be used: a missing or corrupt file, a bad CSV row, a failed download. The
 * message names the file and the position (byte offset, line and column) where possible.
 */
public final class DataException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public DataException(String message) {
    super(Excerpt.message(message));
  }

  public DataException(String message, Throwable cause) {
    super(Excerpt.message(message), cause);
  }
}
