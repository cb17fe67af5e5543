package dev.todoevents.contracts;

/**
 * Input that can never be processed, however often it is retried (bad JSON, a schema violation): it
 * belongs in the dead-letter topic at once, with this message as context.
 */
public class PoisonEventException extends RuntimeException {
  public PoisonEventException(String message) {
    super(message);
  }

  public PoisonEventException(String message, Throwable cause) {
    super(message, cause);
  }
}
