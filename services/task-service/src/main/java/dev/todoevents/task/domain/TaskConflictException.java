package dev.todoevents.task.domain;

import java.util.UUID;

/**
 * A 409: a create names an id that a task already has, and that task is not the one asked for
 * (another user's, or another series or occurrence); or a write lost the race for its task to other
 * writes more often than {@link ConcurrentChange} runs it again.
 */
public class TaskConflictException extends RuntimeException {
  public TaskConflictException(UUID id, String why) {
    super("task " + id + " exists and " + why);
  }
}
