package dev.todoevents.task;

import static org.assertj.core.api.Assertions.assertThat;

import dev.todoevents.contracts.Events;
import dev.todoevents.contracts.TaskData;
import dev.todoevents.contracts.TaskEvent;
import dev.todoevents.contracts.TaskEventType;
import dev.todoevents.contracts.Topic;
import dev.todoevents.task.events.Outbox;
import dev.todoevents.task.events.OutboxEntry;
import dev.todoevents.task.events.OutboxRelay;
import dev.todoevents.task.events.RequestContext;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The relay publishes different users' events side by side, but one user's in outbox order: a
 * failed publish holds back that user's later events only.
 */
@QuarkusTest
class OutboxOrderTest {

  @Inject RecordingPublisher publisher;
  @Inject Outbox outbox;
  @Inject OutboxRelay relay;

  private final String ann = "ann-" + UUID.randomUUID();
  private final String bob = "bob-" + UUID.randomUUID();

  @AfterEach
  void cleanUp() {
    publisher.reset();
    QuarkusTransaction.requiringNew()
        .run(() -> OutboxEntry.delete("partitionKey in ?1", List.of(ann, bob)));
  }

  private static TaskEvent event(String user, String title) {
    Instant now = Events.now();
    return TaskEvent.of(
        TaskEventType.CREATED,
        UUID.randomUUID(),
        user,
        new TaskData(
            title, null, "pending", "medium", null, null, "none", now, now, null, null, null));
  }

  private List<String> titlesOf(String user) {
    return publisher.published().stream()
        .filter(p -> p.event().userId().equals(user))
        .map(p -> p.event().taskData().title())
        .toList();
  }

  @Test
  void aFailedPublishHoldsBackOnlyItsOwnUsersLaterEvents() {
    publisher.reset();
    publisher.failingFor(ann);
    RequestContext ctx = new RequestContext("corr", "cause");
    QuarkusTransaction.requiringNew()
        .run(
            () -> {
              for (int i = 1; i <= 3; i++) {
                outbox.add(Topic.TASK_EVENTS, event(ann, "ann " + i), ctx);
                outbox.add(Topic.TASK_EVENTS, event(bob, "bob " + i), ctx);
              }
            }); // the commit runs a pass

    assertThat(titlesOf(bob)).containsExactly("bob 1", "bob 2", "bob 3");
    assertThat(titlesOf(ann)).isEmpty();
    List<OutboxEntry> waiting =
        QuarkusTransaction.requiringNew()
            .call(() -> OutboxEntry.<OutboxEntry>list("partitionKey = ?1 order by seq", ann));
    // Only the first was tried: the ones after it were not sent ahead of it.
    assertThat(waiting).extracting(e -> e.attempts).containsExactly(1, 0, 0);
    assertThat(waiting).allSatisfy(e -> assertThat(e.status).isEqualTo(OutboxEntry.PENDING));

    publisher.failingFor(null);
    assertThat(relay.relay()).isEqualTo(3);
    assertThat(titlesOf(ann)).containsExactly("ann 1", "ann 2", "ann 3");
    assertThat(titlesOf(bob)).containsExactly("bob 1", "bob 2", "bob 3");
  }
}
