package dev.todoevents.service;

import dev.todoevents.contracts.Topic;
import java.time.Instant;
import java.util.Map;

/**
 * How often each event still being retried has failed here, and when: the attempts, first and last
 * failure time a retries-exhausted dead letter carries. Dapr redelivers a RETRY answer under the
 * resiliency policy but does not tell the app which attempt this is, so the app counts.
 *
 * <p>In memory and bounded (the 10,000 most recently failing events): a restart starts the count
 * again, which only delays the dead letter - Dapr keeps retrying under its own, longer policy and
 * forwards the bare message itself if the app never reaches its limit.
 */
final class FailedAttempts {

  static final int CAPACITY = 10_000;

  /** The failures of one event so far. */
  record Failures(int attempts, Instant first, Instant last, Exception lastError) {}

  private final Map<String, Failures> failing = Lru.map(CAPACITY);

  private static String key(Topic topic, String eventId) {
    return topic.topicName() + "|" + eventId;
  }

  /** Counts one more failed delivery of this event and returns its failures so far. */
  synchronized Failures failed(Topic topic, String eventId, Exception error) {
    Instant now = Instant.now();
    return failing.merge(
        key(topic, eventId),
        new Failures(1, now, now, error),
        (before, latest) -> new Failures(before.attempts() + 1, before.first(), now, error));
  }

  /** Failed deliveries of this event so far (0 if none, or if it was forgotten). */
  synchronized int attempts(Topic topic, String eventId) {
    Failures f = failing.get(key(topic, eventId));
    return f == null ? 0 : f.attempts();
  }

  /** The event succeeded or was dead-lettered: stop counting it. */
  synchronized void forget(Topic topic, String eventId) {
    failing.remove(key(topic, eventId));
  }
}
