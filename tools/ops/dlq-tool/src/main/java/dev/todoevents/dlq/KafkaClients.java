package dev.todoevents.dlq;

import java.time.Duration;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** The Kafka clients the operator tools make: bytes in, bytes out, nothing committed unasked. */
final class KafkaClients {

  static final Duration TIMEOUT = Duration.ofSeconds(30);

  private KafkaClients() {}

  /** The tools' {@code --brokers} option (picocli mixin): where Kafka is, one default for all. */
  static final class Brokers {
    @picocli.CommandLine.Option(
        names = "--brokers",
        paramLabel = "HOST:PORT",
        defaultValue = "${TODO_KAFKA_BROKERS:-127.0.0.1:9092}",
        description = "Kafka (default: $TODO_KAFKA_BROKERS, else 127.0.0.1:9092)")
    String brokers;
  }

  /**
   * @param group the consumer group whose offsets it commits, or null: assigned partitions only
   */
  static KafkaConsumer<byte[], byte[]> consumer(String brokers, String group) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, brokers);
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    if (group != null) {
      p.put(ConsumerConfig.GROUP_ID_CONFIG, group);
    }
    return new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
  }

  static KafkaProducer<byte[], byte[]> producer(String brokers) {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, brokers);
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    return new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
  }

  static Properties admin(String brokers) {
    Properties p = new Properties();
    p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, brokers);
    return p;
  }

  static List<TopicPartition> partitions(KafkaConsumer<?, ?> c, String topic) {
    List<PartitionInfo> infos = c.partitionsFor(topic, TIMEOUT);
    if (infos == null || infos.isEmpty()) {
      throw new IllegalArgumentException("no topic " + topic);
    }
    return infos.stream().map(p -> new TopicPartition(topic, p.partition())).toList();
  }
}
