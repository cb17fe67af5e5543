package dev.todoevents.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.todoevents.contracts.Topic;
import dev.todoevents.exporter.KafkaExporter;
import dev.todoevents.runtime.KafkaBroker;
import dev.todoevents.runtime.TopicAdmin;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/**
 * The lag and DLQ-depth exporter against a real Kafka node: the figures it serves are the offsets
 * Kafka holds, and it says so (up 0) when Kafka is gone.
 */
class KafkaExporterIT {

  @Test
  void servesDlqDepthAndConsumerLagFromKafkaItself() throws Exception {
    Path work = WorkDirs.create("kafka-exporter");
    try (KafkaBroker kafka = KafkaBroker.start(work.resolve("kafka"))) {
      TopicAdmin.ensureTopics(kafka.bootstrapServers());
      String events = Topic.TASK_EVENTS.topicName();
      String dlq = Topic.TASK_EVENTS.dlqName();
      Properties p = new Properties();
      p.put("bootstrap.servers", kafka.bootstrapServers());
      try (KafkaProducer<String, String> producer =
          new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
        for (int i = 0; i < 10; i++) {
          producer
              .send(new ProducerRecord<>(events, 0, "u", "event " + i))
              .get(30, TimeUnit.SECONDS);
        }
        for (int i = 0; i < 3; i++) {
          producer.send(new ProducerRecord<>(dlq, "u", "letter " + i)).get(30, TimeUnit.SECONDS);
        }
      }
      // A consumer group that has processed 4 of the 10 (partition 0 holds them all).
      Properties c = new Properties();
      c.put("bootstrap.servers", kafka.bootstrapServers());
      c.put(ConsumerConfig.GROUP_ID_CONFIG, "audit-service");
      try (KafkaConsumer<String, String> consumer =
          new KafkaConsumer<>(c, new StringDeserializer(), new StringDeserializer())) {
        consumer.commitSync(
            Map.of(new TopicPartition(events, 0), new OffsetAndMetadata(4)),
            Duration.ofSeconds(30));
      }

      try (KafkaExporter exporter = KafkaExporter.start(kafka.bootstrapServers(), "127.0.0.1", 0)) {
        String metrics = Http.text("http://127.0.0.1:" + exporter.port() + "/metrics");
        System.out.println(
            "[exporter] "
                + String.join(
                    "\n[exporter] ", metrics.lines().filter(l -> !l.startsWith("#")).toList()));
        assertThat(metrics.lines())
            .contains(
                "todo_kafka_exporter_up 1",
                "todo_kafka_dlq_depth{source_topic=\"task-events\",topic=\"task-events-dlq\"} 3",
                "todo_kafka_dlq_depth{source_topic=\"reminders\",topic=\"reminders-dlq\"} 0",
                "todo_kafka_topic_messages{topic=\"task-events\"} 10",
                "todo_kafka_consumer_lag{group=\"audit-service\",topic=\"task-events\"} 6");

        kafka.stop();
        String down = Http.text("http://127.0.0.1:" + exporter.port() + "/metrics");
        assertThat(down.lines()).contains("todo_kafka_exporter_up 0");
        assertThat(List.of(down.split("\n")))
            .noneMatch(l -> l.startsWith("todo_kafka_consumer_lag"));
      }
    }
  }
}
