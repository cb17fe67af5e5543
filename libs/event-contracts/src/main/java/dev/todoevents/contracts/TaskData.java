package dev.todoevents.contracts;

import java.time.Instant;
import java.util.UUID;

/**
 * Snapshot of a task as carried by a {@link TaskEvent} (the state after the change).
 *
 * @param status pending, in_progress or completed
 * @param priority low, medium or high
 * @param recurrence none, daily, weekly, monthly or every_N_days (N from 1 to 365)
 * @param seriesId id of the first task of a recurring series (the task's own id if it is the first)
 * @param occurrence 1 for the first task of a series, then 2, 3, ...
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
    Instant completedAt,
    UUID seriesId,
    Integer occurrence) {

  public static final String PENDING = "pending";
  public static final String IN_PROGRESS = "in_progress";
  public static final String COMPLETED = "completed";

  /** Regular expressions shared by the API's validation and the JSON Schema. */
  public static final String STATUSES = "pending|in_progress|completed";
  public static final String PRIORITIES = "low|medium|high";
  public static final String RECURRENCES = "none|daily|weekly|monthly|every_([1-9]|[1-9][0-9]|[12][0-9][0-9]|3[0-5][0-9]|36[0-5])_days";
}
