package dev.todoevents.bench;

import dev.todoevents.runtime.ProjectPaths;
import dev.todoevents.runtime.PubSubBroker;
import dev.todoevents.runtime.ServiceApp;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The benchmark's command line: what to run, and the knobs of the tuning round. */
record Options(
    int[] rates,
    int[] sizes,
    double seconds,
    double warmup,
    Double warmPassSeconds,
    int repeat,
    List<String> paths,
    Path out,
    int lingerMs,
    String compression,
    int partitions,
    int bulkMax,
    int bulkAwaitMs,
    int publishBatch,
    int wsRate,
    List<String> appJvm,
    List<String> auditBrokers,
    int auditEvents,
    int auditWarmup,
    int auditPublishers,
    Integer auditAwaitMs,
    int[] systemRates,
    int systemUsers,
    int systemWsUsers,
    int systemAuditSamples,
    int systemDrainSeconds) {

  /** Every path; a run without --paths runs them all. */
  static final List<String> ALL_PATHS =
      List.of("kafka", "dapr-http", "dapr-grpc", "dapr-quarkus", "dapr-bulk", "post-ws", "system");

  private static final Set<String> KNOWN =
      Set.of(
          "rates",
          "sizes",
          "seconds",
          "warmup",
          "warm-pass-s",
          "repeat",
          "paths",
          "out",
          "linger-ms",
          "compression",
          "partitions",
          "bulk-max",
          "bulk-await-ms",
          "publish-batch",
          "ws-rate",
          "app-jvm",
          "audit-brokers",
          "audit-events",
          "audit-warmup",
          "audit-publishers",
          "audit-await-ms",
          "system-rates",
          "system-users",
          "system-ws-users",
          "system-audit-samples",
          "system-drain-s");

  static Options parse(String[] args) {
    Map<String, String> m = new HashMap<>();
    for (int i = 0; i < args.length; i += 2) {
      String key = args[i].startsWith("--") ? args[i].substring(2) : null;
      if (key == null || !KNOWN.contains(key) || i + 1 >= args.length) {
        throw new IllegalArgumentException(
            "expected --option value with an option of " + KNOWN + ", got " + args[i]);
      }
      m.put(key, args[i + 1]);
    }
    List<String> auditBrokers =
        m.containsKey("audit-brokers") ? List.of(m.get("audit-brokers").split(",")) : List.of();
    for (String b : auditBrokers) {
      if (!PubSubBroker.NAMES.contains(b)) {
        throw new IllegalArgumentException(
            "--audit-brokers: no broker " + b + "; the brokers are " + PubSubBroker.NAMES);
      }
    }
    // The audit mode alone runs no path unless --paths names some.
    String allPaths = auditBrokers.isEmpty() ? String.join(",", ALL_PATHS) : "";
    List<String> paths =
        List.of(m.getOrDefault("paths", allPaths).split(",")).stream()
            .filter(p -> !p.isEmpty())
            .toList();
    for (String p : paths) {
      if (!ALL_PATHS.contains(p)) {
        throw new IllegalArgumentException(
            "--paths: no path " + p + "; the paths are " + ALL_PATHS);
      }
    }
    int systemUsers = Integer.parseInt(m.getOrDefault("system-users", "1000"));
    int systemWsUsers = Integer.parseInt(m.getOrDefault("system-ws-users", "50"));
    if (systemUsers < 1 || systemWsUsers < 1 || systemWsUsers > systemUsers) {
      throw new IllegalArgumentException(
          "--system-users and --system-ws-users: 1 <= ws users <= users, got "
              + systemWsUsers
              + " of "
              + systemUsers);
    }
    return new Options(
        ints(m.getOrDefault("rates", "250,500,1000,2000,4000,8000")),
        ints(m.getOrDefault("sizes", "200,1024")),
        Double.parseDouble(m.getOrDefault("seconds", "10")),
        Double.parseDouble(m.getOrDefault("warmup", "3")),
        m.containsKey("warm-pass-s") ? Double.valueOf(m.get("warm-pass-s")) : null,
        Integer.parseInt(m.getOrDefault("repeat", "1")),
        paths,
        Paths.get(
            m.getOrDefault(
                "out", ProjectPaths.root().resolve("tools/benchmark/results").toString())),
        Integer.parseInt(m.getOrDefault("linger-ms", "5")),
        m.getOrDefault("compression", "none"),
        Integer.parseInt(m.getOrDefault("partitions", "3")),
        Integer.parseInt(m.getOrDefault("bulk-max", "100")),
        Integer.parseInt(m.getOrDefault("bulk-await-ms", "20")),
        Integer.parseInt(m.getOrDefault("publish-batch", "100")),
        Integer.parseInt(m.getOrDefault("ws-rate", "200")),
        m.containsKey("app-jvm")
            ? List.of(m.get("app-jvm").trim().split("\\s+"))
            : ServiceApp.DEFAULT_JVM_FLAGS,
        auditBrokers,
        Integer.parseInt(m.getOrDefault("audit-events", "5000")),
        Integer.parseInt(m.getOrDefault("audit-warmup", "500")),
        Integer.parseInt(m.getOrDefault("audit-publishers", "4")),
        m.containsKey("audit-await-ms") ? Integer.valueOf(m.get("audit-await-ms")) : null,
        ints(m.getOrDefault("system-rates", "50,100,200,500,1000")),
        systemUsers,
        systemWsUsers,
        Integer.parseInt(m.getOrDefault("system-audit-samples", "50")),
        Integer.parseInt(m.getOrDefault("system-drain-s", "30")));
  }

  /**
   * Seconds of the throw-away pass that settles JIT, pools and consumer groups before the first
   * measured row: {@code --warm-pass-s}, else this path's default.
   */
  double warmPass(double pathDefault) {
    return warmPassSeconds == null ? pathDefault : warmPassSeconds;
  }

  /** The audit mode's settings, for its report. */
  String describeAudit() {
    return String.format(
        java.util.Locale.ROOT,
        "%d task events per broker after a %d-event warm-up, published by %d threads through task-service's sidecar;"
            + " audit-service's bulkSubscribe maxAwaitDurationMs %s; app JVM flags %s",
        auditEvents,
        auditWarmup,
        auditPublishers,
        auditAwaitMs == null
            ? "as in subscriptions/"
            : auditAwaitMs + " (a copy of subscriptions/)",
        String.join(" ", appJvm));
  }

  private static int[] ints(String csv) {
    return Arrays.stream(csv.split(",")).mapToInt(Integer::parseInt).toArray();
  }

  /** The settings this run used, for the report's header. */
  String describe() {
    return String.format(
        java.util.Locale.ROOT,
        "%.0f s measured after %.0f s warm-up per row, %d repeat(s); %d partitions; raw producer linger.ms %d; compression %s;"
            + " bulk publish batches of up to %d (5 ms); bulkSubscribe maxMessagesCount %d, maxAwaitDurationMs %d;"
            + " POST -> WebSocket at %d/s; system path at %s/s over %d users (%d with a WebSocket client, %d /audit samples per rate,"
            + " %d s drain); app JVM flags %s",
        seconds,
        warmup,
        repeat,
        partitions,
        lingerMs,
        compression,
        publishBatch,
        bulkMax,
        bulkAwaitMs,
        wsRate,
        Arrays.stream(systemRates)
            .mapToObj(Integer::toString)
            .collect(java.util.stream.Collectors.joining(",")),
        systemUsers,
        systemWsUsers,
        systemAuditSamples,
        systemDrainSeconds,
        String.join(" ", appJvm));
  }
}
