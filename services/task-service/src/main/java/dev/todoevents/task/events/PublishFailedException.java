package dev.todoevents.task.events;

/** The sidecar or the broker did not take an event; the change that caused it is rolled back. */
public class PublishFailedException extends RuntimeException {
  public PublishFailedException(String message, Throwable cause) {
    super(message, cause);
  }
}
