package dev.todoevents.bench;

import dev.todoevents.runtime.DevIssuer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * The {@code system} path: the whole system ({@link SystemRun}) under open-loop {@code POST /tasks}
 * at rising rates, spread over many users, until a rate is not kept up. Per rate: the POST's answer
 * time, POST -> WebSocket frame for a sample of users, POST -> visible in {@code /audit} for a
 * sample of tasks, whether stats-service and audit-service counted every acknowledged task, every
 * consumer group's lag (read from the project's kafka-exporter), and CPU and RSS per process. Every
 * latency runs from the request's due time on the schedule (no coordinated omission).
 */
final class SystemPath {

  /**
   * Requests the client keeps open at most; past it a due request is not sent but counted as shed
   * (so an overloaded rate cannot exhaust the machine's sockets). 2000 is 10 s of 200/s.
   */
  static final int MAX_IN_FLIGHT = 2000;

  /** Lag at or above this, for any group at the end of the drain, means not kept up. */
  static final long MAX_LAG = 100;

  private static final String CREATED = "todo.task.created";
  private static final int WARM_SECONDS = 10;
  private static final int AUDIT_POLLS = 4;

  /**
   * Below this share of the rate acknowledged per second while sending, a rate is not sustained.
   */
  static final double MIN_ACKED_SHARE = 0.9;

  /**
   * One rate's results.
   *
   * @param sent requests sent (the rate's warm-up seconds and measured ones); shed ones not
   *     included
   * @param acked answered 201 (all of the rate's requests)
   * @param post POST due time -> 201 answer, measured seconds only
   * @param ackedPerSecond 201 answers that arrived during the measured seconds, per second
   * @param framesExpected acknowledged tasks of the users with a WebSocket client
   * @param auditSampled acknowledged tasks sampled for GET /audit (measured seconds)
   * @param auditGets GET /audit requests the polling sent (they load audit-service too)
   * @param statsCounted tasks stats-service counted (todo_stats_events_total valid) since the rate
   *     began
   * @param audited task events audit-service stored since the rate began
   * @param lag group/topic -> lag at the end of the drain
   * @param usage process -> {CPU cores while sending, RSS MB at the end of sending}
   * @param drainSeconds from the last send until everything was in; NaN if it never was
   * @param why what was not kept up; empty if kept up
   */
  record Row(
      int rate,
      long sent,
      long acked,
      long otherStatus,
      long timeouts,
      long shed,
      Histogram post,
      double ackedPerSecond,
      long framesExpected,
      long framed,
      Histogram frame,
      long auditSampled,
      long auditVisible,
      long auditGets,
      Histogram audit,
      long statsCounted,
      long audited,
      Map<String, Long> lag,
      Map<String, double[]> usage,
      double drainSeconds,
      List<String> why) {

    boolean keptUp() {
      return why.isEmpty();
    }

    long maxLag() {
      return lag.values().stream().mapToLong(Long::longValue).max().orElse(0);
    }

    String maxLagGroup() {
      return lag.entrySet().stream()
          .max(Map.Entry.comparingByValue())
          .map(Map.Entry::getKey)
          .orElse("-");
    }
  }

  /** Where the path sends and reads. */
  record Endpoints(
      String tasks,
      String audit,
      String updates,
      String statsMetrics,
      String auditMetrics,
      String exporterMetrics) {}

  private final Options o;
  private final Report report;
  private final Endpoints at;
  private final Supplier<Map<String, Long>> pids;
  private final ExecutorService clientThreads = Executors.newFixedThreadPool(4);
  private final ScheduledExecutorService poller = Executors.newSingleThreadScheduledExecutor();
  private final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .executor(clientThreads)
          .connectTimeout(Duration.ofSeconds(10))
          .build();
  private final Map<Integer, Stage> stages = new ConcurrentHashMap<>();
  private final CompletableFuture<Void> probed = new CompletableFuture<>();
  private final AtomicInteger auditPolls = new AtomicInteger();
  private String[] tokens;

  SystemPath(Options o, Report report, Endpoints at, Supplier<Map<String, Long>> pids) {
    this.o = o;
    this.report = report;
    this.at = at;
    this.pids = pids;
  }

  /** Users with a WebSocket client: spread evenly over all users. */
  private boolean watched(int user) {
    return user % Math.max(1, o.systemUsers() / o.systemWsUsers()) == 0;
  }

  void run() throws Exception {
    List<WebSocket> sockets = new ArrayList<>();
    try {
      tokens = new String[o.systemUsers()];
      for (int u = 0; u < tokens.length; u++) {
        tokens[u] = DevIssuer.shared().token("sys-user-" + u);
      }
      int firstWatched = -1;
      for (int u = 0; u < tokens.length; u++) {
        if (watched(u)) {
          firstWatched = firstWatched < 0 ? u : firstWatched;
          sockets.add(
              http.newWebSocketBuilder()
                  .header("Authorization", "Bearer " + tokens[u])
                  .buildAsync(URI.create(at.updates()), listener())
                  .get(15, TimeUnit.SECONDS));
        }
      }
      report.systemNote(
          String.format(
              Locale.ROOT,
              "%d users, WebSocket clients for %d of them; GET /audit for %d acknowledged"
                  + " tasks per rate; drain window %d s; POST timeout %d s; at most %d requests in flight",
              tokens.length,
              sockets.size(),
              o.systemAuditSamples(),
              o.systemDrainSeconds(),
              o.systemDrainSeconds(),
              MAX_IN_FLIGHT));
      // realtime-service's group starts at the newest offset once it has its partitions: probe
      // until a frame arrives, so that nothing measured is published before.
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
      while (!probed.isDone()) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException(
              "no WebSocket frame from realtime-service within 90 s of creating probe tasks");
        }
        http.send(post(tokens[firstWatched], "probe"), HttpResponse.BodyHandlers.discarding());
        Thread.sleep(500);
      }
      // Warm-up pass (not reported): JIT, pools and connections settle before the first rate.
      int warmRate = Math.min(o.systemRates()[0], 50);
      double warmSeconds = o.warmPass(WARM_SECONDS);
      Row warm = stage(0, warmRate, warmSeconds, 0, 60);
      System.out.printf(
          Locale.ROOT,
          "[bench] system warmed up: %.1f s at %d/s (%s)%n",
          warmSeconds,
          warmRate,
          warm.keptUp() ? "kept up" : String.join("; ", warm.why()));
      for (int i = 0; i < o.systemRates().length; i++) {
        int rate = o.systemRates()[i];
        Row r = stage(i + 1, rate, o.warmup(), o.seconds(), o.systemDrainSeconds());
        report.systemRow(r);
        System.out.printf(
            Locale.ROOT,
            "[bench] system %d/s: sent %d, 201 %d, POST p50 %.1f p99 %.1f ms, %.0f acked/s, frame p99 %.1f ms,"
                + " audit p99 %.1f ms, stats %d, audited %d, max lag %d, %s%n",
            rate,
            r.sent(),
            r.acked(),
            Report.ms(r.post(), 50),
            Report.ms(r.post(), 99),
            r.ackedPerSecond(),
            Report.ms(r.frame(), 99),
            Report.ms(r.audit(), 99),
            r.statsCounted(),
            r.audited(),
            r.maxLag(),
            r.keptUp() ? "kept up" : "NOT kept up");
        if (!r.keptUp()) {
          report.systemNote(
              String.format(
                  Locale.ROOT,
                  "stopped climbing at %d/s, not kept up: %s",
                  rate,
                  String.join("; ", r.why())));
          break;
        }
      }
    } finally {
      sockets.forEach(WebSocket::abort);
      poller.shutdownNow();
      clientThreads.shutdownNow();
    }
  }

  /** One rate: {@code warmup} s unrecorded then {@code seconds} s measured, then the drain. */
  private Row stage(int tag, int rate, double warmup, double seconds, int drainSeconds)
      throws Exception {
    Stage s = new Stage(tag, rate, warmup, seconds);
    stages.put(tag, s);
    long stats0 = stats();
    long audited0 = audited();
    Usage.Span usage = new Usage.Span(pids.get());
    var auditPolls =
        poller.scheduleWithFixedDelay(() -> pollAudit(s), 25, 25, TimeUnit.MILLISECONDS);
    Map<String, double[]> used;
    try {
      s.run();
      used = usage.end();
      // Wait for every acknowledged task to be everywhere, and the lag to fall, within the window.
      long deadline = s.sendEnd + TimeUnit.SECONDS.toNanos(drainSeconds);
      double drained = Double.NaN;
      while (true) {
        Check c = check(s, stats0, audited0);
        if (c.waiting == 0) {
          // Everything acknowledged is in; failed requests (if any) still make the rate not kept
          // up.
          drained = (System.nanoTime() - s.sendEnd) / 1e9;
          return s.row(used, c, drained);
        }
        if (System.nanoTime() > deadline) {
          return s.row(used, c, drained);
        }
        Thread.sleep(250);
      }
    } finally {
      auditPolls.cancel(false);
      stages.remove(tag);
    }
  }

  /** Where the rate stands: counts now, and what is still missing. */
  private record Check(
      long stats, long audited, Map<String, Long> lag, List<String> why, int waiting) {}

  private Check check(Stage s, long stats0, long audited0) throws Exception {
    List<String> why = new ArrayList<>();
    long acked = s.acked.get();
    if (s.inFlight.get() > 0) {
      why.add(s.inFlight.get() + " POSTs unanswered");
    }
    // These three cannot change any more: the rate has failed, but the drain still waits for the
    // rest.
    if (s.other.get() > 0) {
      why.add(s.other.get() + " POSTs answered other than 201");
    }
    if (s.timeouts.get() > 0) {
      why.add(s.timeouts.get() + " POSTs timed out");
    }
    if (s.shed.get() > 0) {
      why.add(s.shed.get() + " requests not sent (" + MAX_IN_FLIGHT + " in flight)");
    }
    int failed = (int) Stream.of(s.other, s.timeouts, s.shed).filter(n -> n.get() > 0).count();
    // A short rate can leave a backlog that the drain window absorbs: it must also have been
    // carried while sent.
    if (s.ackedPerSecond() < MIN_ACKED_SHARE * s.rate && s.measureEnd > s.measureStart) {
      why.add(
          String.format(
              Locale.ROOT,
              "%.1f tasks/s acknowledged while sending, under %.0f%% of %d/s",
              s.ackedPerSecond(),
              MIN_ACKED_SHARE * 100,
              s.rate));
      failed++;
    }
    long framesMissing =
        s.expectFrames.stream().filter(seq -> !s.framedAt.containsKey(seq)).count();
    if (framesMissing > 0) {
      why.add(framesMissing + " of " + s.expectFrames.size() + " sampled tasks not framed");
    }
    if (!s.auditPending.isEmpty()) {
      why.add(
          s.auditPending.size()
              + " of "
              + s.auditSampled.get()
              + " sampled tasks not visible in /audit");
    }
    long stats = stats() - stats0;
    if (stats < acked) {
      why.add("stats-service counted " + stats + " of " + acked);
    }
    long audited = audited() - audited0;
    if (audited < acked) {
      why.add("audit-service stored " + audited + " of " + acked);
    }
    Map<String, Long> lag = lag();
    lag.forEach(
        (group, l) -> {
          if (l >= MAX_LAG) {
            why.add("lag " + l + " in " + group);
          }
        });
    if (lag.isEmpty()) {
      why.add("no consumer group lag from the exporter");
    }
    return new Check(stats, audited, lag, why, why.size() - failed);
  }

  /** Sends the due requests of one rate, open-loop. */
  private final class Stage {
    final int tag;
    final int rate;
    final long period;
    final long warmCount;
    final long total;
    final long auditStep;
    volatile long start;
    volatile long sendEnd;
    final Recorder post = new Recorder(3);
    final Recorder frame = new Recorder(3);
    final Recorder audit = new Recorder(3);
    final AtomicLong sent = new AtomicLong();
    final AtomicLong acked = new AtomicLong();
    final AtomicLong ackedMeasured = new AtomicLong();
    final AtomicLong other = new AtomicLong();
    final AtomicLong timeouts = new AtomicLong();
    final AtomicLong shed = new AtomicLong();
    final AtomicLong inFlight = new AtomicLong();
    final AtomicLong auditSampled = new AtomicLong();
    final AtomicLong auditVisible = new AtomicLong();
    final AtomicLong auditGets = new AtomicLong();
    final Set<Long> expectFrames = ConcurrentHashMap.newKeySet();
    final Map<Long, Long> framedAt = new ConcurrentHashMap<>();
    final Map<Long, Sample> auditPending = new ConcurrentHashMap<>();
    volatile long measureStart;
    volatile long measureEnd;

    Stage(int tag, int rate, double warmup, double seconds) {
      this.tag = tag;
      this.rate = rate;
      this.period = 1_000_000_000L / rate;
      this.warmCount = Math.round(rate * warmup);
      this.total = warmCount + Math.round(rate * seconds);
      this.auditStep = Math.max(1, (total - warmCount) / Math.max(1, o.systemAuditSamples()));
    }

    long due(long seq) {
      return start + seq * period;
    }

    boolean measured(long seq) {
      return seq >= warmCount && seq < total;
    }

    void run() {
      start = System.nanoTime() + 50_000_000L;
      measureStart = due(warmCount);
      measureEnd = due(total);
      for (long seq = 0; seq < total; seq++) {
        long due = due(seq);
        long wait;
        while ((wait = due - System.nanoTime()) > 0) {
          LockSupport.parkNanos(Math.min(wait, 200_000L));
        }
        if (inFlight.get() >= MAX_IN_FLIGHT) {
          shed.incrementAndGet();
          continue;
        }
        int user = (int) (seq % tokens.length);
        long n = seq;
        inFlight.incrementAndGet();
        sent.incrementAndGet();
        try {
          http.sendAsync(
                  post(tokens[user], "sys-" + tag + "-" + seq),
                  HttpResponse.BodyHandlers.ofString())
              .whenComplete((r, e) -> answered(n, user, r, e));
        } catch (RuntimeException e) {
          answered(n, user, null, e);
        }
      }
      sendEnd = System.nanoTime();
    }

    private void answered(long seq, int user, HttpResponse<String> r, Throwable e) {
      long now = System.nanoTime();
      try {
        if (e != null) {
          Throwable cause =
              e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
          (cause instanceof HttpTimeoutException ? timeouts : other).incrementAndGet();
          return;
        }
        if (r.statusCode() != 201) {
          other.incrementAndGet();
          return;
        }
        acked.incrementAndGet();
        if (watched(user)) {
          expectFrames.add(seq);
        }
        if (now >= measureStart && now < measureEnd) {
          ackedMeasured.incrementAndGet();
        }
        if (measured(seq)) {
          post.recordValue(Math.max(0, now - due(seq)));
          if ((seq - warmCount) % auditStep == 0) {
            String id = taskId(r.body());
            if (id != null) {
              auditSampled.incrementAndGet();
              auditPending.put(seq, new Sample(seq, user, id, now));
            }
          }
        }
      } finally {
        inFlight.decrementAndGet();
      }
    }

    void framed(long seq, long now) {
      if (framedAt.putIfAbsent(seq, now) == null && measured(seq)) {
        frame.recordValue(Math.max(0, now - due(seq)));
      }
    }

    /**
     * 201 answers that arrived during the measured seconds (of any of this rate's requests), per
     * second.
     */
    double ackedPerSecond() {
      double measuredSeconds = (measureEnd - measureStart) / 1e9;
      return measuredSeconds <= 0 ? 0 : ackedMeasured.get() / measuredSeconds;
    }

    Row row(Map<String, double[]> used, Check c, double drained) {
      return new Row(
          rate,
          sent.get(),
          acked.get(),
          other.get(),
          timeouts.get(),
          shed.get(),
          post.getIntervalHistogram(),
          ackedPerSecond(),
          expectFrames.size(),
          expectFrames.stream().filter(framedAt::containsKey).count(),
          frame.getIntervalHistogram(),
          auditSampled.get(),
          auditVisible.get(),
          auditGets.get(),
          audit.getIntervalHistogram(),
          c.stats,
          c.audited,
          c.lag,
          used,
          drained,
          c.why);
    }
  }

  /** A sampled task whose task-created entry is awaited in /audit. */
  private static final class Sample {
    final long seq;
    final int user;
    final String taskId;
    final long acked;
    final AtomicBoolean polling = new AtomicBoolean();
    volatile long next;

    Sample(long seq, int user, String taskId, long acked) {
      this.seq = seq;
      this.user = user;
      this.taskId = taskId;
      this.acked = acked;
    }
  }

  /**
   * GET /audit?task_id=..&event_type=todo.task.created as the owner, for each pending sample not
   * already being asked, at most {@value #AUDIT_POLLS} at a time: again after a fifth of the time
   * since its 201 (at least 25 ms), so a visibility is at most about 20% late and a lagging
   * audit-service is not also flooded with polls (each is a token check and a query there). Visible
   * counts at the answer that shows the entry.
   */
  private void pollAudit(Stage s) {
    long now = System.nanoTime();
    for (Sample x : s.auditPending.values()) {
      if (x.next > now
          || auditPolls.get() >= AUDIT_POLLS
          || !x.polling.compareAndSet(false, true)) {
        continue;
      }
      auditPolls.incrementAndGet();
      s.auditGets.incrementAndGet();
      HttpRequest get =
          HttpRequest.newBuilder(
                  URI.create(at.audit() + "?task_id=" + x.taskId + "&event_type=" + CREATED))
              .timeout(Duration.ofSeconds(10))
              .header("Authorization", "Bearer " + tokens[x.user])
              .GET()
              .build();
      http.sendAsync(get, HttpResponse.BodyHandlers.ofString())
          .whenComplete(
              (r, e) -> {
                long at = System.nanoTime();
                if (e == null && r.statusCode() == 200 && r.body().contains(x.taskId)) {
                  if (s.auditPending.remove(x.seq) != null) {
                    s.auditVisible.incrementAndGet();
                    s.audit.recordValue(Math.max(0, at - s.due(x.seq)));
                  }
                } else {
                  x.next = at + Math.max(25_000_000L, (at - x.acked) / 5);
                }
                auditPolls.decrementAndGet();
                x.polling.set(false);
              });
    }
  }

  private static String taskId(String body) {
    int i = body.indexOf("\"id\":\"");
    return i < 0 ? null : body.substring(i + 6, body.indexOf('"', i + 6));
  }

  private HttpRequest post(String token, String title) {
    return HttpRequest.newBuilder(URI.create(at.tasks()))
        .timeout(Duration.ofSeconds(o.systemDrainSeconds()))
        .header("Content-Type", "application/json")
        .header("Authorization", "Bearer " + token)
        .POST(HttpRequest.BodyPublishers.ofString("{\"title\":\"" + title + "\"}"))
        .build();
  }

  /** Frames of created tasks: {..."changes":{"title":"sys-STAGE-SEQ",...}}. */
  private WebSocket.Listener listener() {
    return new WebSocket.Listener() {
      private final StringBuilder partial = new StringBuilder();

      @Override
      public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
        long now = System.nanoTime();
        partial.append(data);
        if (last) {
          String frame = partial.toString();
          partial.setLength(0);
          int i = frame.indexOf("\"title\":\"sys-");
          if (i >= 0) {
            String[] ts = frame.substring(i + 13, frame.indexOf('"', i + 13)).split("-");
            Stage s = stages.get(Integer.parseInt(ts[0]));
            if (s != null) {
              s.framed(Long.parseLong(ts[1]), now);
            }
          } else if (frame.contains("\"title\":\"probe\"")) {
            probed.complete(null);
          }
        }
        ws.request(1);
        return null;
      }
    };
  }

  private String get(String url) throws Exception {
    return http.send(
            HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
            HttpResponse.BodyHandlers.ofString())
        .body();
  }

  /** Task events stats-service counted once each (todo_stats_events_total{outcome="valid"}). */
  private long stats() throws Exception {
    for (String line : get(at.statsMetrics()).split("\n")) {
      if (line.startsWith("todo_stats_events_total{outcome=\"valid\"}")) {
        return Math.round(Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)));
      }
    }
    return 0;
  }

  /** Task events audit-service stored (each event once). */
  private long audited() throws Exception {
    return AuditRun.sum(get(at.auditMetrics()), "todo_events_consumed_total", "outcome=\"stored\"");
  }

  /** group/topic -> lag, from the exporter's todo_kafka_consumer_lag. */
  private Map<String, Long> lag() throws Exception {
    Map<String, Long> lag = new TreeMap<>();
    for (String line : get(at.exporterMetrics()).split("\n")) {
      if (line.startsWith("todo_kafka_consumer_lag{")) {
        String group = label(line, "group");
        String topic = label(line, "topic");
        lag.put(
            group + "/" + topic,
            Math.round(Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1))));
      }
    }
    return lag;
  }

  private static String label(String line, String name) {
    int i = line.indexOf(name + "=\"") + name.length() + 2;
    return line.substring(i, line.indexOf('"', i));
  }
}
