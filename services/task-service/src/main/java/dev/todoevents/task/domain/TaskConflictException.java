package dev.todoevents.task.domain;

import java.util.UUID;

/** A create names an id that another user's task already has. */
public class TaskConflictException extends RuntimeException {
  public TaskConflictException(UUID id) {
    super("task " + id + " exists and belongs to another user");
  }
}
