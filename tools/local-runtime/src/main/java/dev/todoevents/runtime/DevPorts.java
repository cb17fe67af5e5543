package dev.todoevents.runtime;

import java.util.List;

/**
 * The fixed ports of the local run (tools/run.sh) other than the apps' and sidecars', which
 * dapr.yaml gives. Fixed so that curl, a browser and tools/prometheus/prometheus.yml find them;
 * tests use free ports instead. All below Linux's ephemeral range (32768-60999) except Sentry's,
 * which keep the Dapr CLI's defaults.
 */
public final class DevPorts {
  private DevPorts() {}

  public static final int KAFKA = 9092;
  public static final int KAFKA_CONTROLLER = 9093;
  public static final int PROMETHEUS = 9490;

  /**
   * Jaeger's: OTLP gRPC and HTTP (4317, 4318, where sidecars and apps send spans), the query API
   * (16686, gRPC 16685), its health check and its own metrics; the OpenTelemetry and Jaeger
   * defaults.
   */
  public static final JaegerServer.Listeners JAEGER =
      new JaegerServer.Listeners(4317, 4318, 16686, 16685, 13133, 8888);

  /** Dapr's certificate authority; the sidecars ask it for their mTLS certificates. */
  public static final int SENTRY = 50001;

  public static final int SENTRY_HEALTHZ = 50008;
  public static final int SENTRY_METRICS = 50009;

  /**
   * The project's kafka-exporter (tools/kafka-exporter.sh), which Prometheus scrapes if it runs.
   */
  public static final int KAFKA_EXPORTER = 9308;

  public static final int REDIS = 6379;
  public static final int RABBITMQ = 5672;
  public static final int RABBITMQ_DIST = 25672;
  public static final int RABBITMQ_EPMD = 4369;
  public static final int NATS = 4222;

  /** The ports the broker behind pubsub listens on. */
  public static List<Integer> broker(String broker) {
    return switch (broker) {
      case "redis" -> List.of(REDIS);
      case "rabbitmq" -> List.of(RABBITMQ, RABBITMQ_DIST, RABBITMQ_EPMD);
      case "jetstream" -> List.of(NATS);
      default -> List.of(KAFKA, KAFKA_CONTROLLER);
    };
  }

  /** Every infrastructure port a local run with {@code broker} listens on. */
  public static List<Integer> infra(String broker) {
    List<Integer> all = new java.util.ArrayList<>(broker(broker));
    all.addAll(JAEGER.all());
    all.addAll(List.of(PROMETHEUS, SENTRY, SENTRY_HEALTHZ, SENTRY_METRICS));
    return all;
  }
}
