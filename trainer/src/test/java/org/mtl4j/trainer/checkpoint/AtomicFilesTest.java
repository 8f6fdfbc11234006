package org.mtl4j.trainer.checkpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFilesTest {
  @TempDir Path tmp;

  private List<String> names() throws IOException {
    try (Stream<Path> s = Files.list(tmp)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  void aFailedWriteLeavesTheOldFileAndNoTemporary() throws IOException {
    Path target = tmp.resolve("summary.json");
    Files.writeString(target, "old");
    IOException failure =
        assertThrows(
            IOException.class,
            () ->
                AtomicFiles.write(
                    target,
                    out -> {
                      out.write("half of the new con".getBytes(StandardCharsets.UTF_8));
                      throw new IOException("disk full");
                    }));
    assertEquals("disk full", failure.getMessage());
    assertEquals("old", Files.readString(target));
    assertEquals(List.of("summary.json"), names());
  }

  @Test
  void aWholeWriteReplacesTheFile() throws IOException {
    Path target = tmp.resolve("metrics.csv");
    Files.writeString(target, "old");
    AtomicFiles.write(target, "epoch,task\n".getBytes(StandardCharsets.UTF_8));
    assertEquals("epoch,task\n", Files.readString(target));
    AtomicFiles.write(tmp.resolve("sub").resolve("new.csv"), new byte[] {'x'});
    assertEquals("x", Files.readString(tmp.resolve("sub").resolve("new.csv")));
    assertEquals(List.of("metrics.csv", "sub"), names());
  }
}
