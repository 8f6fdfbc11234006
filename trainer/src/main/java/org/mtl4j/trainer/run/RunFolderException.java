package org.mtl4j.trainer.run;

/**
 * A run folder that cannot be used: an invalid name or output path, a folder another training
 * holds, a finished run that a new one would replace, or a folder that cannot be written. A user
 * error (exit code 2); the message names the folder and what to do.
 */
public final class RunFolderException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public RunFolderException(String message) {
    super(message);
  }

  public RunFolderException(String message, Throwable cause) {
    super(message, cause);
  }
}
