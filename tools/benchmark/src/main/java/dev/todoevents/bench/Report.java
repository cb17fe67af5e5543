package dev.todoevents.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.ToDoubleFunction;
import org.HdrHistogram.Histogram;

/**
 * The benchmark's results: markdown tables (rows with repeats folded to medians, the highest rate
 * each path keeps up with, Dapr / raw Kafka ratios, the whole system's start) printed and written
 * to results.md, every row to results.csv (which tools/bench-plot.py draws); the audit mode's drain
 * rates per broker to audit.md and audit.csv.
 */
final class Report {

  /**
   * One measured row.
   *
   * @param size message bytes; 0 for post-ws (a task's title)
   * @param throughput messages per second that arrived while sending
   * @param usage process name -> {CPU cores, RSS MB} during the row
   */
  record Row(
      String path,
      int size,
      int rate,
      int repeat,
      long sent,
      long received,
      long errors,
      Histogram h,
      long maxLag,
      double throughput,
      Map<String, double[]> usage) {
    /**
     * Everything arrived (within 10 s after the last send), no send failed, the backlog stayed
     * under 100.
     */
    boolean keptUp() {
      return delivered() && maxLag < 100;
    }

    /**
     * Everything arrived within 10 s after the last send and no send failed (the backlog may have
     * grown).
     */
    boolean delivered() {
      return received == sent && errors == 0;
    }
  }

  private final Options options;
  private final List<Row> rows = new ArrayList<>();
  private final List<String> system = new ArrayList<>();
  private final List<AuditRun.Row> audit = new ArrayList<>();
  private final List<String> auditFailures = new ArrayList<>();
  private final List<SystemPath.Row> systemRows = new ArrayList<>();
  private final List<String> systemNotes = new ArrayList<>();

  Report(Options options) {
    this.options = options;
  }

  synchronized void add(Row row) {
    rows.add(row);
  }

  /** A line for the whole-system section (cold start, memory). */
  synchronized void system(String markdownLine) {
    system.add(markdownLine);
    System.out.println("[bench] " + markdownLine);
  }

  /** A rate of the system path. */
  synchronized void systemRow(SystemPath.Row row) {
    systemRows.add(row);
  }

  /** A line for the system path's section (its start, settings, where it stopped). */
  synchronized void systemNote(String markdownLine) {
    systemNotes.add(markdownLine);
    System.out.println("[bench] system: " + markdownLine);
  }

  synchronized void audit(AuditRun.Row row) {
    audit.add(row);
  }

  /** A broker whose audit run could not be measured (it failed to start, or threw). */
  synchronized void auditFailed(String broker, Exception e) {
    auditFailures.add(broker + ": " + e);
  }

  static double ms(Histogram h, double percentile) {
    return h.getTotalCount() == 0 ? Double.NaN : h.getValueAtPercentile(percentile) / 1e6;
  }

  /**
   * results.md and results.csv when paths ran; audit.md and audit.csv when the audit mode ran (a
   * run of the audit mode alone leaves the paths' results as they were).
   */
  void write() throws IOException {
    Files.createDirectories(options.out());
    if (!rows.isEmpty() || !system.isEmpty() || !systemRows.isEmpty() || !systemNotes.isEmpty()) {
      write("results", markdown(), csv());
    }
    if (!systemRows.isEmpty()) {
      Files.writeString(options.out().resolve("system.csv"), systemCsv());
      Files.writeString(options.out().resolve("system-usage.csv"), systemUsageCsv());
      System.out.println(
          "written: "
              + options.out().resolve("system.csv")
              + ", "
              + options.out().resolve("system-usage.csv"));
    }
    if (!audit.isEmpty() || !auditFailures.isEmpty()) {
      write("audit", auditMarkdown(), auditCsv());
    }
  }

  /** {@code name}.md (also printed) and {@code name}.csv in the output folder. */
  private void write(String name, String md, String csv) throws IOException {
    System.out.println(md);
    Files.writeString(options.out().resolve(name + ".md"), md);
    Files.writeString(options.out().resolve(name + ".csv"), csv);
    System.out.println(
        "written: "
            + options.out().resolve(name + ".md")
            + ", "
            + options.out().resolve(name + ".csv"));
  }

  String auditMarkdown() {
    StringBuilder b =
        new StringBuilder("audit-service drain rate per broker. Settings: ")
            .append(options.describeAudit())
            .append(".\n\n");
    b.append(
        "Audited /s: events recorded from the first publish to the last record. Dead-lettered: audit-service's own"
            + " (todo_events_deadlettered_total) / messages in task-events-dlq. CPU over the run, in cores.\n\n");
    b.append(
        "| broker | maxAwaitDurationMs | events | published /s | audited /s | drain s | recorded | events per bulk request |"
            + " duplicates | dead-lettered | CPU audit-service / its daprd / publisher daprd |\n");
    b.append("|---|---|---|---|---|---|---|---|---|---|---|\n");
    for (AuditRun.Row r : audit) {
      b.append(
          String.format(
              Locale.ROOT,
              "| %s | %d | %d | %.0f%s | %.1f | %.1f | %d%s | %.1f | %d | %d / %d | %.2f / %.2f / %.2f |%n",
              r.broker(),
              r.awaitMs(),
              r.events(),
              r.publishedPerSecond(),
              r.publishErrors() > 0 ? " (" + r.publishErrors() + " failed)" : "",
              r.auditedPerSecond(),
              r.drainSeconds(),
              r.recorded(),
              r.recorded() < r.published() ? " of " + r.published() : "",
              r.bulkRequests() == 0 ? 0.0 : (double) r.recorded() / r.bulkRequests(),
              r.duplicates(),
              r.deadLetteredByApp(),
              r.dlqMessages(),
              r.cpu().getOrDefault("audit-service", 0.0),
              r.cpu().getOrDefault("daprd-audit", 0.0),
              r.cpu().getOrDefault("daprd-publisher", 0.0)));
    }
    auditFailures.forEach(f -> b.append("\nNot measured: ").append(f).append("\n"));
    return b.toString();
  }

  String auditCsv() {
    StringBuilder b =
        new StringBuilder(
            "broker,await_ms,events,published,publish_errors,publish_s,recorded,drain_s,audited_per_s,"
                + "duplicates,deadlettered_app,dlq_messages,bulk_requests,cpu_audit,cpu_daprd_audit,cpu_daprd_publisher\n");
    for (AuditRun.Row r : audit) {
      b.append(
          String.format(
              Locale.ROOT,
              "%s,%d,%d,%d,%d,%.3f,%d,%.3f,%.1f,%d,%d,%d,%d,%.2f,%.2f,%.2f%n",
              r.broker(),
              r.awaitMs(),
              r.events(),
              r.published(),
              r.publishErrors(),
              r.publishSeconds(),
              r.recorded(),
              r.drainSeconds(),
              r.auditedPerSecond(),
              r.duplicates(),
              r.deadLetteredByApp(),
              r.dlqMessages(),
              r.bulkRequests(),
              r.cpu().getOrDefault("audit-service", 0.0),
              r.cpu().getOrDefault("daprd-audit", 0.0),
              r.cpu().getOrDefault("daprd-publisher", 0.0)));
    }
    return b.toString();
  }

  /** Rows of the same path, size and rate (one per repeat), in the order first measured. */
  private Map<String, List<Row>> groups() {
    Map<String, List<Row>> g = new LinkedHashMap<>();
    for (Row r : rows) {
      g.computeIfAbsent(r.path + "|" + r.size + "|" + r.rate, k -> new ArrayList<>()).add(r);
    }
    return g;
  }

  private static double median(List<Row> rs, ToDoubleFunction<Row> f) {
    double[] v = rs.stream().mapToDouble(f).sorted().toArray();
    return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
  }

  private static String size(int size) {
    return size == 0 ? "task" : Integer.toString(size);
  }

  String markdown() {
    StringBuilder b = new StringBuilder();
    b.append("Settings: ").append(options.describe()).append(".\n\n");
    b.append(
        "Latency: from each message's due time on the open-loop schedule to its arrival at the handler (post-ws: at the"
            + " WebSocket client). With repeats, figures are medians (p99 also min-max). Rows marked * fell behind: not every"
            + " message arrived within 10 s after the last was sent, a send failed, or the backlog reached 100; where not all"
            + " arrived, latencies are of the messages that did. A path that did not deliver everything is not run at higher"
            + " rates of that size.\n\n");
    b.append(
        "| path | size B | rate /s | p50 ms | p99 ms | p99.9 ms | max ms | max backlog | kept up | delivered /s |"
            + " CPU cores | RSS MB |\n");
    b.append("|---|---|---|---|---|---|---|---|---|---|---|---|\n");
    for (List<Row> g : groups().values()) {
      Row first = g.get(0);
      long kept = g.stream().filter(Row::keptUp).count();
      String mark = kept == g.size() ? "" : "*";
      double p99min = g.stream().mapToDouble(r -> ms(r.h, 99)).min().orElse(Double.NaN);
      double p99max = g.stream().mapToDouble(r -> ms(r.h, 99)).max().orElse(Double.NaN);
      b.append(
          String.format(
              Locale.ROOT,
              "| %s | %s | %d | %.2f%s | %.2f%s%s | %.2f%s | %.2f%s | %.0f | %d/%d | %.0f | %s | %s |%n",
              first.path,
              size(first.size),
              first.rate,
              median(g, r -> ms(r.h, 50)),
              mark,
              median(g, r -> ms(r.h, 99)),
              mark,
              g.size() > 1 ? String.format(Locale.ROOT, " (%.1f-%.1f)", p99min, p99max) : "",
              median(g, r -> ms(r.h, 99.9)),
              mark,
              median(g, r -> ms(r.h, 100)),
              mark,
              median(g, r -> r.maxLag),
              kept,
              g.size(),
              median(g, Row::throughput),
              usage(g, 0, "%.2f"),
              usage(g, 1, "%.0f")));
    }
    b.append(
        "\nThroughput: the highest rate kept up with (all delivered, backlog under 100) and the highest rate"
            + " delivered at all (every message within 10 s of the last send), in every repeat; then what the path delivered"
            + " per second at the first rate where it could not:\n\n");
    b.append(
        "| path | size B | kept up /s | delivered /s | next rate /s | delivered there /s |\n|---|---|---|---|---|---|\n");
    Map<String, List<List<Row>>> byPath = new LinkedHashMap<>();
    groups()
        .values()
        .forEach(
            g ->
                byPath
                    .computeIfAbsent(g.get(0).path + "|" + g.get(0).size, k -> new ArrayList<>())
                    .add(g));
    byPath.forEach(
        (k, gs) -> {
          gs.sort(Comparator.comparingInt(g -> g.get(0).rate));
          int kept = 0;
          int all = 0;
          String next = "-";
          String there = "-";
          for (List<Row> g : gs) {
            if (g.stream().allMatch(Row::keptUp) && kept == all) {
              kept = g.get(0).rate;
            }
            if (g.stream().allMatch(Row::delivered)) {
              all = g.get(0).rate;
            } else {
              next = Integer.toString(g.get(0).rate);
              there = String.format(Locale.ROOT, "%.0f", median(g, Row::throughput));
              break;
            }
          }
          String[] pk = k.split("\\|");
          b.append("| ")
              .append(pk[0])
              .append(" | ")
              .append(size(Integer.parseInt(pk[1])))
              .append(" | ")
              .append(kept == 0 ? "none" : kept)
              .append(" | ")
              .append(all == 0 ? "none" : all)
              .append(next.equals("-") ? " (highest tried)" : "")
              .append(" | ")
              .append(next)
              .append(" | ")
              .append(there)
              .append(" |\n");
        });
    b.append(
        "\nDapr / raw Kafka (medians), where both kept up:\n\n| path | size B | rate /s | p50 ratio | p99 ratio |\n|---|---|---|---|---|\n");
    Map<String, List<Row>> groups = groups();
    groups.forEach(
        (k, g) -> {
          Row d = g.get(0);
          List<Row> raw = groups.get("kafka|" + d.size + "|" + d.rate);
          if (d.path.startsWith("dapr-")
              && raw != null
              && g.stream().allMatch(Row::keptUp)
              && raw.stream().allMatch(Row::keptUp)) {
            b.append(
                String.format(
                    Locale.ROOT,
                    "| %s | %d | %d | %.2f | %.2f |%n",
                    d.path,
                    d.size,
                    d.rate,
                    median(g, r -> ms(r.h, 50)) / median(raw, r -> ms(r.h, 50)),
                    median(g, r -> ms(r.h, 99)) / median(raw, r -> ms(r.h, 99))));
          }
        });
    if (!system.isEmpty()) {
      b.append("\nThe whole system (post-ws):\n\n");
      system.forEach(l -> b.append("- ").append(l).append("\n"));
    }
    if (!systemRows.isEmpty() || !systemNotes.isEmpty()) {
      b.append(systemMarkdown());
    }
    return b.toString();
  }

  /** The system path's table: one row per rate, up to the first one not kept up. */
  String systemMarkdown() {
    StringBuilder b = new StringBuilder("\nThe whole system under rising load (system path):\n\n");
    systemNotes.forEach(l -> b.append("- ").append(l).append("\n"));
    b.append(
        "\nPer rate: the rate's warm-up seconds and measured seconds sent open-loop; latencies (measured seconds) from each"
            + " request's due time: POST -> its 201, POST -> the frame at the owner's WebSocket client (sampled users), POST -> the"
            + " task-created entry in GET /audit as the owner (sampled tasks; polled again after a fifth of the time since the 201, at least 25 ms: up to ~20% late). 201 / other / timeout /"
            + " shed: answers to all of the rate's requests (shed: not sent, too many in flight). Framed, audit seen: of the sampled."
            + " Stats, audited: tasks counted by stats-service and stored by audit-service since the rate began (of the 201s)."
            + " Acked /s: 201 answers that arrived during the measured seconds, per second. Kept up: at least "
            + Math.round(SystemPath.MIN_ACKED_SHARE * 100)
            + "% of the rate acked /s, no request failed, and within the drain window"
            + " every 201 task counted, stored, framed and visible and every group's lag < "
            + SystemPath.MAX_LAG
            + ". CPU: cores while sending, all processes (bench included).\n\n");
    b.append(
        "| rate /s | sent | 201 | other / timeout / shed | POST p50 ms | POST p99 ms | acked /s | frame p50 ms | frame p99 ms |"
            + " framed | audit p50 ms | audit p99 ms | audit seen (GETs) | stats | audited | max lag (group) | drain s | CPU cores | RSS MB |"
            + " kept up |\n");
    b.append("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
    for (SystemPath.Row r : systemRows) {
      b.append(
          String.format(
              Locale.ROOT,
              "| %d | %d | %d | %d / %d / %d | %.1f | %.1f | %.1f | %.1f | %.1f | %d/%d | %.1f | %.1f | %d/%d (%d) |"
                  + " %d | %d | %d (%s) | %.1f | %.2f | %.0f | %s |%n",
              r.rate(),
              r.sent(),
              r.acked(),
              r.otherStatus(),
              r.timeouts(),
              r.shed(),
              ms(r.post(), 50),
              ms(r.post(), 99),
              r.ackedPerSecond(),
              ms(r.frame(), 50),
              ms(r.frame(), 99),
              r.framed(),
              r.framesExpected(),
              ms(r.audit(), 50),
              ms(r.audit(), 99),
              r.auditVisible(),
              r.auditSampled(),
              r.auditGets(),
              r.statsCounted(),
              r.audited(),
              r.maxLag(),
              r.maxLagGroup(),
              r.drainSeconds(),
              r.usage().values().stream().mapToDouble(v -> v[0]).sum(),
              r.usage().values().stream().mapToDouble(v -> v[1]).sum(),
              r.keptUp() ? "yes" : "**no**"));
    }
    b.append(
        "\nCPU cores while sending / RSS MB at the end of sending, per process:\n\n| rate /s |");
    List<String> names =
        systemRows.isEmpty() ? List.of() : new ArrayList<>(systemRows.get(0).usage().keySet());
    names.forEach(n -> b.append(' ').append(n).append(" |"));
    b.append("\n|---|").append("---|".repeat(names.size())).append('\n');
    for (SystemPath.Row r : systemRows) {
      b.append("| ").append(r.rate()).append(" |");
      names.forEach(
          n -> {
            double[] v = r.usage().getOrDefault(n, new double[] {Double.NaN, Double.NaN});
            b.append(String.format(Locale.ROOT, " %.2f / %.0f |", v[0], v[1]));
          });
      b.append('\n');
    }
    for (SystemPath.Row r : systemRows) {
      if (!r.keptUp()) {
        b.append("\nNot kept up at ")
            .append(r.rate())
            .append("/s: ")
            .append(String.join("; ", r.why()))
            .append(".\n");
      }
      b.append("\nLag per group/topic at the end of ").append(r.rate()).append("/s: ");
      List<String> parts = new ArrayList<>();
      r.lag().forEach((g, l) -> parts.add(g + " " + l));
      b.append(String.join(", ", parts)).append('\n');
    }
    return b.toString();
  }

  String systemCsv() {
    StringBuilder b =
        new StringBuilder(
            "rate,sent,acked,other,timeouts,shed,post_p50_ms,post_p99_ms,post_p999_ms,post_max_ms,acked_per_s,"
                + "frames_expected,framed,frame_p50_ms,frame_p99_ms,audit_sampled,audit_visible,audit_gets,audit_p50_ms,audit_p99_ms,stats_counted,"
                + "audited,max_lag,max_lag_group,drain_s,cpu_total,rss_total_mb,kept_up,why\n");
    for (SystemPath.Row r : systemRows) {
      b.append(
          String.format(
              Locale.ROOT,
              "%d,%d,%d,%d,%d,%d,%.3f,%.3f,%.3f,%.3f,%.1f,%d,%d,%.3f,%.3f,%d,%d,%d,%.3f,%.3f,%d,%d,%d,%s,%.1f,%.2f,%.0f,%b,\"%s\"%n",
              r.rate(),
              r.sent(),
              r.acked(),
              r.otherStatus(),
              r.timeouts(),
              r.shed(),
              ms(r.post(), 50),
              ms(r.post(), 99),
              ms(r.post(), 99.9),
              ms(r.post(), 100),
              r.ackedPerSecond(),
              r.framesExpected(),
              r.framed(),
              ms(r.frame(), 50),
              ms(r.frame(), 99),
              r.auditSampled(),
              r.auditVisible(),
              r.auditGets(),
              ms(r.audit(), 50),
              ms(r.audit(), 99),
              r.statsCounted(),
              r.audited(),
              r.maxLag(),
              r.maxLagGroup(),
              r.drainSeconds(),
              r.usage().values().stream().mapToDouble(v -> v[0]).sum(),
              r.usage().values().stream().mapToDouble(v -> v[1]).sum(),
              r.keptUp(),
              String.join("; ", r.why()).replace("\"", "'")));
    }
    return b.toString();
  }

  String systemUsageCsv() {
    StringBuilder b = new StringBuilder("rate,process,cpu_cores,rss_mb\n");
    for (SystemPath.Row r : systemRows) {
      r.usage()
          .forEach(
              (n, v) ->
                  b.append(
                      String.format(Locale.ROOT, "%d,%s,%.3f,%.1f%n", r.rate(), n, v[0], v[1])));
    }
    return b.toString();
  }

  /** Per process, the median over repeats of CPU (i 0) or RSS (i 1), leaving out idle ones. */
  private static String usage(List<Row> g, int i, String fmt) {
    Map<String, List<Double>> per = new TreeMap<>();
    for (Row r : g) {
      r.usage.forEach((name, v) -> per.computeIfAbsent(name, n -> new ArrayList<>()).add(v[i]));
    }
    List<String> parts = new ArrayList<>();
    per.forEach(
        (name, vs) -> {
          double m = vs.stream().sorted().toList().get(vs.size() / 2);
          boolean idleSidecar = i == 0 && m < 0.05 && name.startsWith("daprd");
          if (!idleSidecar && !(i == 0 && m < 0.005)) {
            parts.add(name + " " + String.format(Locale.ROOT, fmt, m));
          }
        });
    return String.join(", ", parts);
  }

  String csv() {
    StringBuilder b =
        new StringBuilder(
            "path,size,rate,repeat,sent,received,errors,p50_ms,p99_ms,p999_ms,max_ms,max_lag,kept_up,delivered_per_s,cpu_total\n");
    for (Row r : rows) {
      double cpu = r.usage.values().stream().mapToDouble(v -> v[0]).sum();
      b.append(
          String.format(
              Locale.ROOT,
              "%s,%d,%d,%d,%d,%d,%d,%.3f,%.3f,%.3f,%.3f,%d,%b,%.1f,%.2f%n",
              r.path,
              r.size,
              r.rate,
              r.repeat,
              r.sent,
              r.received,
              r.errors,
              ms(r.h, 50),
              ms(r.h, 99),
              ms(r.h, 99.9),
              ms(r.h, 100),
              r.maxLag,
              r.keptUp(),
              r.throughput,
              cpu));
    }
    return b.toString();
  }
}
