package dev.todoevents.runtime;

import java.util.List;
import java.util.Map;

/**
 * Kafka as the pubsub broker: the node the caller started (and stops) and its topics (TopicAdmin).
 */
final class KafkaPubSub implements PubSubBroker {
  private final KafkaBroker kafka;

  KafkaPubSub(KafkaBroker kafka) {
    this.kafka = kafka;
  }

  @Override
  public String name() {
    return "kafka";
  }

  @Override
  public Map<String, String> sidecarEnv() {
    return Map.of("TODO_KAFKA_BROKERS", kafka.bootstrapServers());
  }

  @Override
  public List<String> messages(String topic) {
    try {
      return KafkaRecords.readAll(kafka.bootstrapServers(), topic).stream()
          .map(r -> r.value().toString())
          .toList();
    } catch (Exception e) {
      throw new IllegalStateException("cannot read " + topic + " from Kafka: " + e, e);
    }
  }

  /** The node belongs to whoever started it. */
  @Override
  public void close() {}

  @Override
  public String toString() {
    return "kafka " + kafka.bootstrapServers();
  }
}
