package dev.todoevents.bench;

import dev.todoevents.contracts.DaprNames.AppIds;
import dev.todoevents.exporter.KafkaExporter;
import dev.todoevents.runtime.DevIssuer;
import dev.todoevents.runtime.LocalSystem;
import dev.todoevents.runtime.ServiceApp;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The whole system as a user meets it: Kafka with the project's topics, Sentry, and all six apps
 * with their sidecars (the project's own components, subscriptions, resiliency and mTLS), started
 * in parallel from nothing, as {@code dapr run -f .} does. Measures the cold start (until every
 * sidecar and every app is ready) and the memory of every process, then the user-visible path:
 * {@code POST /tasks} on task-service, open-loop, to the frame at a WebSocket client of
 * realtime-service.
 */
final class SystemRun implements AutoCloseable {

  private static final List<String> APPS =
      List.of(
          AppIds.TASK_SERVICE,
          AppIds.RECURRING_TASK_SERVICE,
          AppIds.NOTIFICATION_SERVICE,
          AppIds.AUDIT_SERVICE,
          AppIds.REALTIME_SERVICE,
          AppIds.STATS_SERVICE);
  private static final int USERS = 20;

  private LocalSystem local;

  static void measure(Options o, Report report, HttpClient http) throws Exception {
    Path work = Files.createTempDirectory("todo-bench-system");
    long t0 = System.nanoTime();
    try (SystemRun system = new SystemRun()) {
      system.start(work, o.appJvm());
      double cold = (System.nanoTime() - t0) / 1e9;
      Map<String, double[]> idle = new Usage.Span(system.pids()).end();
      // Each app runs in its own folder here (its log; a JFR file named relative to it in
      // --app-jvm).
      report.system("run folder (kept): " + work);
      report.system(
          String.format(
              Locale.ROOT,
              "cold start, from nothing to Kafka, Sentry and all 6 apps and sidecars ready: %.1f s",
              cold));
      report.system(
          String.format(
              Locale.ROOT,
              "RSS right after the start: %.0f MB in all (%s)",
              total(idle),
              rss(idle)));
      system.postToWebSocket(o, report, http);
      Map<String, double[]> after = new Usage.Span(system.pids()).end();
      report.system(
          String.format(
              Locale.ROOT,
              "RSS after the POST -> WebSocket runs: %.0f MB in all (%s)",
              total(after),
              rss(after)));
    }
  }

  /**
   * The {@code system} path: the whole system cold-started on its own (so that post-ws's overload
   * does not carry over), the project's kafka-exporter for the groups' lag, then {@link
   * SystemPath}.
   */
  static void climb(Options o, Report report) throws Exception {
    Path work = Files.createTempDirectory("todo-bench-system-path");
    long t0 = System.nanoTime();
    try (SystemRun system = new SystemRun()) {
      system.start(work, o.appJvm());
      double cold = (System.nanoTime() - t0) / 1e9;
      Map<String, double[]> idle = new Usage.Span(system.pids()).end();
      // Each process runs in its own folder of the run (its log; a JFR file named relative to it in
      // --app-jvm).
      report.systemNote(
          "run folder (kept): "
              + work
              + "; each app, its sidecar's log and a relative JFR file in "
              + work
              + "/<app-id>, Kafka in "
              + work
              + "/kafka");
      report.systemNote(
          String.format(
              Locale.ROOT,
              "cold start: %.1f s; RSS right after the start: %.0f MB in all (%s)",
              cold,
              total(idle),
              rss(idle)));
      try (KafkaExporter exporter =
          KafkaExporter.start(system.local.kafka().bootstrapServers(), "127.0.0.1", 0)) {
        String realtime = system.local.app(AppIds.REALTIME_SERVICE).baseUrl();
        String audit = system.local.app(AppIds.AUDIT_SERVICE).baseUrl();
        SystemPath.Endpoints at =
            new SystemPath.Endpoints(
                system.local.app(AppIds.TASK_SERVICE).baseUrl() + "/tasks",
                audit + "/audit",
                realtime.replaceFirst("^http", "ws") + "/updates",
                system.local.app(AppIds.STATS_SERVICE).baseUrl() + "/q/metrics",
                audit + "/q/metrics",
                "http://127.0.0.1:" + exporter.port() + "/metrics");
        new SystemPath(
                o,
                report,
                at,
                () -> {
                  Map<String, Long> p = system.pids();
                  p.put("bench", ProcessHandle.current().pid());
                  return p;
                })
            .run();
      }
      Map<String, double[]> after = new Usage.Span(system.pids()).end();
      report.systemNote(
          String.format(
              Locale.ROOT, "RSS at the end: %.0f MB in all (%s)", total(after), rss(after)));
    }
  }

  private void start(Path work, List<String> jvmFlags) {
    local =
        LocalSystem.start(
            work,
            LocalSystem.Options.defaults().broker("kafka").jvmFlags(jvmFlags).parallel(true),
            APPS.toArray(String[]::new));
  }

  private Map<String, Long> pids() {
    Map<String, Long> p = new LinkedHashMap<>();
    p.put("kafka", local.kafka().process().pid());
    p.put("sentry", local.sentry().pid());
    for (String id : APPS) {
      p.put("daprd-" + id, local.sidecar(id).process().pid());
      p.put(id, local.app(id).process().pid());
    }
    return p;
  }

  /**
   * POST /tasks for {@value #USERS} users in turn at {@code --ws-rate}, each task titled
   * bench-REPEAT-SEQ; one WebSocket client per user on realtime-service records when the task's
   * frame arrives.
   */
  private void postToWebSocket(Options o, Report report, HttpClient http) throws Exception {
    Map<Integer, OpenLoop> loops = new ConcurrentHashMap<>();
    CompletableFuture<Void> probed = new CompletableFuture<>();
    List<WebSocket> sockets = new ArrayList<>();
    String[] tokens = new String[USERS];
    ServiceApp live = local.app(AppIds.REALTIME_SERVICE);
    try {
      for (int u = 0; u < USERS; u++) {
        tokens[u] = DevIssuer.shared().token("bench-user-" + u);
        sockets.add(
            http.newWebSocketBuilder()
                .header("Authorization", "Bearer " + tokens[u])
                .buildAsync(
                    URI.create(live.baseUrl().replaceFirst("^http", "ws") + "/updates"),
                    listener(loops, probed))
                .get(15, TimeUnit.SECONDS));
      }
      String tasks = local.app(AppIds.TASK_SERVICE).baseUrl() + "/tasks";
      // realtime-service's per-instance group starts at the newest offset once Kafka assigns it
      // its partitions: probe until a frame arrives, so nothing measured is published before.
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
      while (!probed.isDone()) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException(
              "no WebSocket frame from realtime-service within 90 s of creating probe tasks");
        }
        http.send(post(tasks, tokens[0], "probe"), HttpResponse.BodyHandlers.discarding());
        Thread.sleep(500);
      }
      // A warm-up pass (repeat 0, not reported): the apps' JIT, pools and connections settle
      // first, or the first repeat measures a cold JVM (p50 10x the next one's at 25/s).
      double warmSeconds = o.warmPass(10);
      OpenLoop warm = new OpenLoop(Math.min(o.wsRate(), 50), warmSeconds, 0.1);
      loops.put(0, warm);
      warm.run(
          seq ->
              http.sendAsync(
                  post(tasks, tokens[(int) (seq % USERS)], "bench-0-" + seq),
                  HttpResponse.BodyHandlers.discarding()));
      warm.drain(10);
      warm.settle(60);
      System.out.printf(
          "[bench] post-ws warmed up: %.1f s at %d/s%n", warmSeconds, Math.min(o.wsRate(), 50));
      for (int repeat = 1; repeat <= o.repeat(); repeat++) {
        OpenLoop loop = new OpenLoop(o.wsRate(), o.warmup(), o.seconds());
        loops.put(repeat, loop);
        String prefix = "bench-" + repeat + "-";
        long windowStart = System.currentTimeMillis();
        Usage.Span usage = new Usage.Span(pids());
        loop.run(
            seq ->
                http.sendAsync(
                        post(tasks, tokens[(int) (seq % USERS)], prefix + seq),
                        HttpResponse.BodyHandlers.discarding())
                    .whenComplete(
                        (r, e) -> {
                          if (e != null || r.statusCode() != 201) {
                            loop.failed();
                          }
                        }));
        loop.drain(10);
        Map<String, double[]> used = usage.end();
        long windowEnd = System.currentTimeMillis();
        long received = loop.received();
        loop.settle(60);
        Report.Row r =
            new Report.Row(
                "post-ws",
                0,
                o.wsRate(),
                repeat,
                loop.sent(),
                received,
                loop.sendErrors(),
                loop.latencies().getIntervalHistogram(),
                loop.maxLag(),
                loop.deliveredPerSecond(),
                used);
        report.add(r);
        System.out.printf(
            "[bench] post-ws %d/s #%d: sent %d framed %d errors %d, p50 %.2f ms p99 %.2f ms, max lag %d%n",
            o.wsRate(),
            repeat,
            r.sent(),
            r.received(),
            r.errors(),
            Report.ms(r.h(), 50),
            Report.ms(r.h(), 99),
            r.maxLag());
        // Per task framed in the window: a request that timed out at the client may still have been
        // created, so sent - errors is no count of the work done once the system falls behind.
        report.system(cpuPerTask(o.wsRate(), repeat, windowStart, windowEnd, used, received));
      }
    } finally {
      sockets.forEach(WebSocket::abort);
    }
  }

  private static HttpRequest post(String url, String token, String title) {
    return HttpRequest.newBuilder(URI.create(url))
        .timeout(Duration.ofSeconds(30))
        .header("Content-Type", "application/json")
        .header("Authorization", "Bearer " + token)
        .POST(HttpRequest.BodyPublishers.ofString("{\"title\":\"" + title + "\"}"))
        .build();
  }

  /** Frames of created tasks: {"event_type":"created",...,"changes":{"title":"bench-R-N",...}}. */
  private static WebSocket.Listener listener(
      Map<Integer, OpenLoop> loops, CompletableFuture<Void> probed) {
    return new WebSocket.Listener() {
      private final StringBuilder partial = new StringBuilder();

      @Override
      public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
        partial.append(data);
        if (last) {
          String frame = partial.toString();
          partial.setLength(0);
          int i = frame.indexOf("\"title\":\"bench-");
          if (i >= 0) {
            String[] rs = frame.substring(i + 15, frame.indexOf('"', i + 15)).split("-");
            OpenLoop loop = loops.get(Integer.parseInt(rs[0]));
            if (loop != null) {
              loop.received(Long.parseLong(rs[1]));
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

  /**
   * The whole system's CPU per task framed over one repeat (its warm-up seconds, the measured ones
   * and the drain), with the window in epoch ms so that a profile can be cut to it (ProfileSummary
   * --from --to).
   */
  private static String cpuPerTask(
      int rate, int repeat, long from, long to, Map<String, double[]> used, long tasks) {
    double wall = (to - from) / 1000.0;
    double total = used.values().stream().mapToDouble(v -> v[0] * wall).sum();
    List<String> parts = new ArrayList<>();
    used.forEach(
        (name, v) -> parts.add(String.format(Locale.ROOT, "%s %.1f s", name, v[0] * wall)));
    return String.format(
        Locale.ROOT,
        "post-ws %d/s #%d: window %d-%d epoch ms (%.1f s); %d tasks framed; CPU %.1f s in all,"
            + " %.1f ms per task (%s)",
        rate,
        repeat,
        from,
        to,
        wall,
        tasks,
        total,
        tasks == 0 ? Double.NaN : total * 1000 / tasks,
        String.join(", ", parts));
  }

  private static double total(Map<String, double[]> usage) {
    return usage.values().stream().mapToDouble(v -> v[1]).sum();
  }

  private static String rss(Map<String, double[]> usage) {
    List<String> parts = new ArrayList<>();
    usage.forEach((name, v) -> parts.add(name + " " + Math.round(v[1])));
    return String.join(", ", parts);
  }

  @Override
  public void close() {
    if (local != null) {
      local.close();
    }
  }
}
