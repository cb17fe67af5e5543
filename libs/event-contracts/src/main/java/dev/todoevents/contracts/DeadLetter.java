package dev.todoevents.contracts;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;

/**
 * What a consumer writes to {@code {topic}-dlq} when it gives up on a message: the original message
 * untouched plus the error context an operator needs to decide on a replay.
 *
 * <p>This is the app's layer of dead-lettering. Dapr's own layer (the subscription's
 * deadLetterTopic) forwards the original message alone, without any of these fields; it only
 * applies when the app could not write this record (unreachable, or no sidecar to publish with).
 *
 * @param error what went wrong, in words (the last failure's message)
 * @param errorKind {@link #KIND_POISON} or {@link #KIND_RETRIES_EXHAUSTED}
 * @param exception the last failure's exception class, null for a schema violation
 * @param attempts deliveries that failed (1 for poison, which is not retried)
 * @param firstFailedAt when the first delivery failed
 * @param failedAt when the last delivery failed
 * @param original the delivered CloudEvent as JSON when it parsed, else null
 * @param originalText the delivered body as text when it was not JSON, else null
 */
public record DeadLetter(
    String eventId,
    String sourceTopic,
    String subscriber,
    String error,
    String errorKind,
    String exception,
    int attempts,
    Instant firstFailedAt,
    Instant failedAt,
    JsonNode original,
    String originalText) {

  public static final String TYPE = "todo.deadletter";

  /**
   * Input no retry can fix (malformed, schema-invalid, refused by a downstream as invalid): at
   * once.
   */
  public static final String KIND_POISON = "poison";

  /** A handler failed on every delivery until the app's attempt limit: after the retries. */
  public static final String KIND_RETRIES_EXHAUSTED = "retries_exhausted";
}
