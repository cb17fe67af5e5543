package dev.todoevents.runtime;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The server behind the Dapr component named {@code pubsub}, for one test or one local run. Which
 * one is the switch {@code TODO_BROKER} (environment, or the system property {@code todo.broker}):
 * {@code kafka} (the default), {@code redis}, {@code rabbitmq} or {@code jetstream}. Each has its
 * component file in {@code components/brokers/<name>/}, which the sidecars load instead of Kafka's;
 * nothing else changes.
 */
public interface PubSubBroker extends AutoCloseable {

  /** The brokers the project has a component file for, the default first. */
  List<String> NAMES = List.of("kafka", "redis", "rabbitmq", "jetstream");

  /** kafka, redis, rabbitmq or jetstream. */
  String name();

  /** The environment the component file reads (its envRef values), for each sidecar. */
  Map<String, String> sidecarEnv();

  /**
   * Every message published to {@code topic} since this broker started, oldest first, as the
   * payloads Dapr wrote (CloudEvent JSON); reading does not take them from any consumer.
   */
  List<String> messages(String topic);

  @Override
  void close();

  /** The broker chosen by TODO_BROKER / -Dtodo.broker, kafka when unset. */
  static String selected() {
    String v = System.getProperty("todo.broker", System.getenv().getOrDefault("TODO_BROKER", ""));
    String name = v.isBlank() ? "kafka" : v.trim().toLowerCase(Locale.ROOT);
    if (!NAMES.contains(name)) {
      throw new IllegalArgumentException(
          "TODO_BROKER=" + v + " is not a broker with a component file; use one of " + NAMES);
    }
    return name;
  }

  /**
   * Starts broker {@code name} on free ports with its data in {@code dir} and creates what the
   * project's topics need there. For kafka, pass the node that already runs ({@code kafka}).
   */
  static PubSubBroker start(String name, Path dir, KafkaBroker kafka) {
    return switch (name) {
      case "kafka" -> new KafkaPubSub(kafka);
      case "redis" -> RedisServer.start(dir);
      case "rabbitmq" -> RabbitMqServer.start(dir);
      case "jetstream" -> NatsServer.start(dir);
      default -> throw new IllegalArgumentException("unknown broker " + name + "; one of " + NAMES);
    };
  }
}
