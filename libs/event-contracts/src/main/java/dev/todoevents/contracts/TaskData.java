package dev.todoevents.contracts;

import java.time.Instant;

/**
 * Snapshot of a task as carried by a {@link TaskEvent} (the state after the change).
 *
 * @param status pending, in_progress or completed
 * @param priority low, medium or high
 * @param recurrence none, daily, weekly, monthly or every_N_days (N from 1 to 365)
 */
public record TaskData(
    String title,
    String description,
    String status,
    String priority,
    Instant dueAt,
    Instant remindAt,
    String recurrence,
    Instant createdAt,
    Instant updatedAt,
    Instant completedAt) {

  public static final String PENDING = "pending";
  public static final String IN_PROGRESS = "in_progress";
  public static final String COMPLETED = "completed";

  /** Regular expressions shared by the API's validation and the JSON Schema. */
  public static final String STATUSES = "pending|in_progress|completed";
  public static final String PRIORITIES = "low|medium|high";
  public static final String RECURRENCES = "none|daily|weekly|monthly|every_([1-9]|[1-9][0-9]|[12][0-9][0-9]|3[0-5][0-9]|36[0-5])_days";
}
