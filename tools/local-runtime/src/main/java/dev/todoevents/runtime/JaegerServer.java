package dev.todoevents.runtime;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A Jaeger v2 server (built by tools/bootstrap.sh into .runtime/jaeger from tools/jaeger's Go
 * module, configured by tools/jaeger/config.yaml) on loopback ports with in-memory storage: the
 * OTLP trace backend of the sidecars and the apps. Traces are read through its query API.
 */
public final class JaegerServer implements AutoCloseable {

  /** Its listeners; config.yaml reads each from the environment, so all are always given. */
  public record Listeners(
      int otlpGrpc, int otlpHttp, int queryHttp, int queryGrpc, int health, int metrics) {

    static Listeners free() {
      return new Listeners(
          Ports.free(), Ports.free(), Ports.free(), Ports.free(), Ports.free(), Ports.free());
    }

    public List<Integer> all() {
      return List.of(otlpGrpc, otlpHttp, queryHttp, queryGrpc, health, metrics);
    }
  }

  private final Listeners ports;
  private final ManagedProcess process;

  private JaegerServer(Listeners ports, ManagedProcess process) {
    this.ports = ports;
    this.process = process;
  }

  public static JaegerServer start(Path dir) {
    return start(dir, Listeners.free());
  }

  /** On the given ports (the local run's: {@link DevPorts#JAEGER}). */
  public static JaegerServer start(Path dir, Listeners ports) {
    ManagedProcess p =
        ManagedProcess.startReady(
            "jaeger",
            List.of(
                ProjectPaths.jaeger().toString(),
                "--config",
                ProjectPaths.root().resolve("tools/jaeger/config.yaml").toString()),
            Map.of(
                "JAEGER_HOST", "127.0.0.1",
                "JAEGER_OTLP_GRPC_PORT", Integer.toString(ports.otlpGrpc()),
                "JAEGER_OTLP_HTTP_PORT", Integer.toString(ports.otlpHttp()),
                "JAEGER_QUERY_HTTP_PORT", Integer.toString(ports.queryHttp()),
                "JAEGER_QUERY_GRPC_PORT", Integer.toString(ports.queryGrpc()),
                "JAEGER_HEALTH_PORT", Integer.toString(ports.health()),
                "JAEGER_METRICS_PORT", Integer.toString(ports.metrics())),
            dir,
            dir.resolve("jaeger.log"),
            "http://127.0.0.1:" + ports.health() + "/status",
            Duration.ofSeconds(60));
    return new JaegerServer(ports, p);
  }

  /**
   * Where sidecars and apps send spans: the OTLP gRPC receiver as host:port, the form of Dapr's
   * {@code spec.tracing.otel.endpointAddress} and of TODO_OTLP_ENDPOINT.
   */
  public String otlpEndpoint() {
    return "127.0.0.1:" + ports.otlpGrpc();
  }

  /** The query API (HTTP). */
  public String baseUrl() {
    return "http://127.0.0.1:" + ports.queryHttp();
  }

  /**
   * One trace in the query API's JSON: {@code data[0].spans} and {@code data[0].processes} ("data"
   * empty while it has no spans).
   */
  public String trace(String traceId) {
    HttpResponse<String> r = HttpGet.send(baseUrl() + "/api/traces/" + traceId);
    return r.statusCode() == 404 ? "{\"data\":[]}" : r.body();
  }

  @Override
  public void close() {
    process.stop(Duration.ofSeconds(15));
  }
}
