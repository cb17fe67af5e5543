package dev.todoevents.runtime;

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
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;

/**
 * Creates the topics of {@link Topic} (and their dead-letter topics) with their retention and the
 * deployment's partition count ({@link #partitions()}); on an existing topic it re-applies the
 * retention, so an edited retention takes effect on the next start. It never adds partitions to an
 * existing topic: that moves keys to other partitions, so one user's events still in flight could
 * be handled out of order (docs/scaling.md, "Growing a live topic").
 */
public final class TopicAdmin {
  /**
   * Partitions of each source topic for the local run and the tests (docs/scaling.md gives the
   * rule).
   */
  public static final String PARTITIONS_ENV = "TODO_PARTITIONS";

  private TopicAdmin() {}

  /** {@value #PARTITIONS_ENV} from the environment, else {@link Topic#DEFAULT_PARTITIONS}. */
  public static int partitions() {
    return partitions(System.getenv(PARTITIONS_ENV));
  }

  static int partitions(String value) {
    if (value == null || value.isBlank()) {
      return Topic.DEFAULT_PARTITIONS;
    }
    try {
      int n = Integer.parseInt(value.trim());
      if (n >= 1) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below, with the variable's name
    }
    throw new IllegalArgumentException(
        PARTITIONS_ENV + " must be a whole number of at least 1, not '" + value + "'");
  }

  /** Every topic and DLQ, as Kafka NewTopic specs, with {@link #partitions()} per source topic. */
  public static List<NewTopic> specs() {
    return specs(partitions());
  }

  /** Every topic and DLQ, as Kafka NewTopic specs, with {@code partitions} per source topic. */
  public static List<NewTopic> specs(int partitions) {
    List<NewTopic> out = new ArrayList<>();
    for (Topic t : Topic.values()) {
      out.add(topic(t.topicName(), partitions, t.retention().toMillis()));
      out.add(topic(t.dlqName(), Topic.DLQ_PARTITIONS, Topic.DLQ_RETENTION.toMillis()));
    }
    return out;
  }

  /**
   * Creates the missing topics with {@link #partitions()} each ({@value #PARTITIONS_ENV}, default
   * 3).
   */
  public static void ensureTopics(String bootstrapServers) {
    ensureTopics(bootstrapServers, partitions());
  }

  /**
   * Creates the missing topics with {@code partitions} per source topic. An existing source topic
   * with fewer partitions is refused, not grown (see the class comment); one with more is kept.
   */
  public static void ensureTopics(String bootstrapServers, int partitions) {
    List<NewTopic> specs = specs(partitions);
    try (Admin admin = admin(bootstrapServers)) {
      Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
      List<NewTopic> missing = specs.stream().filter(s -> !existing.contains(s.name())).toList();
      if (!missing.isEmpty()) {
        admin.createTopics(missing).all().get(60, TimeUnit.SECONDS);
      }
      List<String> sources =
          specs.stream()
              .map(NewTopic::name)
              .filter(existing::contains)
              .filter(n -> !n.endsWith("-dlq"))
              .toList();
      if (!sources.isEmpty()) {
        Map<String, TopicDescription> described =
            admin.describeTopics(sources).allTopicNames().get(30, TimeUnit.SECONDS);
        for (TopicDescription d : described.values()) {
          if (d.partitions().size() < partitions) {
            throw new IllegalStateException(
                "topic "
                    + d.name()
                    + " exists with "
                    + d.partitions().size()
                    + " partitions, "
                    + partitions
                    + " asked ("
                    + PARTITIONS_ENV
                    + "). Partitions are not added here: drain its consumers "
                    + "(lag 0) and grow it by hand, or start from an empty data folder (docs/scaling.md).");
          }
        }
      }
      Map<ConfigResource, Collection<AlterConfigOp>> retention = new HashMap<>();
      for (NewTopic s : specs) {
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
