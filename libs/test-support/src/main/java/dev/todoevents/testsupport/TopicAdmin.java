package dev.todoevents.testsupport;

import dev.todoevents.contracts.Topic;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;

/**
 * Creates the topics of {@link Topic} (and their dead-letter topics) with the partitions and
 * retention the architecture asks for; on an existing topic it re-applies the retention, so an
 * edited retention takes effect on the next start.
 */
public final class TopicAdmin {
  private TopicAdmin() {}

  /** Every topic and DLQ, as Kafka NewTopic specs. */
  public static List<NewTopic> specs() {
    List<NewTopic> out = new ArrayList<>();
    for (Topic t : Topic.values()) {
      out.add(topic(t.topicName(), Topic.PARTITIONS, t.retention().toMillis()));
      out.add(topic(t.dlqName(), Topic.DLQ_PARTITIONS, Topic.DLQ_RETENTION.toMillis()));
    }
    return out;
  }

  public static void ensureTopics(String bootstrapServers) {
    try (Admin admin = admin(bootstrapServers)) {
      Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
      List<NewTopic> missing = specs().stream().filter(s -> !existing.contains(s.name())).toList();
      if (!missing.isEmpty()) {
        admin.createTopics(missing).all().get(60, TimeUnit.SECONDS);
      }
      Map<ConfigResource, Collection<AlterConfigOp>> retention = new HashMap<>();
      for (NewTopic s : specs()) {
        if (existing.contains(s.name())) {
          retention.put(
              new ConfigResource(ConfigResource.Type.TOPIC, s.name()),
              List.of(
                  new AlterConfigOp(
                      new ConfigEntry(
                          TopicConfig.RETENTION_MS_CONFIG,
                          s.configs().get(TopicConfig.RETENTION_MS_CONFIG)),
                      AlterConfigOp.OpType.SET)));
        }
      }
      if (!retention.isEmpty()) {
        admin.incrementalAlterConfigs(retention).all().get(30, TimeUnit.SECONDS);
      }
    } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
      throw new IllegalStateException("cannot create topics on " + bootstrapServers + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  public static Admin admin(String bootstrapServers) {
    Properties p = new Properties();
    p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 15000);
    p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 30000);
    return Admin.create(p);
  }

  private static NewTopic topic(String name, int partitions, long retentionMs) {
    return new NewTopic(name, partitions, (short) 1)
        .configs(Map.of(TopicConfig.RETENTION_MS_CONFIG, Long.toString(retentionMs)));
  }
}
