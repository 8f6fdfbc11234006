package org.mtl4j.integration.support;

import java.nio.file.Path;
import org.mtl4j.trainer.run.RunFolder;

/**
 * A separate process that holds a run folder's lock, as a training would: prints {@code locked}
 * once it holds it, then waits until its standard input closes or it is killed.
 */
public final class LockHolder {
  private LockHolder() {}

  public static void main(String[] args) throws Exception {
    try (RunFolder f = RunFolder.open(Path.of(args[0]))) {
      System.out.println("locked");
      System.out.flush();
      while (System.in.read() >= 0) {
        // wait for the test to close our input
      }
    }
  }
}
