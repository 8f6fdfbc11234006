package org.mtl4j.trainer.data;

/**
 * Data that cannot be used: a missing or corrupt file, a bad CSV row, a failed download. The
 * message names the file and the position (byte offset, line and column) where possible.
 */
public final class DataException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public DataException(String message) {
    super(message);
  }

  public DataException(String message, Throwable cause) {
    super(message, cause);
  }
}
