package dev.todoevents.runtime;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * An Apicurio Registry (the distribution tools/bootstrap.sh --with-registry puts in
 * .runtime/apicurio) on free loopback ports, in memory, with BACKWARD as the global compatibility
 * rule: the schema registry of a test, reached through its Confluent-compatible API.
 */
public final class SchemaRegistryServer implements AutoCloseable {
  private final int port;
  private final ManagedProcess process;

  private SchemaRegistryServer(int port, ManagedProcess process) {
    this.port = port;
    this.process = process;
  }

  public static SchemaRegistryServer start(Path dir) {
    ProjectPaths.Apicurio install = ProjectPaths.apicurio();
    int port = Ports.free();
    int management = Ports.free();
    ManagedProcess p =
        ManagedProcess.startReady(
            "apicurio",
            List.of(
                install.java().toString(),
                "-Xmx256m",
                "-Dquarkus.http.host=127.0.0.1",
                "-Dquarkus.http.port=" + port,
                // health and metrics live on a port of their own (9000 unless told)
                "-Dquarkus.management.host=127.0.0.1",
                "-Dquarkus.management.port=" + management,
                "-Dapicurio.rules.global.compatibility=BACKWARD",
                "-jar",
                install.jar().toString()),
            Map.of(),
            dir,
            dir.resolve("apicurio.log"),
            "http://127.0.0.1:" + management + "/health/ready",
            Duration.ofSeconds(120));
    return new SchemaRegistryServer(port, p);
  }

  /** The Confluent-compatible API (what Kafka clients' serializers and tools/schemas.sh use). */
  public String confluentApi() {
    return "http://127.0.0.1:" + port + "/apis/ccompat/v7";
  }

  @Override
  public void close() {
    process.stop(Duration.ofSeconds(15));
  }
}
