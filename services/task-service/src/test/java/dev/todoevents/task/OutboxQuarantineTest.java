package dev.todoevents.task;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.todoevents.contracts.CloudEvent;
import dev.todoevents.contracts.Events;
import dev.todoevents.contracts.TaskData;
import dev.todoevents.contracts.TaskEvent;
import dev.todoevents.contracts.TaskEventType;
import dev.todoevents.contracts.Topic;
import dev.todoevents.task.events.Outbox;
import dev.todoevents.task.events.OutboxEntry;
import dev.todoevents.task.events.OutboxRelay;
import dev.todoevents.task.events.RequestContext;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** An outbox entry that can never be published is set aside; the entries around it go out. */
@QuarkusTest
class OutboxQuarantineTest {

  @Inject RecordingPublisher publisher;
  @Inject Outbox outbox;
  @Inject OutboxRelay relay;
  @Inject MeterRegistry metrics;

  private final String user = "outbox-" + UUID.randomUUID();

  @AfterEach
  void removeTheSetAsideEntries() {
    QuarkusTransaction.requiringNew().run(() -> OutboxEntry.delete("partitionKey", user));
  }

  private TaskEvent event(String title) {
    Instant now = Events.now();
    return TaskEvent.of(
        TaskEventType.CREATED,
        UUID.randomUUID(),
        user,
        new TaskData(
            title, null, "pending", "medium", null, null, "none", now, now, null, null, null));
  }

  /** An entry as the outbox would store it, but with this CloudEvent text. */
  private OutboxEntry raw(String cloudEvent) {
    OutboxEntry e = new OutboxEntry();
    e.eventId = UUID.randomUUID();
    e.topic = Topic.TASK_EVENTS.topicName();
    e.partitionKey = user;
    e.eventType = "todo.task.created";
    e.cloudEvent = cloudEvent;
    e.createdAt = Instant.now();
    return e;
  }

  private double failed(String reason) {
    return metrics.counter("todo.outbox.failed", "reason", reason).count();
  }

  @Test
  void badEntriesBetweenGoodOnesAreSetAsideAndTheRestIsPublished() {
    publisher.reset();
    double unreadableBefore = failed("unreadable");
    double schemaBefore = failed("schema");
    TaskEvent first = event("first");
    TaskEvent last = event("last");
    // A control character in a title and a 200-character correlation id: stored before the API
    // refused them, refused by every consumer now.
    ObjectNode badTitle =
        Events.MAPPER.valueToTree(Events.envelope(event("x"), "task-service", "c", "c"));
    ((ObjectNode) badTitle.at("/data/task_data")).put("title", "ring\u0007ring");
    CloudEvent longCorrelation =
        Events.envelope(event("y"), "task-service", "c".repeat(200), "cause");

    QuarkusTransaction.requiringNew()
        .run(
            () -> {
              outbox.add(Topic.TASK_EVENTS, first, new RequestContext("corr", "cause"));
              raw("{not json").persist();
              raw(badTitle.toString()).persist();
              raw(new String(
                      Events.toJson(longCorrelation), java.nio.charset.StandardCharsets.UTF_8))
                  .persist();
              outbox.add(Topic.TASK_EVENTS, last, new RequestContext("corr", "cause"));
            }); // the commit runs a relay pass

    assertThat(publisher.published())
        .extracting(p -> p.event().eventId())
        .containsExactly(first.eventId(), last.eventId());
    List<OutboxEntry> left =
        QuarkusTransaction.requiringNew()
            .call(() -> OutboxEntry.<OutboxEntry>list("partitionKey = ?1 order by seq", user));
    assertThat(left)
        .hasSize(3)
        .allSatisfy(
            e -> {
              assertThat(e.status).isEqualTo(OutboxEntry.FAILED);
              assertThat(e.failedAt).isNotNull();
            });
    assertThat(left.get(0).lastError).contains("not JSON");
    assertThat(left.get(1).lastError).contains("schema violation").contains("title");
    assertThat(left.get(2).lastError).contains("schema violation").contains("correlationid");
    assertThat(failed("unreadable") - unreadableBefore).isEqualTo(1);
    assertThat(failed("schema") - schemaBefore).isEqualTo(2);

    // Set aside for good: later passes neither retry nor count them again.
    assertThat(relay.relay()).isZero();
    assertThat(failed("schema") - schemaBefore).isEqualTo(2);
    assertThat(QuarkusTransaction.requiringNew().call(OutboxEntry::pending)).isZero();
  }
}
