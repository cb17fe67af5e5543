package dev.todoevents.e2e;

import static dev.todoevents.e2e.SystemApi.auditEntries;
import static dev.todoevents.e2e.SystemApi.createReminder;
import static dev.todoevents.e2e.SystemApi.createTask;
import static dev.todoevents.e2e.SystemApi.lettersOf;
import static dev.todoevents.e2e.SystemApi.metric;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.todoevents.contracts.DaprNames.AppIds;
import dev.todoevents.contracts.Recurrence;
import dev.todoevents.contracts.Topic;
import dev.todoevents.runtime.Daprd;
import dev.todoevents.runtime.DevIssuer;
import dev.todoevents.runtime.LiveClient;
import dev.todoevents.runtime.PubSubBroker;
import dev.todoevents.runtime.ServiceApp;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The broker swap: every flow and guarantee on each broker behind the components {@code pubsub} and
 * {@code live-pubsub}, with nothing changed but the component files (components/brokers/<broker>/):
 * Kafka, Redis Streams, RabbitMQ and NATS JetStream, each a real server started here. One stack per
 * broker: task-service, audit-service, recurring-task-service, notification-service, two
 * realtime-service instances, and stats-service (Python), whose sidecar and app start only after
 * events were published. Per broker: POST -> WebSocket frame on both realtime instances (and on no
 * other user's socket); reminder -> notification; a completed recurring task -> next occurrence,
 * audited; events published before stats-service's first start, counted; a duplicate event_id has
 * one effect; a poison event in the broker's DLQ with context; topic scopes; audit-service and its
 * sidecar SIGKILLed while events are published; and messages in flight when the sidecar dies,
 * redelivered. Prints each figure, a {@code [broker-table]} line per broker and, after the last
 * broker, the markdown table between {@code BEGIN BROKER TABLE} and {@code END BROKER TABLE}.
 * {@code -Dtodo.matrix.brokers=redis,jetstream} runs only the brokers named.
 */
class BrokerMatrixIT {

  private static final String REALTIME_2 = AppIds.REALTIME_SERVICE + "#2";
  private static final int WHILE_DOWN = 20;
  private static final int IN_FLIGHT = 5;
  private static final int BEFORE_FIRST_START = 5;
  private static final int FRAME_SAMPLES = 10;
  private static final BrokerFigures FIGURES = new BrokerFigures(PubSubBroker.NAMES);

  @AfterAll
  static void printTable() {
    System.out.println("BEGIN BROKER TABLE\n" + FIGURES.markdown() + "\nEND BROKER TABLE");
  }

  // Each broker's stack has its own ports, folders and broker; -De2e.matrix.parallelism=2 runs
  // two at once (not the default: the stacks share Dapr's mDNS app-ids, see pom.xml).
  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"kafka", "redis", "rabbitmq", "jetstream"})
  @Execution(ExecutionMode.CONCURRENT)
  void everyFlowOnEachBroker(String broker) throws Exception {
    String only = System.getProperty("todo.matrix.brokers", "");
    if (!only.isBlank() && !List.of(only.split("\\s*,\\s*")).contains(broker)) {
      FIGURES.put(broker, "result", "not run (-Dtodo.matrix.brokers=%s)", only);
      Assumptions.abort("-Dtodo.matrix.brokers=" + only);
    }
    long t0 = System.nanoTime();
    try {
      run(broker);
      FIGURES.put(broker, "result", "pass");
    } catch (Throwable e) {
      String why = String.valueOf(e.getMessage()).strip().split("\n")[0];
      FIGURES.put(
          broker, "result", "FAIL: %s", why.length() > 160 ? why.substring(0, 160) + "..." : why);
      throw e;
    } finally {
      FIGURES.put(broker, "run (stack up to all stopped)", "%.0f s", secondsSince(t0));
      System.out.println(FIGURES.line(broker));
    }
  }

  private void run(String broker) throws Exception {
    Path work = WorkDirs.create("broker-" + broker);
    long t0 = System.nanoTime();
    try (Stack stack =
        Stack.start(
            work,
            broker,
            Set.of(),
            AppIds.TASK_SERVICE,
            AppIds.AUDIT_SERVICE,
            AppIds.RECURRING_TASK_SERVICE,
            AppIds.NOTIFICATION_SERVICE,
            AppIds.REALTIME_SERVICE,
            REALTIME_2)) {
      FIGURES.put(broker, "stack up (broker, 6 apps + sidecars)", "%.1f s", secondsSince(t0));
      ServiceApp tasks = stack.app(AppIds.TASK_SERVICE);
      String tag = broker + "-" + UUID.randomUUID();

      // Started first, checked later: the reminder comes due while the live path is measured.
      String reminded = "rita-" + tag;
      Instant remindAt = Instant.now().plusSeconds(5).truncatedTo(ChronoUnit.MILLIS);
      String reminderTask = createReminder(tasks, reminded, "Take the bins out", remindAt);

      // Published before stats-service ever subscribed: neither it nor its sidecar is running.
      String early = "emma-" + tag;
      for (int i = 0; i < BEFORE_FIRST_START; i++) {
        createTask(tasks, early, "before stats-service's first start " + i);
      }

      liveFanOut(broker, stack, tag);
      statsAfterFirstStart(broker, stack, early);
      reminderNotified(broker, stack, work, reminded, reminderTask, remindAt);
      String user = "mia-" + tag;
      recurringAndAudited(broker, stack, user);
      String poisonId = duplicateAndPoison(broker, stack, user);
      topicScopes(broker, stack, user);
      List<String> survived = new ArrayList<>(consumerAndSidecarKilled(broker, stack, user));
      survived.addAll(inFlightWhenSidecarDies(broker, stack, user));

      // Nothing was audited twice or dead-lettered (a redelivery given up on would be), no
      // second notification came, and stats-service counted each of emma's events once.
      assertThat(auditedOnce(stack.app(AppIds.AUDIT_SERVICE), survived))
          .as("audited exactly once")
          .isEqualTo(survived.size());
      assertThat(lettersOf(stack, Topic.TASK_EVENTS.dlqName(), null, null))
          .as("dead letters")
          .allSatisfy(l -> assertThat(l.path("event_id").asText()).isEqualTo(poisonId));
      assertThat(notifications(stack, reminded)).as("notifications of " + reminded).hasSize(1);
      assertThat(stats(stack, early).path("created").asInt()).isEqualTo(BEFORE_FIRST_START + 1);
    }
  }

  /**
   * a. A client of alice and one of bob on each realtime-service instance; alice's tasks reach both
   * of alice's clients (POST -> frame measured per instance), bob's task both of bob's, and nobody
   * gets another user's frame.
   */
  private void liveFanOut(String broker, Stack stack, String tag) {
    ServiceApp tasks = stack.app(AppIds.TASK_SERVICE);
    ServiceApp live1 = stack.app(AppIds.REALTIME_SERVICE);
    ServiceApp live2 = stack.app(REALTIME_2);
    double live =
        SystemApi.awaitLiveConsumers(
            "[" + broker + "] both realtime-service instances consuming task-updates",
            tasks,
            live1,
            live2,
            "probe-" + tag,
            Duration.ofMillis(500));
    FIGURES.put(broker, "both realtime instances receiving (probe tasks)", "%.1f s", live);
    String alice = "alice-" + tag;
    String bob = "bob-" + tag;
    try (LiveClient alice1 = LiveClient.connect(live1.baseUrl(), DevIssuer.shared().token(alice));
        LiveClient alice2 = LiveClient.connect(live2.baseUrl(), DevIssuer.shared().token(alice));
        LiveClient bob1 = LiveClient.connect(live1.baseUrl(), DevIssuer.shared().token(bob));
        LiveClient bob2 = LiveClient.connect(live2.baseUrl(), DevIssuer.shared().token(bob))) {
      long[][] ms = new long[2][FRAME_SAMPLES];
      long[] answered = new long[FRAME_SAMPLES];
      List<String> aliceTasks = new ArrayList<>();
      for (int i = 0; i < FRAME_SAMPLES; i++) {
        // The frame may come before POST /tasks has answered (the publish happens before the
        // answer), so the clients are watched while the request runs: alice's i-th frame is
        // the one after the i she had, and it must be about the task the POST created.
        String title = "live " + i;
        long start = System.nanoTime();
        CompletableFuture<Long> post =
            CompletableFuture.supplyAsync(
                () -> {
                  aliceTasks.add(createTask(tasks, alice, title));
                  return (System.nanoTime() - start) / 1_000_000;
                });
        long[] seen = framesSeen(broker, i, start, post, alice1, alice2);
        answered[i] = post.join();
        for (LiveClient c : List.of(alice1, alice2)) {
          assertThat(c.updates().get(i).get("task_id").asText())
              .as("alice's frame %d", i)
              .isEqualTo(aliceTasks.get(i));
        }
        ms[0][i] = seen[0];
        ms[1][i] = seen[1];
      }
      String bobTask = createTask(tasks, bob, "Call mum");
      await("[" + broker + "] bob's frame on both instances")
          .atMost(Duration.ofSeconds(30))
          .pollInterval(Duration.ofMillis(20))
          .until(() -> !bob1.updatesOf(bobTask).isEmpty() && !bob2.updatesOf(bobTask).isEmpty());
      // bob's frame came after alice's on the same instances: a frame of alice's sent to bob
      // would be there by now, and so would a second copy of one of alice's.
      for (LiveClient c : List.of(bob1, bob2)) {
        assertThat(c.updates())
            .as("bob's frames")
            .hasSize(1)
            .allSatisfy(f -> assertThat(f.get("user_id").asText()).isEqualTo(bob));
      }
      for (LiveClient c : List.of(alice1, alice2)) {
        assertThat(c.updates())
            .as("alice's frames")
            .hasSize(FRAME_SAMPLES)
            .allSatisfy(f -> assertThat(f.get("user_id").asText()).isEqualTo(alice));
        assertThat(c.updates().stream().map(f -> f.get("task_id").asText()).toList())
            .as("one frame per task, in order")
            .isEqualTo(aliceTasks);
        assertThat(c.updatesOf(aliceTasks.get(0)).get(0).get("event_type").asText())
            .isEqualTo("created");
      }
      FIGURES.put(
          broker,
          "POST -> WebSocket frame, p50 / max (instance 1; instance 2)",
          "%d / %d ms; %d / %d ms (%d tasks)",
          p50(ms[0]),
          max(ms[0]),
          p50(ms[1]),
          max(ms[1]),
          FRAME_SAMPLES);
      FIGURES.put(
          broker, "POST /tasks answered, p50 / max", "%d / %d ms", p50(answered), max(answered));
      FIGURES.put(
          broker,
          "frames on another user's sockets",
          "0 (of %d + 1 on 2 instances)",
          FRAME_SAMPLES);
    }
  }

  /**
   * Milliseconds from {@code start} until each client had more than {@code had} frames; fails at
   * once if {@code request} (what should cause the frame) failed.
   */
  private static long[] framesSeen(
      String broker, int had, long start, CompletableFuture<?> request, LiveClient... clients) {
    long[] ms = new long[clients.length];
    Arrays.fill(ms, -1);
    long deadline = start + Duration.ofSeconds(30).toNanos();
    while (Arrays.stream(ms).anyMatch(m -> m < 0)) {
      if (request.isCompletedExceptionally()) {
        request.join();
      }
      for (int i = 0; i < clients.length; i++) {
        if (ms[i] < 0 && clients[i].updates().size() > had) {
          ms[i] = (System.nanoTime() - start) / 1_000_000;
        }
      }
      assertThat(System.nanoTime())
          .as(
              "[%s] frame %d within 30 s (ms per instance, -1: none): %s",
              broker, had, Arrays.toString(ms))
          .isLessThan(deadline);
      // The frame's arrival is what is measured: look every 0.5 ms rather than wait for it.
      LockSupport.parkNanos(500_000);
    }
    return ms;
  }

  /**
   * i. and e. stats-service and its sidecar start for the first time after emma's tasks were
   * published: stats-service counts every one (the broker kept them for a subscriber it had not
   * seen yet), then one created while it runs.
   */
  private void statsAfterFirstStart(String broker, Stack stack, String early) {
    long start = System.nanoTime();
    ServiceApp stats = stack.startLater(AppIds.STATS_SERVICE);
    double up = secondsSince(start);
    long ready = System.nanoTime();
    await(
            "["
                + broker
                + "] emma's "
                + BEFORE_FIRST_START
                + " tasks, published before stats-service's first start, counted")
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(100))
        .until(() -> stats(stack, early).path("created").asInt() == BEFORE_FIRST_START);
    FIGURES.put(
        broker,
        "published before a consumer's first start (stats-service)",
        "%d of %d counted %.1f s after its start (sidecar + app up in %.1f s)",
        BEFORE_FIRST_START,
        BEFORE_FIRST_START,
        secondsSince(ready),
        up);
    long t = System.nanoTime();
    createTask(stack.app(AppIds.TASK_SERVICE), early, "while stats-service runs");
    await("[" + broker + "] emma's task created while stats-service runs, counted")
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(20))
        .until(() -> stats(stack, early).path("created").asInt() == BEFORE_FIRST_START + 1);
    assertThat(stats(stack, early).path("completed").asInt()).isZero();
    assertThat(stats.process().isAlive()).isTrue();
    FIGURES.put(
        broker,
        "POST -> counted by stats-service (Python)",
        "%d ms",
        (System.nanoTime() - t) / 1_000_000);
  }

  /** b. The reminder created at the start: one notification, listed and written as a file. */
  private void reminderNotified(
      String broker, Stack stack, Path work, String user, String task, Instant remindAt)
      throws Exception {
    await("[" + broker + "] the notification of the reminder due at " + remindAt)
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(100))
        .until(() -> !notifications(stack, user).isEmpty());
    List<JsonNode> listed = notifications(stack, user);
    assertThat(listed).hasSize(1);
    JsonNode note = listed.get(0);
    assertThat(note.get("task_id").asText()).isEqualTo(task);
    assertThat(note.get("title").asText()).isEqualTo("Take the bins out");
    Path file = Stack.notificationsDir(work).resolve(note.get("event_id").asText() + ".json");
    assertThat(file).exists();
    assertThat(Files.readString(file)).contains("Take the bins out");
    long lateMs =
        Duration.between(remindAt, Instant.parse(note.get("delivered_at").asText())).toMillis();
    assertThat(lateMs).as("not before its time").isNotNegative();
    FIGURES.put(broker, "reminder -> notification (delivered after remind_at)", "%d ms", lateMs);
  }

  /**
   * c. and d. A weekly task created and completed: audited, and recurring-task-service creates the
   * next occurrence through service invocation of task-service.
   */
  private void recurringAndAudited(String broker, Stack stack, String user) {
    ServiceApp tasks = stack.app(AppIds.TASK_SERVICE);
    ServiceApp audit = stack.app(AppIds.AUDIT_SERVICE);
    long t = System.nanoTime();
    Http.Reply created =
        Http.post(
            tasks.baseUrl() + "/tasks",
            "{\"title\":\"Water plants\",\"recurrence\":\"weekly\",\"due_at\":\"2026-12-01T08:00:00Z\"}",
            "application/json",
            Stack.auth(user));
    assertThat(created.status()).as("POST /tasks: %s", created.body()).isEqualTo(201);
    String first = created.body().get("id").asText();
    await("[" + broker + "] the created task, audited")
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(20))
        .until(() -> auditEntries(audit, "task_id=" + first).size() == 1);
    FIGURES.put(broker, "POST -> audited", "%d ms", (System.nanoTime() - t) / 1_000_000);
    long t1 = System.nanoTime();
    SystemApi.completeTask(tasks, user, first);
    String next = Recurrence.occurrenceId(user, UUID.fromString(first), 2).toString();
    await("[" + broker + "] the next occurrence, audited")
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(50))
        .untilAsserted(() -> assertThat(auditEntries(audit, "task_id=" + next)).hasSize(1));
    assertThat(
            Http.get(tasks.baseUrl() + "/tasks/" + next, Stack.auth(user))
                .body()
                .get("due_at")
                .asText())
        .isEqualTo("2026-12-08T08:00:00Z");
    assertThat(auditEntries(audit, "task_id=" + first)).hasSize(2); // created, completed
    FIGURES.put(
        broker, "completed -> next occurrence created and audited", "%.2f s", secondsSince(t1));
  }

  /**
   * g. The same event_id published twice: one audit entry. JetStream drops the second copy itself
   * (the component sends the CloudEvent id as Nats-Msg-Id; the stream's duplicate window is 2
   * minutes); the other brokers deliver both and audit-service counts the second as a duplicate. f.
   * A poison event (no title): dead-lettered by both consumers of task-events with the error and
   * the original, read back from the broker's own dead-letter topic/queue/stream.
   *
   * @return the poison event's id
   */
  private String duplicateAndPoison(String broker, Stack stack, String user) throws Exception {
    ServiceApp audit = stack.app(AppIds.AUDIT_SERVICE);
    Daprd taskSidecar = stack.sidecar(AppIds.TASK_SERVICE);
    ObjectNode twice = SampleEvents.taskCreated(user);
    publish(taskSidecar, twice, user);
    publish(taskSidecar, twice, user);
    String twiceTask = twice.at("/data/task_id").asText();
    String twiceId = twice.get("id").asText();
    await("[" + broker + "] the event published twice, audited")
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(100))
        .until(() -> auditEntries(audit, "task_id=" + twiceTask).size() == 1);
    String duplicateSeenBy;
    if (broker.equals("jetstream")) {
      long copies =
          stack.pubsub.messages(Topic.TASK_EVENTS.topicName()).stream()
              .filter(m -> m.contains(twiceId))
              .count();
      assertThat(copies).as("copies of the event in the stream").isEqualTo(1);
      duplicateSeenBy = "the broker (1 copy in the stream)";
    } else {
      await("[" + broker + "] the duplicate recognised")
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(100))
          .until(() -> metric(audit, "todo_events_duplicates_total{topic=\"task-events\"}") >= 1);
      duplicateSeenBy = "audit-service (duplicates_total 1)";
    }
    Thread.sleep(1000); // a second entry would show up by now
    assertThat(auditEntries(audit, "task_id=" + twiceTask)).hasSize(1);
    FIGURES.put(broker, "same event_id twice", "1 audit entry; dropped by %s", duplicateSeenBy);

    ObjectNode poison = SampleEvents.taskCreated(user);
    ((ObjectNode) poison.at("/data/task_data")).remove("title");
    String poisonId = poison.get("id").asText();
    long t = System.nanoTime();
    publish(taskSidecar, poison, user);
    String dlq = Topic.TASK_EVENTS.dlqName();
    List<String> subscribers = List.of(AppIds.AUDIT_SERVICE, AppIds.STATS_SERVICE);
    await("[" + broker + "] the poison event in " + dlq + ", from " + subscribers)
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(100))
        .until(
            () ->
                subscribers.stream().allMatch(s -> !lettersOf(stack, dlq, poisonId, s).isEmpty()));
    double inDlq = secondsSince(t);
    for (String s : subscribers) {
      List<JsonNode> letters = lettersOf(stack, dlq, poisonId, s);
      assertThat(letters).as("dead letters of %s from %s", poisonId, s).hasSize(1);
      JsonNode letter = letters.get(0);
      assertThat(letter.get("error_kind").asText()).isEqualTo("poison");
      assertThat(letter.get("error").asText()).contains("schema violation").contains("title");
      assertThat(letter.get("source_topic").asText()).isEqualTo(Topic.TASK_EVENTS.topicName());
      assertThat(letter.at("/original/data/task_id").asText())
          .isEqualTo(poison.at("/data/task_id").asText());
    }
    assertThat(auditEntries(audit, "task_id=" + poison.at("/data/task_id").asText())).isEmpty();
    FIGURES.put(
        broker,
        "poison -> DLQ with context",
        "in %s from audit- and stats-service, error_kind=poison, %.2f s",
        dlq,
        inDlq);
    return poisonId;
  }

  /**
   * h. Topic scopes (publishingScopes on every broker's pubsub): audit-service's sidecar, with
   * audit-service's own API token, refuses to publish to task-events, which only task-service may
   * publish, and nothing reaches a consumer. A task event published after it through task-service's
   * sidecar is audited; by then a leaked one would be too.
   */
  private void topicScopes(String broker, Stack stack, String user) {
    ServiceApp audit = stack.app(AppIds.AUDIT_SERVICE);
    ObjectNode forged = SampleEvents.taskCreated(user);
    String forgedTask = forged.at("/data/task_id").asText();
    Http.Reply refused =
        Stack.publish(
            stack.sidecar(AppIds.AUDIT_SERVICE),
            Topic.TASK_EVENTS.topicName(),
            user,
            forged.toString());
    assertThat(refused.status())
        .as("publish to task-events through audit-service's sidecar: %s", refused.body())
        .isEqualTo(403);
    assertThat(refused.body().path("errorCode").asText()).isEqualTo("ERR_PUBSUB_FORBIDDEN");
    assertThat(refused.body().path("message").asText()).contains(AppIds.AUDIT_SERVICE);
    ObjectNode after = SampleEvents.taskCreated(user);
    publish(stack.sidecar(AppIds.TASK_SERVICE), after, user);
    await("[" + broker + "] the event task-service published after the refused one, audited")
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(100))
        .until(
            () -> auditEntries(audit, "task_id=" + after.at("/data/task_id").asText()).size() == 1);
    assertThat(auditEntries(audit, "task_id=" + forgedTask))
        .as("entries of the refused event")
        .isEmpty();
    FIGURES.put(
        broker,
        "publish outside the app's topic scope",
        "%d %s, nothing delivered",
        refused.status(),
        refused.body().path("errorCode").asText());
  }

  /**
   * j. audit-service and its sidecar SIGKILLed; tasks created while they are down; both back: every
   * one audited exactly once.
   */
  private List<String> consumerAndSidecarKilled(String broker, Stack stack, String user) {
    ServiceApp tasks = stack.app(AppIds.TASK_SERVICE);
    ServiceApp audit = stack.app(AppIds.AUDIT_SERVICE);
    Daprd auditSidecar = stack.sidecar(AppIds.AUDIT_SERVICE);
    audit.kill();
    auditSidecar.kill();
    List<String> whileDown = new ArrayList<>();
    for (int i = 0; i < WHILE_DOWN; i++) {
      whileDown.add(createTask(tasks, user, "while down " + i));
    }
    double recovered =
        restartAndAwaitAudited(
            broker,
            audit,
            auditSidecar,
            whileDown,
            "the tasks created while audit-service was down",
            Duration.ofSeconds(120));
    int outOfOrder = 0;
    int expected = 0;
    for (JsonNode e : auditEntries(audit, "user_id=" + user + "&limit=1000")) {
      String title = e.at("/event/task_data/title").asText();
      if (title.startsWith("while down ")) {
        outOfOrder += title.equals("while down " + expected) ? 0 : 1;
        expected++;
      }
    }
    FIGURES.put(
        broker,
        "app + sidecar SIGKILLed, " + WHILE_DOWN + " created while down",
        "all audited once %.1f s after the restart; %d out of publish order",
        recovered,
        outOfOrder);
    return whileDown;
  }

  /**
   * j. Messages in flight when a sidecar dies: audit-service alone is SIGKILLed, so its sidecar
   * takes the next tasks' events from the broker and keeps retrying their delivery; then the
   * sidecar is SIGKILLed too, and both restart. The broker gives the unacknowledged messages again:
   * Kafka (uncommitted offsets) and RabbitMQ (unacked on a closed channel) at once, Redis Streams
   * after processingTimeout (pending entries claimed) and JetStream after ackWait.
   */
  private List<String> inFlightWhenSidecarDies(String broker, Stack stack, String user)
      throws Exception {
    ServiceApp tasks = stack.app(AppIds.TASK_SERVICE);
    ServiceApp audit = stack.app(AppIds.AUDIT_SERVICE);
    Daprd auditSidecar = stack.sidecar(AppIds.AUDIT_SERVICE);
    audit.kill();
    List<String> inFlight = new ArrayList<>();
    for (int i = 0; i < IN_FLIGHT; i++) {
      inFlight.add(createTask(tasks, user, "in flight " + i));
    }
    // Time for the sidecar to read them and start retrying; short of its retry window (Redis,
    // JetStream ~10 s), after which it would dead-letter them.
    Thread.sleep(2000);
    auditSidecar.kill();
    double recovered =
        restartAndAwaitAudited(
            broker,
            audit,
            auditSidecar,
            inFlight,
            "the tasks in flight when audit-service's sidecar died",
            Duration.ofSeconds(150));
    FIGURES.put(
        broker,
        "in flight when the sidecar died (app SIGKILLed, " + IN_FLIGHT + " created, then sidecar)",
        "all audited once %.1f s after the restart",
        recovered);
    return inFlight;
  }

  /**
   * Restarts audit-service's sidecar and app: the seconds until each of {@code tasks} is audited
   * exactly once.
   */
  private static double restartAndAwaitAudited(
      String broker,
      ServiceApp audit,
      Daprd auditSidecar,
      List<String> tasks,
      String what,
      Duration atMost) {
    long back = System.nanoTime();
    auditSidecar.restart();
    audit.start();
    await("[" + broker + "] " + what + ", audited")
        .atMost(atMost)
        .pollInterval(Duration.ofMillis(250))
        .until(() -> auditedOnce(audit, tasks) == tasks.size());
    return secondsSince(back);
  }

  private static List<JsonNode> notifications(Stack stack, String user) {
    Http.Reply r =
        Http.get(
            stack.app(AppIds.NOTIFICATION_SERVICE).baseUrl() + "/notifications?user_id=" + user,
            Stack.auth(user));
    assertThat(r.status()).as("GET /notifications: %s", r.body()).isEqualTo(200);
    List<JsonNode> out = new ArrayList<>();
    r.body().forEach(out::add);
    return out;
  }

  /** stats-service's counts of {@code user}'s events by type, as that user reads them. */
  private static JsonNode stats(Stack stack, String user) {
    Http.Reply r = Http.get(stack.app(AppIds.STATS_SERVICE).baseUrl() + "/stats", Stack.auth(user));
    assertThat(r.status()).as("GET /stats: %s", r.body()).isEqualTo(200);
    return r.body().path("events");
  }

  private static void publish(Daprd sidecar, ObjectNode cloudEvent, String key) {
    Http.Reply r =
        Stack.publish(sidecar, Topic.TASK_EVENTS.topicName(), key, cloudEvent.toString());
    assertThat(r.status()).as("publish through the sidecar: %s", r.body()).isEqualTo(204);
  }

  private static int auditedOnce(ServiceApp audit, List<String> tasks) {
    int n = 0;
    for (String t : tasks) {
      n += auditEntries(audit, "task_id=" + t).size() == 1 ? 1 : 0;
    }
    return n;
  }

  private static double secondsSince(long nanos) {
    return (System.nanoTime() - nanos) / 1e9;
  }

  private static long p50(long[] ms) {
    long[] sorted = ms.clone();
    Arrays.sort(sorted);
    return sorted[(sorted.length - 1) / 2];
  }

  private static long max(long[] ms) {
    return Arrays.stream(ms).max().orElseThrow();
  }
}
