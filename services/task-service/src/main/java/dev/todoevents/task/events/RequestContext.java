package dev.todoevents.task.events;

/**
 * Causality of the request that produced an event: {@code correlationId} is shared by all that one
 * user request causes; {@code causationId} names the direct cause (the request or event); {@code
 * traceparent} is the caller's W3C trace context, if it sent one, so the trace continues through
 * the sidecar, the broker and every consumer.
 */
public record RequestContext(String correlationId, String causationId, String traceparent) {

  public RequestContext(String correlationId, String causationId) {
    this(correlationId, causationId, null);
  }
}
