package dev.todoevents.contracts;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;

/**
 * What a consumer writes to {@code {topic}-dlq} when it cannot process a message: the original
 * message untouched plus the error context an operator needs to decide on a replay.
 *
 * @param original the delivered CloudEvent as JSON when it parsed, else null
 * @param originalText the delivered body as text when it was not JSON, else null
 */
public record DeadLetter(
    String eventId,
    String sourceTopic,
    String subscriber,
    String error,
    String errorKind,
    Instant failedAt,
    JsonNode original,
    String originalText) {

  public static final String TYPE = "todo.deadletter";
  public static final String KIND_POISON = "poison";
}
