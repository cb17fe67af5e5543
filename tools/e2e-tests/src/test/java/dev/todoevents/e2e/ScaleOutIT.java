package dev.todoevents.e2e;

import static dev.todoevents.e2e.SystemApi.metric;
import static dev.todoevents.e2e.SystemApi.recordCount;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.todoevents.contracts.DaprNames.AppIds;
import dev.todoevents.contracts.TaskEventType;
import dev.todoevents.contracts.Topic;
import dev.todoevents.runtime.DevIssuer;
import dev.todoevents.runtime.KafkaRecords;
import dev.todoevents.runtime.PostgresServer;
import dev.todoevents.runtime.ServiceApp;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Scale-out on real processes, as on a cluster: two task-service instances on one PostgreSQL
 * database (each with its own sidecar and outbox relay, one shared outbox table) and two
 * audit-service instances (one app-id, so one consumer group) on one PostgreSQL database, under
 * load from concurrent clients. Asserts behaviour only, never how the relay works: each event is on
 * task-events once, each user's events are there in the order their requests were acknowledged, and
 * each is audited once. On two cores this proves correctness, not speed; it prints the figures.
 */
@Tag("slow")
class ScaleOutIT {

  private static final int CLIENTS = 8;
  private static final int USERS = 64;

  /** The load stops at whichever comes first. */
  private static final Duration LOAD = Duration.ofSeconds(25);

  private static final int MAX_TASKS = 2_000;

  /** Every third task of a user gets completed, the oldest open one first. */
  private static final int COMPLETE_EVERY = 3;

  /** One acknowledged change: the event task-events must carry for it. */
  record Expected(String taskId, String eventType) {}

  /** A task-events record as read from Kafka. */
  record Received(
      int partition,
      long offset,
      String key,
      String eventId,
      String userId,
      String taskId,
      String eventType) {}

  @Test
  @Timeout(value = 6, unit = TimeUnit.MINUTES)
  void twoTaskServicesAndTwoAuditServicesPublishEachEventOnceInPerUserOrderAndAuditItOnce()
      throws Exception {
    Stack.assumeKafka("reads task-events straight from its Kafka partitions");
    Path work = WorkDirs.create("scale-out");
    long t0 = System.nanoTime();
    try (PostgresServer pg = PostgresServer.start(work.resolve("postgres"))) {
      String tasksDb = pg.createDatabase("tasks");
      String auditDb = pg.createDatabase("audit");
      try (Stack stack =
          Stack.startOnPostgres(
              work,
              Map.of(AppIds.TASK_SERVICE, tasksDb, AppIds.AUDIT_SERVICE, auditDb),
              AppIds.TASK_SERVICE,
              AppIds.TASK_SERVICE + "#2",
              AppIds.AUDIT_SERVICE,
              AppIds.AUDIT_SERVICE + "#2")) {
        List<ServiceApp> tasks =
            List.of(stack.app(AppIds.TASK_SERVICE), stack.app(AppIds.TASK_SERVICE + "#2"));
        List<ServiceApp> audits =
            List.of(stack.app(AppIds.AUDIT_SERVICE), stack.app(AppIds.AUDIT_SERVICE + "#2"));
        System.out.printf(
            "[scale-out] PostgreSQL, Kafka, Sentry, 4 sidecars and 4 apps up in %.1f s%n",
            (System.nanoTime() - t0) / 1e9);

        // 1. Load: each client owns its users and sends each user's requests one after another,
        //    so a user's changes are acknowledged in a known order; consecutive requests of a
        //    user alternate between the two instances.
        String run = UUID.randomUUID().toString().substring(0, 8);
        List<String> users = new ArrayList<>();
        for (int u = 0; u < USERS; u++) {
          users.add("scale-" + run + "-" + u);
        }
        Map<String, List<Expected>> expected = new ConcurrentHashMap<>();
        users.forEach(u -> expected.put(u, new ArrayList<>()));
        AtomicInteger created = new AtomicInteger();
        AtomicInteger completed = new AtomicInteger();
        AtomicInteger refused = new AtomicInteger();
        AtomicIntegerArray perInstance = new AtomicIntegerArray(tasks.size());
        List<Long> latenciesNs = java.util.Collections.synchronizedList(new ArrayList<>());
        long loadStart = System.nanoTime();
        long loadEnd = loadStart + LOAD.toNanos();
        ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
        List<Future<?>> clients = new ArrayList<>();
        for (int c = 0; c < CLIENTS; c++) {
          List<String> mine = new ArrayList<>();
          for (int u = c; u < USERS; u += CLIENTS) {
            mine.add(users.get(u));
          }
          clients.add(
              pool.submit(
                  () -> {
                    Map<String, String[]> auth = new HashMap<>();
                    Map<String, Deque<String>> open = new HashMap<>();
                    Map<String, Integer> requests = new HashMap<>();
                    Map<String, Integer> createdOf = new HashMap<>();
                    for (String user : mine) {
                      auth.put(
                          user, new String[] {"Authorization", DevIssuer.shared().bearer(user)});
                      open.put(user, new ArrayDeque<>());
                      requests.put(user, users.indexOf(user));
                    }
                    while (System.nanoTime() < loadEnd) {
                      for (String user : mine) {
                        if (created.incrementAndGet() > MAX_TASKS) {
                          created.decrementAndGet();
                          return null;
                        }
                        int n = requests.merge(user, 1, Integer::sum);
                        ServiceApp at = tasks.get(n % tasks.size());
                        long sent = System.nanoTime();
                        Http.Reply r =
                            postAsClient(
                                at.baseUrl() + "/tasks",
                                "{\"title\":\"scale-out " + n + "\"}",
                                auth.get(user),
                                refused);
                        latenciesNs.add(System.nanoTime() - sent);
                        assertThat(r.status())
                            .as("POST /tasks on %s answered %s", at.baseUrl(), r.body())
                            .isEqualTo(201);
                        perInstance.incrementAndGet(n % tasks.size());
                        String id = r.body().get("id").asText();
                        expected.get(user).add(new Expected(id, TaskEventType.CREATED.wireName()));
                        open.get(user).add(id);
                        if (createdOf.merge(user, 1, Integer::sum) % COMPLETE_EVERY == 0) {
                          String oldest = open.get(user).poll();
                          n = requests.merge(user, 1, Integer::sum);
                          at = tasks.get(n % tasks.size());
                          Http.Reply done =
                              postAsClient(
                                  at.baseUrl() + "/tasks/" + oldest + "/complete",
                                  "",
                                  auth.get(user),
                                  refused);
                          assertThat(done.status())
                              .as(
                                  "POST /tasks/{id}/complete on %s answered %s",
                                  at.baseUrl(), done.body())
                              .isEqualTo(200);
                          perInstance.incrementAndGet(n % tasks.size());
                          expected
                              .get(user)
                              .add(new Expected(oldest, TaskEventType.COMPLETED.wireName()));
                          completed.incrementAndGet();
                        }
                      }
                    }
                    return null;
                  }));
        }
        pool.shutdown();
        for (Future<?> f : clients) {
          f.get(LOAD.toSeconds() + 120, TimeUnit.SECONDS); // a failed request fails the test here
        }
        double loadSeconds = (System.nanoTime() - loadStart) / 1e9;
        int events = created.get() + completed.get();
        List<Long> sorted = latenciesNs.stream().sorted().toList();
        System.out.printf(
            "[scale-out] %d clients, %d users: %d tasks created and %d completed in %.1f s (%.0f requests/s);"
                + " requests per task-service instance %s; POST /tasks p50 %.0f ms, p99 %.0f ms; 503s sent again: %d%n",
            CLIENTS,
            USERS,
            created.get(),
            completed.get(),
            loadSeconds,
            events / loadSeconds,
            perInstance,
            sorted.get(sorted.size() / 2) / 1e6,
            sorted.get((int) (sorted.size() * 0.99)) / 1e6,
            refused.get());
        assertThat(created.get())
            .as("enough load to mean something")
            .isGreaterThanOrEqualTo(USERS * COMPLETE_EVERY);

        // 2. Everything acknowledged reaches task-events and the audit log.
        long drainStart = System.nanoTime();
        String topic = Topic.TASK_EVENTS.topicName();
        await("every acknowledged change on " + topic)
            .atMost(Duration.ofSeconds(60))
            .pollInterval(Duration.ofMillis(500))
            .until(() -> recordCount(stack.kafka, topic) >= events);
        double published = (System.nanoTime() - drainStart) / 1e9;
        try (Connection db = DriverManager.getConnection(auditDb, PostgresServer.USER, "")) {
          await("every event audited")
              .atMost(Duration.ofSeconds(90))
              .pollInterval(Duration.ofMillis(500))
              .until(() -> count(db, "select count(*) from audit_log") >= events);
          System.out.printf(
              "[scale-out] %d events: all on %s %.1f s after the load ended, all audited after %.1f s;"
                  + " audit-service instances stored %.0f and %.0f (duplicates recognised: %.0f)%n",
              events,
              topic,
              published,
              (System.nanoTime() - drainStart) / 1e9,
              stored(audits.get(0)),
              stored(audits.get(1)),
              duplicates(audits.get(0)) + duplicates(audits.get(1)));

          // 3. Each event on the topic once. At-least-once allows a second record after a crash
          //    between the broker's acknowledgement and the outbox delete; nothing crashes here,
          //    so a second record could only come from the two relays sending one outbox entry.
          List<Received> records = readAll(stack.kafka.bootstrapServers(), topic);
          Map<String, Long> perEventId =
              records.stream()
                  .collect(Collectors.groupingBy(Received::eventId, Collectors.counting()));
          Map<String, Long> twice =
              perEventId.entrySet().stream()
                  .filter(e -> e.getValue() > 1)
                  .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
          assertThat(twice)
              .as("event_ids on %s more than once (event_id -> records)", topic)
              .isEmpty();
          assertThat(records)
              .as("records on %s: one per acknowledged change", topic)
              .hasSize(events);

          // 4. Per-user order: a user's records, in offset order, are exactly that user's
          //    acknowledged changes in the order they were acknowledged (created(1) < created(2),
          //    completed after the created of its task), all on one partition (key = user).
          Map<String, List<Received>> byUser =
              records.stream()
                  .sorted(
                      java.util.Comparator.comparingInt(Received::partition)
                          .thenComparingLong(Received::offset))
                  .collect(Collectors.groupingBy(Received::userId, Collectors.toList()));
          List<String> outOfOrder = new ArrayList<>();
          for (String user : users) {
            List<Received> got = byUser.getOrDefault(user, List.of());
            assertThat(got.stream().map(Received::partition).distinct())
                .as("partitions of %s", user)
                .hasSize(1);
            assertThat(got).as("keys of %s", user).allMatch(r -> user.equals(r.key()));
            List<Expected> seen =
                got.stream().map(r -> new Expected(r.taskId(), r.eventType())).toList();
            if (!seen.equals(expected.get(user))) {
              outOfOrder.add(
                  user + ": acknowledged " + expected.get(user) + " but on Kafka " + seen);
            }
          }
          assertThat(outOfOrder)
              .as("users whose events are not in the order of their acknowledged requests")
              .isEmpty();

          // 5. Each event audited exactly once, by one of the two instances of the one group.
          assertThat(count(db, "select count(*) from audit_log")).isEqualTo(events);
          assertThat(count(db, "select count(distinct event_id) from audit_log")).isEqualTo(events);
          Set<String> audited = new HashSet<>();
          try (Statement s = db.createStatement();
              ResultSet rs = s.executeQuery("select event_id from audit_log")) {
            while (rs.next()) {
              audited.add(rs.getString(1));
            }
          }
          assertThat(audited).isEqualTo(perEventId.keySet());
          assertThat(stored(audits.get(0)))
              .as("audit-service #1 took part in the group")
              .isPositive();
          assertThat(stored(audits.get(1)))
              .as("audit-service #2 took part in the group")
              .isPositive();
          assertThat(recordCount(stack.kafka, topic))
              .as("nothing published later")
              .isEqualTo(events);
          System.out.printf(
              "[scale-out] checked: %d records, each event_id once, %d users in order, %d audited once;"
                  + " %.1f s in all%n",
              records.size(), users.size(), audited.size(), (System.nanoTime() - t0) / 1e9);
        }
      }
    }
  }

  /**
   * POST as the API asks a client to: a 503 event_bus_unavailable (publishing has failed for a
   * while, e.g. a broker stall on two busy cores; its transaction rolled back, nothing changed) is
   * sent again a second later, for at most a minute, and counted in {@code refused}. What is
   * checked below is about acknowledged requests, which this does not change.
   */
  private static Http.Reply postAsClient(
      String url, String body, String[] auth, AtomicInteger refused) throws InterruptedException {
    long giveUp = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
    while (true) {
      Http.Reply r = Http.post(url, body, "application/json", auth);
      if (r.status() != 503 || System.nanoTime() > giveUp) {
        return r;
      }
      refused.incrementAndGet();
      Thread.sleep(1_000);
    }
  }

  private static double stored(ServiceApp audit) {
    return metric(audit, "todo_events_consumed_total{outcome=\"stored\",topic=\"task-events\"}");
  }

  private static double duplicates(ServiceApp audit) {
    return metric(audit, "todo_events_consumed_total{outcome=\"duplicate\",topic=\"task-events\"}")
        + metric(audit, "todo_events_duplicates_total{topic=\"task-events\"}");
  }

  private static long count(Connection db, String sql) throws Exception {
    try (Statement s = db.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  /** Every record of the topic from the start, all partitions, with partition, offset and key. */
  private static List<Received> readAll(String bootstrapServers, String topic) throws Exception {
    return KafkaRecords.readAll(bootstrapServers, topic).stream()
        .map(
            r -> {
              JsonNode data = r.value().path("data");
              return new Received(
                  r.partition(),
                  r.offset(),
                  r.key(),
                  data.path("event_id").asText(),
                  data.path("user_id").asText(),
                  data.path("task_id").asText(),
                  data.path("event_type").asText());
            })
        .toList();
  }
}
