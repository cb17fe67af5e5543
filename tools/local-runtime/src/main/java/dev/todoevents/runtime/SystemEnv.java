package dev.todoevents.runtime;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * The environment the system's processes get on this machine: what the component YAML's envRef
 * values name (for every sidecar) and what each app needs besides its sidecar's {@link
 * Daprd#appEnv()}. Used by {@link LocalSystem} (the tests, tools/run.sh, the benchmark).
 */
public final class SystemEnv {

  private SystemEnv() {}

  /**
   * @param work the folder of this run (the state store's SQLite file, the notifications)
   * @param kafka the Kafka node; null when another broker replaces it (no component reads Kafka
   *     then)
   * @param otlpEndpoint the OTLP receiver (host:port) for the sidecars' traces; null: none exported
   */
  public static Map<String, String> sidecars(
      Path work, KafkaBroker kafka, PubSubBroker pubsub, String otlpEndpoint) {
    return sidecars(
        work,
        kafka,
        pubsub,
        otlpEndpoint,
        ProjectPaths.root().resolve("tools/dapr/secrets.example.json"));
  }

  /**
   * @param secrets the local.file secret store's file (the local run: tools/dapr/secrets.json)
   */
  public static Map<String, String> sidecars(
      Path work, KafkaBroker kafka, PubSubBroker pubsub, String otlpEndpoint, Path secrets) {
    Map<String, String> env = new HashMap<>(pubsub.sidecarEnv());
    if (kafka != null) {
      env.put("TODO_KAFKA_BROKERS", kafka.bootstrapServers());
    }
    env.put("TODO_STATE_DB", work.resolve("dapr-state.db").toString());
    env.put("TODO_SECRETS_FILE", secrets.toString());
    env.put("TODO_NOTIFICATIONS_DIR", notificationsDir(work).toString());
    if (otlpEndpoint != null) {
      env.put(Daprd.OTLP_ENDPOINT, otlpEndpoint);
    }
    return env;
  }

  /**
   * @param dir the app's own folder (its H2 files)
   * @param otlpEndpoint where the app exports its traces; null: tracing off
   */
  public static Map<String, String> app(Daprd sidecar, Path dir, String otlpEndpoint) {
    // Each app keeps its H2 files in its own folder (TODO_DATA_DIR in application.properties).
    return app(sidecar, dir.resolve("data"), otlpEndpoint, DevIssuer.shared());
  }

  /**
   * @param dataDir TODO_DATA_DIR, where the app's H2 files are (named after the app)
   * @param issuer the dev issuer whose tokens the app accepts
   */
  public static Map<String, String> app(
      Daprd sidecar, Path dataDir, String otlpEndpoint, DevIssuer issuer) {
    Map<String, String> env = new HashMap<>(sidecar.appEnv());
    env.put("TODO_DATA_DIR", dataDir.toString());
    // Bearer tokens of the users are signed by the dev issuer.
    env.put("MP_JWT_VERIFY_PUBLICKEY_LOCATION", issuer.publicKeyFile().toString());
    if (otlpEndpoint != null) {
      env.put(Daprd.OTLP_ENDPOINT, otlpEndpoint);
    } else {
      env.put("TODO_TRACING_OFF", "true");
    }
    return env;
  }

  /** Where the notification-outbox binding writes (one file per notification). */
  public static Path notificationsDir(Path work) {
    return work.resolve("notifications");
  }
}
