package dev.todoevents.task;

import dev.todoevents.runtime.PostgresServer;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** Starts a real PostgreSQL server (Debian's package) for the test and stops it afterwards. */
public class PostgresResource implements QuarkusTestResourceLifecycleManager {

  private PostgresServer server;
  private Path dir;

  @Override
  public Map<String, String> start() {
    try {
      dir = Files.createTempDirectory("task-service-pg");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    server = PostgresServer.start(dir);
    return Map.of(
        "quarkus.datasource.jdbc.url",
        server.jdbcUrl(),
        "quarkus.datasource.username",
        PostgresServer.USER,
        "quarkus.datasource.password",
        "unused");
  }

  @Override
  public void stop() {
    if (server != null) {
      server.close();
    }
    if (dir != null) {
      try (var files = Files.walk(dir)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      } catch (IOException ignored) {
        // best effort: the temp folder only holds throwaway data
      }
    }
  }
}
