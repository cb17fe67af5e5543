package dev.todoevents.task.domain;

import java.util.UUID;

/**
 * What creating a task needs: its fields, and optionally the id and series position a caller chose
 * (recurring-task-service names each next occurrence deterministically).
 */
public record NewTask(UUID id, UUID seriesId, Integer occurrence, TaskChanges fields) {}
