package org.mtl4j.trainer.checkpoint;

import org.mtl4j.trainer.io.Excerpt;

/** A checkpoint that cannot be read: missing, corrupt, or not matching the model. */
public final class CheckpointException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public CheckpointException(String message) {
    super(Excerpt.message(message));
  }

  public CheckpointException(String message, Throwable cause) {
    super(Excerpt.message(message), cause);
  }
}
