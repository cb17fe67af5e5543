package dev.todoevents.contracts;

import java.time.Duration;

/**
 * The topics of the system, with the retention and partition counts that the bootstrap
 * creates them with. Every topic is keyed by user_id, so one user's events stay in order;
 * three partitions let up to three instances of a consumer share the load while a single
 * local broker stays light. Dead-letter topics keep their records longer than any source
 * (14 days) so an operator can inspect and replay them; they get one partition because
 * their volume is low and their order carries no meaning.
 */
public enum Topic {
  TASK_EVENTS("task-events", Duration.ofDays(7)),
  REMINDERS("reminders", Duration.ofDays(1)),
  TASK_UPDATES("task-updates", Duration.ofHours(1));

  public static final int PARTITIONS = 3;
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
