package dev.todoevents.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.todoevents.contracts.DaprNames.AppIds;
import dev.todoevents.contracts.Topic;
import dev.todoevents.dlq.DlqTool;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

/**
 * Bytes that are not a CloudEvent, written straight to a topic with a Kafka producer (no Dapr in
 * between): the subscriber's sidecar cannot deliver them and puts them in the topic's DLQ at once,
 * for both delivery styles (audit-service: bulk; notification-service: one at a time). The
 * dead-letter tool names them. Prints how long each took.
 */
class GarbageToDeadLetterIT {

  @Test
  void garbageBytesLandInTheDeadLetterTopicWithinTwoSeconds() throws Exception {
    Stack.assumeKafka("writes raw bytes into a Kafka topic");
    Path work = WorkDirs.create("garbage-to-dlq");
    try (Stack stack = Stack.start(work, AppIds.AUDIT_SERVICE, AppIds.NOTIFICATION_SERVICE)) {
      String brokers = stack.kafka.bootstrapServers();
      Properties p = new Properties();
      p.put("bootstrap.servers", brokers);
      try (KafkaProducer<byte[], byte[]> producer =
          new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
        // The consumers' first records: wait until their groups are joined (a valid-looking
        // record would be processed; so the probe is the garbage itself, timed from its send).
        for (Topic topic : new Topic[] {Topic.TASK_EVENTS, Topic.REMINDERS}) {
          byte[] garbage =
              ("\u0000\u0001 not a cloud event {" + topic).getBytes(StandardCharsets.UTF_8);
          long sent = System.nanoTime();
          producer
              .send(
                  new ProducerRecord<>(
                      topic.topicName(), "mallory".getBytes(StandardCharsets.UTF_8), garbage))
              .get(30, TimeUnit.SECONDS);
          await(topic.dlqName())
              .atMost(Duration.ofSeconds(60))
              .pollInterval(Duration.ofMillis(50))
              .until(() -> SystemApi.recordCount(stack.kafka, topic.dlqName()) == 1);
          long ms = (System.nanoTime() - sent) / 1_000_000;
          System.out.printf(
              "[garbage] %s -> %s in %d ms%n", topic.topicName(), topic.dlqName(), ms);
        }
      }
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      assertThat(
              DlqTool.run(
                  new String[] {"list", "--brokers", brokers},
                  new PrintStream(out, true),
                  System.err))
          .isZero();
      String listed = out.toString(StandardCharsets.UTF_8);
      System.out.print(listed);
      assertThat(listed.lines().filter(l -> l.contains("not_a_cloudevent"))).hasSize(2);
    }
  }
}
