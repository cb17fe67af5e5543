package dev.todoevents.service;

import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.Map;

/**
 * Answers to Dapr's pub/sub delivery: SUCCESS acknowledges (also for skipped or dead-lettered
 * messages), RETRY asks Dapr to redeliver under the resiliency policy and, once that is spent, to
 * move the message to the subscription's deadLetterTopic.
 */
public final class SubscriberResult {
  private SubscriberResult() {}

  public static Response success() {
    return Response.ok(Map.of("status", "SUCCESS"), MediaType.APPLICATION_JSON).build();
  }

  public static Response retry() {
    // A non-2xx status makes Dapr retry regardless of how it reads the body.
    return Response.status(500)
        .type(MediaType.APPLICATION_JSON)
        .entity(Map.of("status", "RETRY"))
        .build();
  }
}
