package dev.todoevents.service;

import dev.todoevents.contracts.DaprNames;
import dev.todoevents.contracts.Topic;
import io.dapr.client.DaprClient;
import io.dapr.client.domain.State;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collections;
import java.util.Map;
import java.util.Set;
import org.jboss.logging.Logger;

/**
 * Which events this app has already processed, by event_id, so a redelivered event (Kafka and Dapr
 * deliver at least once) is acknowledged without being processed again.
 *
 * <p>Durable and shared: a marker per event in the Dapr state store ({@code statestore}, whose keys
 * Dapr prefixes with the app-id, so all instances of one app share them and different apps do not),
 * kept for the source topic's retention plus a day (the state store's TTL) - longer than Kafka can
 * redeliver it. In front of it a bounded in-memory set of the last 10,000 event_ids answers most
 * duplicates without a call.
 *
 * <p>Order: the effect first, the marker after it ({@link #markProcessed}). A crash between the two
 * leaves no marker, so the event is delivered and processed again - and every handler's effect is
 * itself idempotent by event_id (audit: a unique constraint; recurring: the next occurrence's id is
 * derived from the series; notification: the delivery record and the output file are keyed by
 * event_id), so the second run changes nothing. Marking first would turn the same crash into a lost
 * effect. So the effect can neither be lost nor doubled.
 *
 * <p>Mode {@code todo.events.dedupe}: {@code state-store} (default), {@code memory} (this instance
 * only: realtime-service, whose instances must each forward every update, and unit tests, which
 * have no sidecar), {@code off}.
 */
@ApplicationScoped
public class ProcessedEvents {

  private static final Logger LOG = Logger.getLogger(ProcessedEvents.class);
  static final int CACHE_SIZE = 10_000;
  private static final Duration TIMEOUT = Duration.ofSeconds(5);
  private static final byte[] MARK = "1".getBytes(StandardCharsets.UTF_8);

  private final DaprClient dapr;
  private final TodoConfig.Dedupe mode;
  private final MeterRegistry metrics;
  private final Set<String> recent =
      Collections.synchronizedSet(Collections.newSetFromMap(Lru.map(CACHE_SIZE)));

  @Inject
  public ProcessedEvents(DaprClient dapr, TodoConfig.Events config, MeterRegistry metrics) {
    this(dapr, config.dedupe(), metrics);
  }

  ProcessedEvents(DaprClient dapr, TodoConfig.Dedupe mode, MeterRegistry metrics) {
    this.dapr = dapr;
    this.mode = mode;
    this.metrics = metrics;
  }

  private static String key(Topic topic, String eventId) {
    return "processed|" + topic.topicName() + "|" + eventId;
  }

  /** True if this event was processed before (then acknowledge it and do nothing). */
  public boolean alreadyProcessed(Topic topic, String eventId) {
    if (mode == TodoConfig.Dedupe.OFF || eventId == null) {
      return false;
    }
    String key = key(topic, eventId);
    if (recent.contains(key)) {
      return true;
    }
    if (mode == TodoConfig.Dedupe.MEMORY) {
      return false;
    }
    // A failure here propagates: the delivery is retried rather than maybe processed twice.
    State<byte[]> state = dapr.getState(DaprNames.STATESTORE, key, byte[].class).block(TIMEOUT);
    boolean seen = state != null && state.getValue() != null && state.getValue().length > 0;
    if (seen) {
      recent.add(key);
    }
    return seen;
  }

  /** Records that the event's effect is done. A failure is logged, not thrown: see above. */
  public void markProcessed(Topic topic, String eventId) {
    if (mode == TodoConfig.Dedupe.OFF || eventId == null) {
      return;
    }
    String key = key(topic, eventId);
    recent.add(key);
    if (mode == TodoConfig.Dedupe.MEMORY) {
      return;
    }
    long ttl = topic.retention().plusDays(1).toSeconds();
    try {
      dapr.saveState(
              DaprNames.STATESTORE,
              key,
              null,
              MARK,
              Map.of("ttlInSeconds", Long.toString(ttl)),
              null)
          .block(TIMEOUT);
    } catch (RuntimeException e) {
      // The effect is done; without the marker a redelivery runs the (idempotent) handler again.
      metrics.counter("todo.events.dedupe.failures", "topic", topic.topicName()).increment();
      LOG.warnf(
          "event_id=%s topic=%s processed, but its marker was not saved (%s) - a redelivery will be handled again",
          eventId, topic.topicName(), e.toString());
    }
  }
}
