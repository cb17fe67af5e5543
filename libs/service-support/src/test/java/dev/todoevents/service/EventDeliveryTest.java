package dev.todoevents.service;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.todoevents.contracts.DeadLetter;
import dev.todoevents.contracts.Events;
import dev.todoevents.contracts.PoisonEventException;
import dev.todoevents.contracts.Samples;
import dev.todoevents.contracts.TaskEvent;
import dev.todoevents.contracts.Topic;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The failure classes of a subscriber, as Dapr sees them (HTTP status) and as the DLQ does. */
class EventDeliveryTest {

  /** Keeps the dead letters instead of publishing them; can be told the sidecar is away. */
  static final class Letters extends DeadLetterPublisher {
    final List<DeadLetter> written = new CopyOnWriteArrayList<>();
    volatile boolean failing;

    Letters() {
      super(null, "test-app");
    }

    @Override
    protected void write(Topic source, String partitionKey, DeadLetter letter) {
      if (failing) {
        throw new IllegalStateException("sidecar away (test)");
      }
      written.add(letter);
    }
  }

  private final Letters letters = new Letters();
  private final SimpleMeterRegistry metrics = new SimpleMeterRegistry();

  private EventDelivery delivery(int maxAttempts, int injectedFailures) {
    return new EventDelivery(
        letters,
        new ProcessedEvents(null, TodoConfig.Dedupe.MEMORY, metrics),
        metrics,
        maxAttempts,
        injectedFailures);
  }

  private static byte[] event() {
    ObjectNode data = (ObjectNode) Samples.load("task-event.created.json");
    data.put("event_id", UUID.randomUUID().toString());
    return Events.toJson(
        Events.envelope(Events.read(data, TaskEvent.class), "task-service", "corr", null));
  }

  private static int status(Response r) {
    return r.getStatus();
  }

  /** Every line logged while an event is handled can carry its ids (JSON logs: "mdc"). */
  @Test
  void theHandlerRunsWithTheEventsIdsInTheLogContextAndTheThreadIsClearedAfter() {
    byte[] body = event();
    java.util.Map<String, Object> seen = new java.util.HashMap<>();
    assertThat(
            status(
                delivery(6, 0)
                    .deliver(
                        Topic.TASK_EVENTS,
                        body,
                        TaskEvent.class,
                        1,
                        d -> seen.putAll(org.jboss.logging.MDC.getMap()))))
        .isEqualTo(200);
    var envelope = Events.parseEnvelope(body);
    assertThat(seen)
        .containsEntry(LogContext.EVENT_ID, envelope.id())
        .containsEntry(LogContext.USER_ID, envelope.data().get("user_id").asText())
        .containsEntry(LogContext.CORRELATION_ID, "corr");
    assertThat(org.jboss.logging.MDC.getMap()).isEmpty();
  }

  @Test
  void aCorrelationIdNoConsumerCanStoreIsPoisonNotRetried() {
    ObjectNode data = (ObjectNode) Samples.load("task-event.created.json");
    byte[] body =
        Events.toJson(
            Events.envelope(
                Events.read(data, TaskEvent.class), "task-service", "c".repeat(200), null));
    AtomicInteger calls = new AtomicInteger();
    assertThat(
            status(
                delivery(6, 0)
                    .deliver(
                        Topic.TASK_EVENTS, body, TaskEvent.class, 1, d -> calls.incrementAndGet())))
        .isEqualTo(200);
    assertThat(calls).hasValue(0);
    assertThat(letters.written)
        .singleElement()
        .satisfies(
            l -> {
              assertThat(l.errorKind()).isEqualTo(DeadLetter.KIND_POISON);
              assertThat(l.error()).contains("correlationid");
            });
  }

  @Test
  void aHandlerThatFailsThreeTimesThenSucceedsIsRetriedAndTakesEffectOnce() {
    EventDelivery delivery = delivery(6, 0);
    byte[] body = event();
    AtomicInteger calls = new AtomicInteger();
    AtomicInteger effects = new AtomicInteger();
    EventDelivery.Handler<TaskEvent> flaky =
        d -> {
          if (calls.incrementAndGet() <= 3) {
            throw new IOException("downstream answered 503");
          }
          effects.incrementAndGet();
        };
    for (int i = 0; i < 3; i++) {
      assertThat(status(delivery.deliver(Topic.TASK_EVENTS, body, TaskEvent.class, 1, flaky)))
          .isEqualTo(500);
    }
    assertThat(status(delivery.deliver(Topic.TASK_EVENTS, body, TaskEvent.class, 1, flaky)))
        .isEqualTo(200);
    // Redelivered once more (at-least-once): acknowledged, not processed again.
    assertThat(status(delivery.deliver(Topic.TASK_EVENTS, body, TaskEvent.class, 1, flaky)))
        .isEqualTo(200);
    assertThat(effects).hasValue(1);
    assertThat(calls).hasValue(4);
    assertThat(letters.written).isEmpty();
  }

  @Test
  void aHandlerThatAlwaysFailsIsDeadLetteredWithContextAtTheAttemptLimit() throws Exception {
    EventDelivery delivery = delivery(6, 0);
    byte[] body = event();
    String eventId = Events.parseEnvelope(body).id();
    EventDelivery.Handler<TaskEvent> broken =
        d -> {
          throw new IOException("database unavailable");
        };
    for (int i = 1; i < 6; i++) {
      assertThat(status(delivery.deliver(Topic.TASK_EVENTS, body, TaskEvent.class, 1, broken)))
          .as("attempt %d", i)
          .isEqualTo(500);
      Thread.sleep(2);
    }
    assertThat(letters.written).isEmpty();
    assertThat(status(delivery.deliver(Topic.TASK_EVENTS, body, TaskEvent.class, 1, broken)))
        .as("attempt 6")
        .isEqualTo(200);

    assertThat(letters.written)
        .singleElement()
        .satisfies(
            l -> {
              assertThat(l.errorKind()).isEqualTo(DeadLetter.KIND_RETRIES_EXHAUSTED);
              assertThat(l.eventId()).isEqualTo(eventId);
              assertThat(l.sourceTopic()).isEqualTo("task-events");
              assertThat(l.subscriber()).isEqualTo("test-app");
              assertThat(l.error()).isEqualTo("database unavailable");
              assertThat(l.exception()).isEqualTo(IOException.class.getName());
              assertThat(l.attempts()).isEqualTo(6);
              assertThat(l.firstFailedAt()).isBefore(l.failedAt());
              assertThat(l.original()).isEqualTo(Events.MAPPER.readTree(body));
            });
    // A redelivery (e.g. the acknowledgement was lost) is not dead-lettered twice.
    assertThat(status(delivery.deliver(Topic.TASK_EVENTS, body, TaskEvent.class, 1, broken)))
        .isEqualTo(200);
    assertThat(letters.written).hasSize(1);
  }

  @Test
  void whenTheDeadLetterCannotBeWrittenDaprKeepsRetrying() {
    EventDelivery delivery = delivery(2, 0);
    byte[] body = event();
    letters.failing = true;
    EventDelivery.Handler<TaskEvent> broken =
        d -> {
          throw new IOException("still down");
        };
    for (int i = 0; i < 4; i++) {
      assertThat(status(delivery.deliver(Topic.TASK_EVENTS, body, TaskEvent.class, 1, broken)))
          .isEqualTo(500);
    }
    letters.failing = false;
    assertThat(status(delivery.deliver(Topic.TASK_EVENTS, body, TaskEvent.class, 1, broken)))
        .isEqualTo(200);
    assertThat(letters.written)
        .singleElement()
        .satisfies(l -> assertThat(l.attempts()).isEqualTo(5));
  }

  @Test
  void poisonIsDeadLetteredAtOnceAfterOneAttempt() {
    EventDelivery delivery = delivery(6, 0);
    EventDelivery.Handler<TaskEvent> refusing =
        d -> {
          throw new PoisonEventException("refused as invalid");
        };
    assertThat(status(delivery.deliver(Topic.TASK_EVENTS, event(), TaskEvent.class, 1, refusing)))
        .isEqualTo(200);
    assertThat(
            status(
                delivery.deliver(
                    Topic.TASK_EVENTS, "not json".getBytes(), TaskEvent.class, 1, d -> {})))
        .isEqualTo(200);
    assertThat(letters.written)
        .hasSize(2)
        .allSatisfy(
            l -> {
              assertThat(l.errorKind()).isEqualTo(DeadLetter.KIND_POISON);
              assertThat(l.attempts()).isEqualTo(1);
            });
    assertThat(letters.written.get(1).originalText()).isEqualTo("not json");
  }

  @Test
  void faultInjectionFailsTheFirstDeliveriesBeforeTheHandlerRuns() {
    EventDelivery delivery = delivery(6, 3);
    byte[] body = event();
    AtomicInteger effects = new AtomicInteger();
    int[] statuses = new int[4];
    for (int i = 0; i < 4; i++) {
      statuses[i] =
          status(
              delivery.deliver(
                  Topic.TASK_EVENTS, body, TaskEvent.class, 1, d -> effects.incrementAndGet()));
    }
    assertThat(statuses).containsExactly(500, 500, 500, 200);
    assertThat(effects).hasValue(1);
    assertThat(metrics.counter("todo.events.failures", "topic", "task-events").count())
        .isEqualTo(3);
  }

  @Test
  void acknowledgeAnswersOneMessageOrEveryEntryOfABulkRequest() throws IOException {
    EventDelivery delivery = delivery(6, 0);
    Response one = delivery.acknowledge(event());
    assertThat(status(one)).isEqualTo(200);
    ObjectNode bulk = Events.MAPPER.createObjectNode();
    var entries = bulk.putArray("entries");
    entries.addObject().put("entryId", "a").set("event", Events.MAPPER.readTree(event()));
    entries.addObject().put("entryId", "b").put("event", "not a cloud event");
    Response answer = delivery.acknowledge(Events.MAPPER.writeValueAsBytes(bulk));
    assertThat(status(answer)).isEqualTo(200);
    var statuses = Events.MAPPER.readTree(answer.getEntity().toString()).get("statuses");
    assertThat(statuses).hasSize(2);
    assertThat(statuses.get(0).get("entryId").asText()).isEqualTo("a");
    assertThat(statuses.get(1).get("entryId").asText()).isEqualTo("b");
    statuses.forEach(st -> assertThat(st.get("status").asText()).isEqualTo("SUCCESS"));
    assertThat(letters.written).isEmpty();
  }
}
