package dev.todoevents.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.todoevents.contracts.Topic;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.junit.jupiter.api.Test;

/**
 * The partition count is the deployment's (TODO_PARTITIONS, default 3), and on a real Kafka node an
 * existing topic is never grown behind the operator's back: that would move keys between
 * partitions.
 */
class TopicAdminTest {

  @Test
  void partitionsComeFromTheEnvironmentWithTheContractsDefault() {
    assertThat(TopicAdmin.partitions(null)).isEqualTo(Topic.DEFAULT_PARTITIONS).isEqualTo(3);
    assertThat(TopicAdmin.partitions(" ")).isEqualTo(3);
    assertThat(TopicAdmin.partitions("12")).isEqualTo(12);
    assertThatThrownBy(() -> TopicAdmin.partitions("0")).hasMessageContaining("TODO_PARTITIONS");
    assertThatThrownBy(() -> TopicAdmin.partitions("six"))
        .hasMessageContaining("TODO_PARTITIONS")
        .hasMessageContaining("six");
    assertThat(TopicAdmin.specs(5))
        .allSatisfy(
            s ->
                assertThat(s.numPartitions())
                    .isEqualTo(s.name().endsWith("-dlq") ? Topic.DLQ_PARTITIONS : 5));
  }

  @Test
  void createsTheAskedPartitionsAndRefusesToGrowAnExistingTopic() throws Exception {
    Path dir = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "kafka-");
    try (KafkaBroker kafka = KafkaBroker.start(dir)) {
      TopicAdmin.ensureTopics(kafka.bootstrapServers(), 4);
      assertThat(partitions(kafka))
          .containsEntry("task-events", 4)
          .containsEntry("task-events-dlq", 1)
          .containsEntry("reminders", 4)
          .containsEntry("task-updates", 4);

      // Fewer than there are: kept (Kafka cannot shrink a topic, and more partitions satisfy the
      // rule).
      TopicAdmin.ensureTopics(kafka.bootstrapServers(), 2);
      assertThat(partitions(kafka)).containsEntry("task-events", 4);

      assertThatThrownBy(() -> TopicAdmin.ensureTopics(kafka.bootstrapServers(), 6))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("exists with 4 partitions, 6 asked");
      assertThat(partitions(kafka)).containsEntry("task-events", 4);
    }
  }

  private static Map<String, Integer> partitions(KafkaBroker kafka) throws Exception {
    try (Admin admin = TopicAdmin.admin(kafka.bootstrapServers())) {
      List<String> names = TopicAdmin.specs(1).stream().map(s -> s.name()).toList();
      Map<String, TopicDescription> d =
          admin.describeTopics(names).allTopicNames().get(30, TimeUnit.SECONDS);
      return d.values().stream()
          .collect(
              java.util.stream.Collectors.toMap(
                  TopicDescription::name, t -> t.partitions().size()));
    }
  }
}
