package dev.todoevents.task.domain;

import java.time.Instant;

/** The fields a caller may set on a task; null means "leave as it is" on update. */
public record TaskChanges(
    String title,
    String description,
    String status,
    String priority,
    Instant dueAt,
    Instant remindAt,
    String recurrence) {}
