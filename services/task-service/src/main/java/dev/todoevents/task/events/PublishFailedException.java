package dev.todoevents.task.events;

/** The sidecar or the broker did not take an event; it stays in the outbox for the next pass. */
public class PublishFailedException extends RuntimeException {
  public PublishFailedException(String message, Throwable cause) {
    super(message, cause);
  }
}
