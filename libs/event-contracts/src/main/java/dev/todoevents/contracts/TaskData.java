package dev.todoevents.contracts;

import java.time.Instant;

/** Snapshot of a task as carried by a {@link TaskEvent} (the state after the change). */
public record TaskData(
    String title,
    String description,
    String status,
    Instant dueAt,
    Instant remindAt,
    String recurrence,
    Instant createdAt,
    Instant updatedAt,
    Instant completedAt) {}
