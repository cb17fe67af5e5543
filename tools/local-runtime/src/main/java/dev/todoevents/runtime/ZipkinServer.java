package dev.todoevents.runtime;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A Zipkin server (the exec jar from Maven Central that tools/bootstrap.sh puts in .runtime/zipkin)
 * on a free loopback port with in-memory storage: the trace backend of the sidecars and the apps in
 * a test.
 */
public final class ZipkinServer implements AutoCloseable {
  private final int port;
  private final ManagedProcess process;

  private ZipkinServer(int port, ManagedProcess process) {
    this.port = port;
    this.process = process;
  }

  public static ZipkinServer start(Path dir) {
    return start(dir, Ports.free());
  }

  /** On the given port (the local run's: {@link DevPorts#ZIPKIN}). */
  public static ZipkinServer start(Path dir, int port) {
    ManagedProcess p =
        ManagedProcess.startReady(
            "zipkin",
            List.of(
                ProjectPaths.java().toString(),
                "-Xmx256m",
                "-jar",
                ProjectPaths.zipkinJar().toString()),
            Map.of(
                "QUERY_PORT",
                Integer.toString(port),
                "QUERY_BIND_ADDRESS",
                "127.0.0.1",
                "STORAGE_TYPE",
                "mem"),
            dir,
            dir.resolve("zipkin.log"),
            "http://127.0.0.1:" + port + "/health",
            Duration.ofSeconds(90));
    return new ZipkinServer(port, p);
  }

  /** Where sidecars and apps post spans (Zipkin v2 JSON). */
  public String spansEndpoint() {
    return "http://127.0.0.1:" + port + "/api/v2/spans";
  }

  public String baseUrl() {
    return "http://127.0.0.1:" + port;
  }

  /** The spans of one trace as Zipkin's JSON array ("[]" while it has none). */
  public String trace(String traceId) {
    HttpResponse<String> r = HttpGet.send(baseUrl() + "/api/v2/trace/" + traceId);
    return r.statusCode() == 404 ? "[]" : r.body();
  }

  @Override
  public void close() {
    process.stop(Duration.ofSeconds(15));
  }
}
