package dev.todoevents.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;

/**
 * Each e2e run gets a fresh folder under target/e2e-runs/ for its processes' data and logs, kept
 * after the run so a failure can be read (Kafka, daprd and app logs are all there).
 */
final class WorkDirs {
  private WorkDirs() {}

  static Path create(String name) {
    String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
    Path dir = Paths.get("target", "e2e-runs", name + "-" + stamp).toAbsolutePath();
    try {
      return Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
