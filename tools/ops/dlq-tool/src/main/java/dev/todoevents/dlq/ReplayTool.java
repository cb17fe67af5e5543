package dev.todoevents.dlq;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.todoevents.contracts.DaprNames;
import dev.todoevents.contracts.Events;
import dev.todoevents.contracts.Topic;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.TopicPartition;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Replay by time, run by tools/replay.sh: re-delivers the records of one topic written in a time
 * range to one consumer, e.g. to rebuild audit-service's log or stats-service's counts after a bug.
 *
 * <p>It reads the range straight from Kafka (by the broker's time index: from the first record at
 * or after {@code --from} to the first at or after {@code --to}), partition by partition in offset
 * order, so one user's events (keyed by user_id) arrive in their order. Each record goes to the
 * consumer's subscription route through Dapr service invocation on the consumer's own sidecar
 * ({@code /v1.0/invoke/<app>/method/<route>}): the sidecar adds the app token, exactly as for a
 * delivery, and no other subscriber of the topic sees the replay. Consumers are idempotent by
 * event_id, so records the consumer still has change nothing. The app answers as it answers Dapr:
 * SUCCESS, RETRY (tried again with backoff, then the replay stops and says where) or DROP (a poison
 * event, which the app dead-letters itself; counted, the replay goes on).
 */
@Command(
    name = "tools/replay.sh",
    sortOptions = false,
    usageHelpWidth = 100,
    description = {
      "Re-delivers the records of TOPIC written between --from and --to to one consumer (APP),",
      "through service invocation on APP's sidecar; consumers are idempotent by event_id."
    },
    footer = {
      "",
      "--from and --to: an ISO-8601 instant (2026-12-01T10:00:00Z) or a duration ago (PT2H, P1D).",
      "Sidecar: --sidecar, else $DAPR_HTTP_PORT on 127.0.0.1; its token: $DAPR_API_TOKEN."
    })
public final class ReplayTool implements Callable<Integer> {

  static final int ATTEMPTS = 5;
  private static final Duration FIRST_BACKOFF = Duration.ofMillis(500);
  private static final Duration PROGRESS_EVERY = Duration.ofSeconds(2);
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  @Option(
      names = {"-h", "--help"},
      usageHelp = true,
      description = "this help")
  boolean help;

  @Option(
      names = "--topic",
      required = true,
      paramLabel = "TOPIC",
      description = "task-events, reminders or task-updates")
  String topic;

  @Option(
      names = "--app",
      required = true,
      paramLabel = "APP",
      description = "the consumer, e.g. audit-service")
  String app;

  @Option(names = "--from", required = true, paramLabel = "TIME", description = "range start")
  String from;

  @Option(names = "--to", paramLabel = "TIME", description = "range end, excluded (default: now)")
  String to;

  @Option(names = "--dry-run", description = "count what would be replayed, deliver nothing")
  boolean dryRun;

  @Option(
      names = "--route",
      paramLabel = "PATH",
      description = "the app's route (default: its subscription's, read from --subscriptions)")
  String route;

  @Option(
      names = "--subscriptions",
      paramLabel = "DIR",
      defaultValue = "${TODO_SUBSCRIPTIONS_DIR:-subscriptions}",
      description = "the Subscription YAML (default: $TODO_SUBSCRIPTIONS_DIR, else subscriptions)")
  Path subscriptions;

  @Option(
      names = "--sidecar",
      paramLabel = "URL",
      description = "APP's sidecar HTTP API (default: http://127.0.0.1:$DAPR_HTTP_PORT)")
  String sidecar;

  @Mixin KafkaClients.Brokers kafka;

  private PrintStream out = System.out;
  private PrintStream err = System.err;
  private Map<String, String> env = System.getenv();

  /** The records of one partition in the range: [first, end). */
  record Range(TopicPartition partition, long first, long end) {
    long count() {
      return Math.max(0, end - first);
    }
  }

  /** What a replay did. */
  record Outcome(long delivered, long dropped, long skipped) {}

  public static void main(String[] args) {
    System.exit(run(args, System.out, System.err, System.getenv()));
  }

  /**
   * @return 0 done, 1 failed (the message says where it stopped), 2 bad usage
   */
  public static int run(String[] args, PrintStream out, PrintStream err, Map<String, String> env) {
    ReplayTool tool = new ReplayTool();
    tool.out = out;
    tool.err = err;
    tool.env = env;
    return Cli.execute("replay", tool, args, out, err);
  }

  @Override
  public Integer call() throws Exception {
    Topic t =
        Stream.of(Topic.values())
            .filter(x -> x.topicName().equals(topic))
            .findFirst()
            .orElseThrow(
                () ->
                    new IllegalArgumentException(
                        "--topic must be one of "
                            + Stream.of(Topic.values()).map(Topic::topicName).toList()));
    Instant start = instant("--from", from, Instant.now());
    Instant end = to == null ? Instant.now() : instant("--to", to, Instant.now());
    if (!start.isBefore(end)) {
      throw new IllegalArgumentException("--from " + start + " is not before --to " + end);
    }
    String path = route != null ? route : route(subscriptions, t.topicName(), app);
    List<Range> ranges;
    try {
      ranges = ranges(t.topicName(), start, end);
    } catch (org.apache.kafka.common.KafkaException e) {
      throw new IllegalStateException("Kafka at " + kafka.brokers + ": " + e.getMessage(), e);
    }
    long total = ranges.stream().mapToLong(Range::count).sum();
    for (Range r : ranges) {
      out.printf(
          "%s/%d: offsets %d..%d, %d record(s)%n",
          r.partition().topic(), r.partition().partition(), r.first(), r.end(), r.count());
    }
    if (dryRun) {
      out.printf(
          "dry run: %d record(s) of %s from %s to %s would be replayed to %s at %s%n",
          total, t.topicName(), start, end, app, path);
      return 0;
    }
    URI target = invokeUri(path);
    Outcome o = replay(ranges, total, target, sidecarToken());
    out.printf(
        "replayed %d record(s) of %s to %s at %s: %d delivered, %d dropped by the app (dead-lettered), %d skipped (not a CloudEvent)%n",
        o.delivered() + o.dropped() + o.skipped(),
        t.topicName(),
        app,
        path,
        o.delivered(),
        o.dropped(),
        o.skipped());
    return 0;
  }

  /** An ISO-8601 instant, or an ISO-8601 duration before {@code now}. */
  static Instant instant(String option, String value, Instant now) {
    try {
      return value.startsWith("P") ? now.minus(Duration.parse(value)) : Instant.parse(value);
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException(
          option
              + " "
              + value
              + ": neither an ISO-8601 instant (2026-12-01T10:00:00Z) nor a duration (PT2H)");
    }
  }

  /**
   * The default route of the Subscription in {@code dir} that delivers {@code topic} to {@code
   * app}.
   */
  static String route(Path dir, String topic, String app) throws IOException {
    List<String> subscribers = new ArrayList<>();
    List<Path> files;
    try (Stream<Path> all = Files.list(dir)) {
      files = all.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
    } catch (IOException e) {
      throw new IllegalArgumentException(
          "cannot read the subscriptions in " + dir + " (give --route or --subscriptions): " + e);
    }
    for (Path f : files) {
      for (JsonNode doc :
          YAML.readValues(YAML.createParser(f.toFile()), JsonNode.class).readAll()) {
        if (!"Subscription".equals(doc.path("kind").asText())
            || !topic.equals(doc.at("/spec/topic").asText())) {
          continue;
        }
        List<String> scopes = new ArrayList<>();
        doc.path("scopes").forEach(s -> scopes.add(s.asText()));
        subscribers.addAll(scopes);
        if (scopes.contains(app)) {
          JsonNode r = doc.at("/spec/routes/default");
          r = r.isMissingNode() ? doc.at("/spec/route") : r;
          if (!r.isTextual() || doc.at("/spec/routes/rules").size() > 0) {
            throw new IllegalArgumentException(
                f + ": the subscription has no single default route; give --route");
          }
          return r.asText();
        }
      }
    }
    throw new IllegalArgumentException(
        app
            + " does not subscribe to "
            + topic
            + " in "
            + dir
            + " (subscribers: "
            + subscribers
            + ")");
  }

  /** Per partition, the offsets of the records written in [start, end). */
  List<Range> ranges(String topicName, Instant start, Instant end) {
    try (KafkaConsumer<byte[], byte[]> c = KafkaClients.consumer(kafka.brokers, null)) {
      List<TopicPartition> parts = KafkaClients.partitions(c, topicName);
      Map<TopicPartition, Long> last = c.endOffsets(parts, KafkaClients.TIMEOUT);
      Map<TopicPartition, Long> firstAt = offsetsAt(c, parts, start, last);
      Map<TopicPartition, Long> endAt = offsetsAt(c, parts, end, last);
      return parts.stream()
          .sorted(java.util.Comparator.comparingInt(TopicPartition::partition))
          .map(tp -> new Range(tp, firstAt.get(tp), endAt.get(tp)))
          .toList();
    }
  }

  /** The first offset at or after {@code at} per partition; none there: the partition's end. */
  private static Map<TopicPartition, Long> offsetsAt(
      KafkaConsumer<byte[], byte[]> c,
      List<TopicPartition> parts,
      Instant at,
      Map<TopicPartition, Long> last) {
    Map<TopicPartition, Long> query = new HashMap<>();
    parts.forEach(tp -> query.put(tp, at.toEpochMilli()));
    Map<TopicPartition, OffsetAndTimestamp> found = c.offsetsForTimes(query, KafkaClients.TIMEOUT);
    Map<TopicPartition, Long> offsets = new LinkedHashMap<>();
    for (TopicPartition tp : parts) {
      OffsetAndTimestamp o = found.get(tp);
      offsets.put(tp, o == null ? last.get(tp) : o.offset());
    }
    return offsets;
  }

  private Outcome replay(List<Range> ranges, long total, URI target, String token)
      throws Exception {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    long delivered = 0;
    long dropped = 0;
    long skipped = 0;
    long startedAt = System.nanoTime();
    long nextProgress = startedAt + PROGRESS_EVERY.toNanos();
    try (KafkaConsumer<byte[], byte[]> c = KafkaClients.consumer(kafka.brokers, null)) {
      for (Range range : ranges) {
        if (range.count() == 0) {
          continue;
        }
        c.assign(List.of(range.partition()));
        c.seek(range.partition(), range.first());
        long deadline = System.nanoTime() + KafkaClients.TIMEOUT.toNanos();
        while (c.position(range.partition()) < range.end()) {
          var batch = c.poll(Duration.ofMillis(500));
          if (batch.isEmpty() && System.nanoTime() > deadline) {
            throw new IllegalStateException(
                "could not read " + range.partition() + " at " + c.position(range.partition()));
          }
          for (ConsumerRecord<byte[], byte[]> r : batch) {
            if (r.offset() >= range.end()) {
              break;
            }
            deadline = System.nanoTime() + KafkaClients.TIMEOUT.toNanos();
            switch (deliver(http, target, token, r)) {
              case "SUCCESS" -> delivered++;
              case "DROP" -> dropped++;
              default -> skipped++;
            }
            if (System.nanoTime() >= nextProgress) {
              progress(delivered + dropped + skipped, total, startedAt);
              nextProgress = System.nanoTime() + PROGRESS_EVERY.toNanos();
            }
          }
        }
      }
    }
    progress(delivered + dropped + skipped, total, startedAt);
    return new Outcome(delivered, dropped, skipped);
  }

  private void progress(long done, long total, long startedAt) {
    double seconds = Math.max(1e-3, (System.nanoTime() - startedAt) / 1e9);
    err.printf(
        "replay: %d/%d record(s) (%d %%), %.0f/s%n",
        done, total, total == 0 ? 100 : done * 100 / total, done / seconds);
  }

  /**
   * One record to the app, as its sidecar delivers it; RETRY and failures are tried again.
   *
   * @return SUCCESS, DROP, or SKIP for a record that is not a CloudEvent (no app ever took one)
   */
  private String deliver(
      HttpClient http, URI target, String token, ConsumerRecord<byte[], byte[]> r)
      throws Exception {
    JsonNode event;
    try {
      event = Events.MAPPER.readTree(r.value());
    } catch (IOException e) {
      event = null;
    }
    String where = r.topic() + "/" + r.partition() + "@" + r.offset();
    if (event == null || !event.has("specversion")) {
      err.printf("replay: skipped %s: not a CloudEvent%n", where);
      return "SKIP";
    }
    String eventId = event.path("id").asText();
    HttpRequest request =
        HttpRequest.newBuilder(target)
            .timeout(Duration.ofSeconds(30))
            .header("Content-Type", "application/cloudevents+json")
            .header(DaprNames.API_TOKEN_HEADER, token)
            .POST(HttpRequest.BodyPublishers.ofByteArray(r.value()))
            .build();
    Duration backoff = FIRST_BACKOFF;
    String last = "";
    for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
      try {
        HttpResponse<String> res = http.send(request, HttpResponse.BodyHandlers.ofString());
        String status = statusOf(res.body());
        if (res.statusCode() == 200 && ("SUCCESS".equals(status) || "DROP".equals(status))) {
          if ("DROP".equals(status)) {
            err.printf(
                "replay: %s event_id=%s dropped by %s (dead-lettered)%n", where, eventId, app);
          }
          return status;
        }
        if (res.statusCode() == 401 || res.statusCode() == 403) {
          throw new IllegalStateException(
              "the sidecar refused the call ("
                  + res.statusCode()
                  + "): is DAPR_API_TOKEN "
                  + app
                  + "'s sidecar token? "
                  + res.body());
        }
        last = res.statusCode() + " " + res.body();
      } catch (IOException e) {
        last = e.toString();
      }
      if (attempt < ATTEMPTS) {
        Thread.sleep(backoff.toMillis());
        backoff = backoff.multipliedBy(2);
      }
    }
    throw new IllegalStateException(
        "stopped at "
            + where
            + " event_id="
            + eventId
            + " after "
            + ATTEMPTS
            + " attempts ("
            + last
            + "); records before it were delivered: replay again from there");
  }

  private static String statusOf(String body) {
    try {
      return Events.MAPPER.readTree(body).path("status").asText("SUCCESS");
    } catch (IOException e) {
      return "";
    }
  }

  private URI invokeUri(String path) {
    String base = sidecar;
    if (base == null) {
      String port = env.get("DAPR_HTTP_PORT");
      if (port == null) {
        throw new IllegalArgumentException(
            "no sidecar: give --sidecar http://HOST:PORT of "
                + app
                + "'s sidecar or set DAPR_HTTP_PORT");
      }
      base = "http://127.0.0.1:" + port;
    }
    String method = path.startsWith("/") ? path.substring(1) : path;
    return URI.create(base.replaceAll("/+$", "") + "/v1.0/invoke/" + app + "/method/" + method);
  }

  private String sidecarToken() {
    String token = env.get("DAPR_API_TOKEN");
    if (token == null || token.isBlank()) {
      throw new IllegalArgumentException(
          "DAPR_API_TOKEN is not set: the token of "
              + app
              + "'s sidecar (its Secret on Kubernetes)");
    }
    return token;
  }
}
