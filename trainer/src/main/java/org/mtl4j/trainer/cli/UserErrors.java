package org.mtl4j.trainer.cli;

import org.mtl4j.api.options.OptionsException;
import org.mtl4j.trainer.checkpoint.CheckpointException;
import org.mtl4j.trainer.config.ConfigException;
import org.mtl4j.trainer.data.DataException;
import org.mtl4j.trainer.run.RunFolderException;
import org.mtl4j.trainer.training.ReportsNotWrittenException;
import org.mtl4j.trainer.training.TrainingDivergedException;

/** Which exceptions are the user's to fix (exit code 2, message only) rather than our bugs. */
final class UserErrors {
  private UserErrors() {}

  static boolean isUserError(Throwable t) {
    return t instanceof ConfigException
        || t instanceof OptionsException
        || t instanceof DataException
        || t instanceof CheckpointException
        || t instanceof TrainingDivergedException
        || t instanceof RunFolderException
        || t instanceof ReportsNotWrittenException
        || t instanceof UsageException;
  }

  /** A wrong command-line argument. */
  static final class UsageException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    UsageException(String message) {
      super(message);
    }
  }
}
