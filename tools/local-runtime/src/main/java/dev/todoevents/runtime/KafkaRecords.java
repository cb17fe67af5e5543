package dev.todoevents.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

/** Reads what landed in a topic, straight from Kafka (no consumer group, nothing committed). */
public final class KafkaRecords {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** A record's value as JSON and the time Kafka stamped on it (producer's create time). */
  /**
   * One record: its value parsed as JSON, its timestamp, and where it sits (partition, offset,
   * key).
   */
  public record Received(
      JsonNode value, Instant timestamp, int partition, long offset, String key) {}

  private KafkaRecords() {}

  /** The first record of a one-partition topic, parsed as JSON. */
  public static JsonNode readOne(String bootstrapServers, String topic) throws Exception {
    List<Received> all = readAll(bootstrapServers, topic);
    if (all.isEmpty()) {
      throw new AssertionError("no record in " + topic);
    }
    return all.get(0).value();
  }

  /** Every record currently in the topic, all partitions, oldest first per partition. */
  public static List<Received> readAll(String bootstrapServers, String topic) throws Exception {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(p)) {
      List<TopicPartition> parts =
          consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
              .map(i -> new TopicPartition(topic, i.partition()))
              .toList();
      consumer.assign(parts);
      consumer.seekToBeginning(parts);
      Map<TopicPartition, Long> end = consumer.endOffsets(parts, Duration.ofSeconds(30));
      List<Received> out = new ArrayList<>();
      Instant deadline = Instant.now().plusSeconds(30);
      while (parts.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
        if (Instant.now().isAfter(deadline)) {
          throw new AssertionError("could not read " + topic + " to its end within 30 s");
        }
        for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
          out.add(
              new Received(
                  JSON.readTree(r.value()),
                  Instant.ofEpochMilli(r.timestamp()),
                  r.partition(),
                  r.offset(),
                  r.key()));
        }
      }
      return out;
    }
  }
}
