package dev.todoevents.task.domain;

import java.util.UUID;

/** No task with this id (never created, or deleted). */
public class TaskNotFoundException extends RuntimeException {
  public TaskNotFoundException(UUID id) {
    super("task " + id + " not found");
  }
}
