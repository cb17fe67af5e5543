package dev.todoevents.task.events;

/**
 * Causality of the request that produced an event: {@code correlationId} is shared by all
 * that one user request causes; {@code causationId} names the direct cause (the request).
 */
public record RequestContext(String correlationId, String causationId) {}
