package dev.todoevents.runtime;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A real daprd sidecar for one app, on free ports, loading the project's own components/,
 * subscriptions/ and resiliency/ folders and the app's Dapr Configuration, with the flags dapr.yaml
 * gives `dapr run -f .` (no app health check: see the note there), and mTLS with an identity from a
 * {@link Sentry}, as the dapr CLI does for a Configuration with mtls enabled.
 */
public final class Daprd implements AutoCloseable {

  private final String appId;
  private final int httpPort;
  private final int grpcPort;
  private final int metricsPort;
  private final List<String> command;
  private final Map<String, String> env;
  private final Path workDir;

  /**
   * What the app shows the sidecar (DAPR_API_TOKEN) and the sidecar shows the app (APP_API_TOKEN).
   */
  private final String apiToken = java.util.UUID.randomUUID().toString();

  private final String appToken = java.util.UUID.randomUUID().toString();
  private ManagedProcess process;

  private Daprd(
      String appId,
      int httpPort,
      int grpcPort,
      int metricsPort,
      List<String> command,
      Map<String, String> env,
      Path workDir) {
    this.appId = appId;
    this.httpPort = httpPort;
    this.grpcPort = grpcPort;
    this.metricsPort = metricsPort;
    this.command = List.copyOf(command);
    Map<String, String> all = new java.util.HashMap<>(env);
    all.put("DAPR_API_TOKEN", apiToken);
    all.put("APP_API_TOKEN", appToken);
    this.env = Map.copyOf(all);
    this.workDir = workDir;
  }

  /**
   * Starts the sidecar and waits until its outbound side (components loaded) is ready; the app
   * itself may come up later.
   *
   * @param env environment for the component YAML's envRef values (e.g. KAFKA_BROKERS)
   * @param sentry the certificate authority that gives this sidecar its mTLS identity
   * @param broker whose pubsub component to load ({@link PubSubBroker#NAMES})
   */
  public static Daprd start(
      String appId,
      int appPort,
      Path workDir,
      Map<String, String> env,
      Sentry sentry,
      String broker) {
    return start(
        appId, appPort, workDir, env, sentry, List.of(ProjectPaths.resourcesPaths(broker)));
  }

  /**
   * Like the one above, with the given resources folders (e.g. a copy of subscriptions/ with a
   * setting changed) and the app's own Configuration, as {@code env}'s OTLP endpoint says.
   */
  public static Daprd start(
      String appId,
      int appPort,
      Path workDir,
      Map<String, String> env,
      Sentry sentry,
      List<Path> resources) {
    return start(
        appId,
        appPort,
        workDir,
        env,
        sentry,
        resources,
        configFor(appId, workDir, env.get(OTLP_ENDPOINT)));
  }

  /**
   * A sidecar with the given resources folders and Configuration file (e.g. the benchmark's own),
   * without mTLS when {@code sentry} is null.
   */
  public static Daprd start(
      String appId,
      int appPort,
      Path workDir,
      Map<String, String> env,
      Sentry sentry,
      List<Path> resources,
      Path config) {
    return start(appId, appPort, "http", workDir, env, sentry, resources, config);
  }

  /** Like the one above, with the protocol the sidecar speaks to its app: http or grpc. */
  public static Daprd start(
      String appId,
      int appPort,
      String appProtocol,
      Path workDir,
      Map<String, String> env,
      Sentry sentry,
      List<Path> resources,
      Path config) {
    return start(
        appId,
        appPort,
        appProtocol,
        workDir,
        env,
        sentry,
        resources,
        config,
        Ports.free(),
        Ports.free(),
        Ports.free());
  }

  /** On the given HTTP, gRPC and metrics ports (the local run's, from dapr.yaml). */
  public static Daprd start(
      String appId,
      int appPort,
      String appProtocol,
      Path workDir,
      Map<String, String> env,
      Sentry sentry,
      List<Path> resources,
      Path config,
      int http,
      int grpc,
      int metrics) {
    int internal = Ports.free();
    List<String> cmd = new ArrayList<>();
    cmd.addAll(
        List.of(
            ProjectPaths.daprd().toString(),
            "--app-id",
            appId,
            "--app-port",
            Integer.toString(appPort),
            "--app-protocol",
            appProtocol,
            "--dapr-http-port",
            Integer.toString(http),
            "--dapr-grpc-port",
            Integer.toString(grpc),
            "--dapr-internal-grpc-port",
            Integer.toString(internal),
            "--dapr-listen-addresses",
            "127.0.0.1",
            "--metrics-port",
            Integer.toString(metrics),
            "--config",
            config.toString(),
            "--placement-host-address",
            "",
            "--scheduler-host-address",
            "",
            "--log-level",
            "info"));
    if (Boolean.parseBoolean(System.getenv("TODO_LOG_JSON"))) {
      cmd.add("--log-as-json"); // as the apps then log (their TODO_LOG_JSON)
    }
    for (Path p : resources) {
      cmd.add("--resources-path");
      cmd.add(p.toString());
    }
    Map<String, String> all = new java.util.HashMap<>(env);
    if (sentry != null) {
      cmd.addAll(sentry.sidecarArgs());
      all.putAll(sentry.sidecarEnv());
    }
    Daprd daprd = new Daprd(appId, http, grpc, metrics, cmd, all, workDir);
    daprd.launch();
    return daprd;
  }

  /**
   * Environment key: the OTLP gRPC receiver (host:port) this sidecar's and its app's spans go to
   * ({@link JaegerServer#otlpEndpoint()}); the apps read it in service-support's
   * microprofile-config.properties. Without it neither exports (a test must not send spans to the
   * Jaeger that tools/run.sh may run on the dev ports).
   */
  public static final String OTLP_ENDPOINT = "TODO_OTLP_ENDPOINT";

  /** A copy of the app's Configuration in workDir, with the OTLP endpoint set or removed. */
  private static Path configFor(String appId, Path workDir, String otlpEndpoint) {
    try {
      String yaml = Files.readString(ProjectPaths.daprConfig(appId));
      String local = "endpointAddress: \"127.0.0.1:" + DevPorts.JAEGER.otlpGrpc() + "\"";
      if (!yaml.contains(local)) {
        throw new IllegalStateException(
            ProjectPaths.daprConfig(appId) + " has no otel " + local + " (the dev Jaeger's)");
      }
      yaml =
          otlpEndpoint != null
              ? yaml.replace(local, "endpointAddress: \"" + otlpEndpoint + "\"")
              : yaml.replaceAll("(?m)^    otel:\\n(      .*\\n)+", "");
      Files.createDirectories(workDir);
      Path copy = workDir.resolve("dapr-config-" + appId + ".yaml");
      Files.writeString(copy, yaml);
      return copy;
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private void launch() {
    String name = "daprd-" + appId;
    Path log = workDir.resolve(name + ".log");
    ManagedProcess p =
        Containers.enabled()
            // The system's folder (the parent) holds what the sidecars share: the state store's
            // file and the notifications folder (SystemEnv).
            ? Containers.start(
                name,
                "daprd",
                Stream.concat(Stream.of("/daprd"), command.stream().skip(1)).toList(),
                env,
                List.of(workDir),
                List.of(workDir.getParent()),
                workDir,
                log)
            : ManagedProcess.start(name, command, env, workDir, log);
    try {
      process =
          p.awaitHttp(
              "http://127.0.0.1:" + httpPort + "/v1.0/healthz/outbound", Duration.ofSeconds(60));
    } catch (RuntimeException e) {
      p.close();
      throw e;
    }
  }

  /** SIGKILL, as when the sidecar dies. */
  public void kill() {
    process.kill();
  }

  /** Starts it again on the same ports (after {@link #kill()}), so its app finds it again. */
  public void restart() {
    if (process.isAlive()) {
      throw new IllegalStateException("daprd-" + appId + " is still running");
    }
    launch();
  }

  public String appId() {
    return appId;
  }

  public int httpPort() {
    return httpPort;
  }

  public int grpcPort() {
    return grpcPort;
  }

  public int metricsPort() {
    return metricsPort;
  }

  public ManagedProcess process() {
    return process;
  }

  /**
   * Environment that tells an app where its sidecar is (what `dapr run` sets) and the two tokens:
   * the sidecar refuses API calls without DAPR_API_TOKEN, the app refuses Dapr's calls (event
   * deliveries, bindings) without APP_API_TOKEN.
   */
  public Map<String, String> appEnv() {
    return Map.of(
        "DAPR_HTTP_PORT", Integer.toString(httpPort),
        "DAPR_GRPC_PORT", Integer.toString(grpcPort),
        "APP_ID", appId,
        "DAPR_API_TOKEN", apiToken,
        "APP_API_TOKEN", appToken);
  }

  /** The token a caller of this sidecar's API must send as dapr-api-token. */
  public String apiToken() {
    return apiToken;
  }

  /** The token this sidecar sends its app as dapr-api-token. */
  public String appToken() {
    return appToken;
  }

  @Override
  public void close() {
    process.stop(Duration.ofSeconds(15));
  }
}
