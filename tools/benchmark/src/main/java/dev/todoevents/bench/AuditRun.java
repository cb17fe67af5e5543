package dev.todoevents.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.todoevents.contracts.DaprNames;
import dev.todoevents.contracts.DaprNames.AppIds;
import dev.todoevents.contracts.Events;
import dev.todoevents.contracts.Samples;
import dev.todoevents.contracts.TaskEvent;
import dev.todoevents.contracts.Topic;
import dev.todoevents.runtime.Daprd;
import dev.todoevents.runtime.KafkaBroker;
import dev.todoevents.runtime.Ports;
import dev.todoevents.runtime.ProjectPaths;
import dev.todoevents.runtime.PubSubBroker;
import dev.todoevents.runtime.Sentry;
import dev.todoevents.runtime.ServiceApp;
import dev.todoevents.runtime.Shutdown;
import dev.todoevents.runtime.SystemEnv;
import dev.todoevents.runtime.TopicAdmin;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * audit-service's drain rate on one broker: the broker behind {@code pubsub}, a Sentry,
 * audit-service with its sidecar (the project's components, subscriptions and resiliency), and
 * task-service's sidecar alone as the publisher. N valid task events are published as fast as a few
 * threads can through the publisher's sidecar, and the run ends when audit-service has recorded all
 * of them (its {@code todo_events_consumed_total} counter). Closed-loop on purpose: what is
 * measured is how fast a backlog drains, not latency at an offered rate.
 */
final class AuditRun implements AutoCloseable {

  private static final int USERS = 20;
  private static final String SUBSCRIPTION = "audit-task-events.yaml";
  private static final Pattern AWAIT = Pattern.compile("maxAwaitDurationMs: *(\\d+)");

  /** A run ends when nothing more is recorded for this long (e.g. events lost or dead-lettered). */
  private static final Duration STALLED = Duration.ofSeconds(60);

  /**
   * One broker's figures.
   *
   * @param awaitMs the bulkSubscribe maxAwaitDurationMs audit-service's sidecar ran with
   * @param published events the publisher sidecar accepted (2xx)
   * @param recorded events audit-service stored for the first time during the run
   * @param drainSeconds from the first publish to the last event recorded
   * @param cpu process name -> CPU cores over the run
   */
  record Row(
      String broker,
      int awaitMs,
      int events,
      long published,
      long publishErrors,
      double publishSeconds,
      long recorded,
      double drainSeconds,
      long duplicates,
      long deadLetteredByApp,
      int dlqMessages,
      long bulkRequests,
      Map<String, Double> cpu) {
    double auditedPerSecond() {
      return recorded / drainSeconds;
    }

    double publishedPerSecond() {
      return published / publishSeconds;
    }
  }

  private final String broker;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
  private KafkaBroker kafka;
  private PubSubBroker pubsub;
  private Sentry sentry;
  private final List<Daprd> sidecars = new ArrayList<>();
  private ServiceApp audit;

  private AuditRun(String broker) {
    this.broker = broker;
  }

  static void measure(Options o, Report report) throws Exception {
    for (String broker : o.auditBrokers()) {
      // One broker that fails is reported and does not keep the others from being measured.
      try (AuditRun run = new AuditRun(broker)) {
        report.audit(run.drain(o));
      } catch (Exception e) {
        e.printStackTrace();
        report.auditFailed(broker, e);
      }
    }
  }

  private Row drain(Options o) throws Exception {
    Path work = Files.createTempDirectory("todo-bench-audit-" + broker);
    Path subscriptions = subscriptions(work, o.auditAwaitMs());
    Matcher await = AWAIT.matcher(Files.readString(subscriptions.resolve(SUBSCRIPTION)));
    if (!await.find()) {
      throw new IllegalStateException(SUBSCRIPTION + " has no maxAwaitDurationMs");
    }
    List<Path> resources =
        Stream.of(ProjectPaths.resourcesPaths(broker))
            .map(p -> p.getFileName().toString().equals("subscriptions") ? subscriptions : p)
            .toList();

    System.out.printf(
        "[bench] audit %s: starting the broker, Sentry, audit-service and the publisher sidecar%n",
        broker);
    sentry = Sentry.start(work.resolve("sentry"));
    if (broker.equals("kafka")) {
      kafka = KafkaBroker.start(work.resolve("kafka"));
      TopicAdmin.ensureTopics(kafka.bootstrapServers());
    }
    // No Kafka node on the other brokers: nothing reads it, and it would take CPU from what is
    // measured.
    pubsub = PubSubBroker.start(broker, work.resolve(broker), kafka);
    Map<String, String> env = SystemEnv.sidecars(work, kafka, pubsub, null);
    int auditPort = Ports.free();
    Path auditDir = work.resolve(AppIds.AUDIT_SERVICE);
    Daprd auditSidecar = sidecar(AppIds.AUDIT_SERVICE, auditPort, auditDir, env, resources);
    audit =
        new ServiceApp(
                AppIds.AUDIT_SERVICE,
                auditPort,
                auditDir,
                SystemEnv.app(auditSidecar, auditDir, null))
            .jvmFlags(o.appJvm());
    audit.start();
    // Nothing listens on the publisher's app port: its sidecar only publishes.
    Daprd publisher =
        sidecar(
            AppIds.TASK_SERVICE, Ports.free(), work.resolve(AppIds.TASK_SERVICE), env, resources);

    // Probes until one is recorded: the subscription is live (on RabbitMQ the queue exists only
    // from then on), then a warm-up pass for audit-service's JIT and connections.
    long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
    long before = stored();
    while (stored() == before) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
            "audit-service recorded no probe event within 120 s on " + broker);
      }
      publish(publisher, events(1).get(0));
      Thread.sleep(500);
    }
    publishAll(publisher, events(o.auditWarmup()), o.auditPublishers());
    awaitRecorded(before + 1 + o.auditWarmup());
    awaitQuiet();
    System.out.printf("[bench] audit %s: warmed up with %d events%n", broker, o.auditWarmup());

    List<Event> payloads = events(o.auditEvents());
    long stored0 = stored();
    String metrics0 = metrics();
    Map<String, Long> pids = new LinkedHashMap<>();
    pids.put("audit-service", audit.process().pid());
    pids.put("daprd-audit", auditSidecar.process().pid());
    pids.put("daprd-publisher", publisher.process().pid());
    Usage.Span usage = new Usage.Span(pids);
    long t0 = System.nanoTime();
    // {accepted, failed, nanoTime when the last answer came}
    CompletableFuture<long[]> publishing =
        CompletableFuture.supplyAsync(
            () -> {
              long[] r = publishAll(publisher, payloads, o.auditPublishers());
              return new long[] {r[0], r[1], System.nanoTime()};
            });
    long lastStored = stored0;
    long lastChange = System.nanoTime();
    long doneAt = t0;
    while (true) {
      long now = stored();
      if (now != lastStored) {
        lastStored = now;
        lastChange = System.nanoTime();
        doneAt = lastChange;
      }
      if (publishing.isDone() && now - stored0 >= publishing.get()[0]) {
        break;
      }
      if (publishing.isDone() && System.nanoTime() - lastChange > STALLED.toNanos()) {
        System.out.printf(
            "[bench] audit %s: nothing recorded for %d s, %d of %d recorded; stopping%n",
            broker, STALLED.toSeconds(), now - stored0, publishing.get()[0]);
        break;
      }
      Thread.sleep(100);
    }
    long[] outcome = publishing.get();
    Map<String, double[]> used = usage.end();
    String metrics1 = metrics();
    Map<String, Double> cpu = new LinkedHashMap<>();
    used.forEach((name, v) -> cpu.put(name, v[0]));
    Row row =
        new Row(
            broker,
            Integer.parseInt(await.group(1)),
            o.auditEvents(),
            outcome[0],
            outcome[1],
            (outcome[2] - t0) / 1e9,
            lastStored - stored0,
            (doneAt - t0) / 1e9,
            delta(metrics0, metrics1, "todo_events_consumed_total", "outcome=\"duplicate\""),
            delta(metrics0, metrics1, "todo_events_deadlettered_total"),
            pubsub.messages(Topic.TASK_EVENTS.dlqName()).size(),
            delta(metrics0, metrics1, "todo_events_bulk_requests_total"),
            cpu);
    System.out.printf(
        java.util.Locale.ROOT,
        "[bench] audit %s (maxAwaitDurationMs %d): published %d in %.1f s (%.0f/s, %d errors); recorded %d in %.1f s: %.1f events/s;"
            + " %d bulk requests, %d duplicates, dead-lettered %d (app) / %d in %s%n",
        broker,
        row.awaitMs(),
        row.published(),
        row.publishSeconds(),
        row.publishedPerSecond(),
        row.publishErrors(),
        row.recorded(),
        row.drainSeconds(),
        row.auditedPerSecond(),
        row.bulkRequests(),
        row.duplicates(),
        row.deadLetteredByApp(),
        row.dlqMessages(),
        Topic.TASK_EVENTS.dlqName());
    return row;
  }

  /**
   * The project's subscriptions/ folder, or with {@code awaitMs} a copy of it in {@code work} whose
   * audit subscription waits that long for a batch (the tracked files stay as they are: others run
   * tests from this tree).
   */
  private static Path subscriptions(Path work, Integer awaitMs) throws IOException {
    Path project = ProjectPaths.root().resolve("subscriptions");
    if (awaitMs == null) {
      return project;
    }
    Path copy = work.resolve("subscriptions");
    Files.createDirectories(copy);
    try (Stream<Path> files = Files.list(project)) {
      for (Path f : files.toList()) {
        Files.copy(f, copy.resolve(f.getFileName()));
      }
    }
    Path audit = copy.resolve(SUBSCRIPTION);
    String yaml = Files.readString(audit);
    if (!AWAIT.matcher(yaml).find()) {
      throw new IllegalStateException(
          project.resolve(SUBSCRIPTION) + " has no maxAwaitDurationMs to override");
    }
    Files.writeString(audit, AWAIT.matcher(yaml).replaceFirst("maxAwaitDurationMs: " + awaitMs));
    return copy;
  }

  /** A sidecar with these resources folders, stopped with the run. */
  private Daprd sidecar(
      String appId, int appPort, Path dir, Map<String, String> env, List<Path> resources) {
    Daprd d = Daprd.start(appId, appPort, dir, env, sentry, resources);
    sidecars.add(d);
    return d;
  }

  /**
   * {@code n} task-created events made from the shared sample, as task-service publishes them:
   * fresh event and task ids, one of {@value #USERS} users in turn, in the CloudEvents envelope.
   */
  private static List<Event> events(int n) {
    List<Event> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      ObjectNode data = (ObjectNode) Samples.load("task-event.created.json");
      data.put("event_id", UUID.randomUUID().toString())
          .put("task_id", UUID.randomUUID().toString())
          .put("user_id", "bench-user-" + i % USERS);
      TaskEvent event = Events.read(data, TaskEvent.class);
      out.add(
          new Event(
              event.userId(),
              new String(
                  Events.toJson(
                      Events.envelope(
                          event, AppIds.TASK_SERVICE, UUID.randomUUID().toString(), null)),
                  java.nio.charset.StandardCharsets.UTF_8)));
    }
    return out;
  }

  /** A CloudEvent to publish, keyed by its user (the partitionKey). */
  private record Event(String user, String cloudEvent) {}

  /**
   * Publishes every payload from {@code threads} threads, each waiting for its answer; {accepted,
   * failed}.
   */
  private long[] publishAll(Daprd publisher, List<Event> payloads, int threads) {
    AtomicInteger next = new AtomicInteger();
    AtomicLong ok = new AtomicLong();
    AtomicLong failed = new AtomicLong();
    List<Thread> workers = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      Thread w =
          new Thread(
              () -> {
                for (int i = next.getAndIncrement();
                    i < payloads.size();
                    i = next.getAndIncrement()) {
                  (publish(publisher, payloads.get(i)) ? ok : failed).incrementAndGet();
                }
              },
              "bench-audit-publisher-" + t);
      w.start();
      workers.add(w);
    }
    for (Thread w : workers) {
      try {
        w.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while publishing", e);
      }
    }
    return new long[] {ok.get(), failed.get()};
  }

  private boolean publish(Daprd publisher, Event e) {
    HttpRequest req =
        HttpRequest.newBuilder(
                URI.create(
                    "http://127.0.0.1:"
                        + publisher.httpPort()
                        + "/v1.0/publish/pubsub/"
                        + Topic.TASK_EVENTS.topicName()
                        + "?metadata.partitionKey="
                        + e.user()))
            .timeout(Duration.ofSeconds(30))
            .header("Content-Type", "application/cloudevents+json")
            .header(DaprNames.API_TOKEN_HEADER, publisher.apiToken())
            .POST(HttpRequest.BodyPublishers.ofString(e.cloudEvent()))
            .build();
    try {
      return http.send(req, HttpResponse.BodyHandlers.discarding()).statusCode() / 100 == 2;
    } catch (IOException ex) {
      return false;
    } catch (InterruptedException ex) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private void awaitRecorded(long target) throws Exception {
    long last = stored();
    long lastChange = System.nanoTime();
    while (last < target) {
      Thread.sleep(200);
      long now = stored();
      if (now != last) {
        last = now;
        lastChange = System.nanoTime();
      } else if (System.nanoTime() - lastChange > STALLED.toNanos()) {
        throw new IllegalStateException(
            "audit-service stopped at " + now + " of " + target + " warm-up events on " + broker);
      }
    }
  }

  /** Until the count has not moved for 2 s: late probes are in before the measured run starts. */
  private void awaitQuiet() throws Exception {
    long last = -1;
    long now = stored();
    while (now != last) {
      last = now;
      Thread.sleep(2000);
      now = stored();
    }
  }

  private String metrics() throws Exception {
    return http.send(
            HttpRequest.newBuilder(URI.create(audit.baseUrl() + "/q/metrics"))
                .timeout(Duration.ofSeconds(10))
                .build(),
            HttpResponse.BodyHandlers.ofString())
        .body();
  }

  /** Events audit-service has stored (each event_id once), from its Prometheus endpoint. */
  private long stored() throws Exception {
    return sum(metrics(), "todo_events_consumed_total", "outcome=\"stored\"");
  }

  /** The sum of a counter's task-events series that carry every label in {@code labels}. */
  static long sum(String prometheus, String counter, String... labels) {
    double total = 0;
    for (String line : prometheus.split("\n")) {
      if (line.startsWith(counter + "{")
          && line.contains("topic=\"task-events\"")
          && Stream.of(labels).allMatch(line::contains)) {
        total += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    return Math.round(total);
  }

  private static long delta(String before, String after, String counter, String... labels) {
    return sum(after, counter, labels) - sum(before, counter, labels);
  }

  @Override
  public void close() {
    Shutdown.system(audit == null ? List.of() : List.of(audit), sidecars, sentry, pubsub, kafka);
  }
}
