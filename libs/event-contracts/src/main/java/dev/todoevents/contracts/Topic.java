package dev.todoevents.contracts;

import java.time.Duration;

/**
 * The topics of the system, with their retention and default partition counts. Every topic is keyed
 * by user_id, so one user's events stay in order (order is per partition, and a key always hashes
 * to the same partition while the count stays the same). The partition count is a deployment
 * parameter, not part of the contract: a deployment needs at least (instances of its largest
 * consumer) x (records in flight per instance), because Dapr's Kafka consumer hands one record at a
 * time per partition (docs/scaling.md). Locally TopicAdmin reads TODO_PARTITIONS; on Kubernetes
 * each overlay sets its KafkaTopics'. Dead-letter topics keep their records longer than any source
 * (14 days) so an operator can inspect and replay them; they get one partition because their volume
 * is low and their order carries no meaning.
 */
public enum Topic {
  TASK_EVENTS("task-events", Duration.ofDays(7)),
  REMINDERS("reminders", Duration.ofDays(1)),
  TASK_UPDATES("task-updates", Duration.ofHours(1));

  /**
   * Partitions of a source topic when the deployment sets none: up to three instances of a
   * consumer, a light local broker.
   */
  public static final int DEFAULT_PARTITIONS = 3;

  public static final int DLQ_PARTITIONS = 1;
  public static final Duration DLQ_RETENTION = Duration.ofDays(14);

  private final String topicName;
  private final Duration retention;

  Topic(String topicName, Duration retention) {
    this.topicName = topicName;
    this.retention = retention;
  }

  public String topicName() {
    return topicName;
  }

  public String dlqName() {
    return topicName + "-dlq";
  }

  public Duration retention() {
    return retention;
  }
}
