package dev.todoevents.dlq;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.todoevents.contracts.Events;
import dev.todoevents.contracts.Topic;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * The operators' dead-letter tool, run by tools/dlq.sh. It reads the {topic}-dlq topics straight
 * from Kafka (an operator's tool, like Kafka's own CLI; the apps themselves only talk to their
 * sidecars). Three kinds of records live there:
 *
 * <ul>
 *   <li>{@code poison}: written by a consumer at once, a CloudEvent whose data is a DeadLetter
 *       (error, subscriber, source topic, the original message);
 *   <li>{@code retries_exhausted}: written by a consumer whose handler failed on every attempt (a
 *       DeadLetter with the attempts and first and last failure time), or - when the app could not
 *       be reached - the original CloudEvent, forwarded by Dapr to the subscription's
 *       deadLetterTopic after the resiliency retries (Dapr adds no context);
 *   <li>{@code not_a_cloudevent}: bytes the sidecar could not read as a CloudEvent (written to the
 *       topic without Dapr), forwarded by Dapr at once, never seen by an app.
 * </ul>
 *
 * Replay produces the original message to its source topic with its key (the user_id, so per-user
 * order holds) and its event_id unchanged, so consumers that already handled it skip it. {@code
 * replay --all} remembers how far it got per partition (consumer group {@value #REPLAY_GROUP}), so
 * each record is replayed once however often it runs.
 */
public final class DlqTool {

  static final String REPLAY_GROUP = "todo-dlq-replay";
  private static final Duration TIMEOUT = KafkaClients.TIMEOUT;

  /** One dead letter, whichever kind, with what a replay needs. */
  record Letter(
      String dlq,
      int partition,
      long offset,
      Instant at,
      String key,
      String eventId,
      String sourceTopic,
      String kind,
      String subscriber,
      String error,
      byte[] original) {

    ObjectNode toJson(boolean withOriginal) {
      ObjectNode n =
          Events.MAPPER
              .createObjectNode()
              .put("dlq", dlq)
              .put("partition", partition)
              .put("offset", offset)
              .put("at", at.toString())
              .put("key", key)
              .put("event_id", eventId)
              .put("source_topic", sourceTopic)
              .put("kind", kind)
              .put("subscriber", subscriber)
              .put("error", error);
      if (withOriginal) {
        n.set("original", parseOrText(original));
      }
      return n;
    }
  }

  private final String brokers;
  private final PrintStream out;

  DlqTool(String brokers, PrintStream out) {
    this.brokers = brokers;
    this.out = out;
  }

  public static void main(String[] args) {
    System.exit(run(args, System.out, System.err));
  }

  /**
   * @return the process exit status: 0 done, 1 failed, 2 bad usage
   */
  public static int run(String[] args, PrintStream out, PrintStream err) {
    Options o;
    try {
      o = Options.parse(args);
    } catch (IllegalArgumentException e) {
      err.println("dlq: " + e.getMessage());
      err.println("dlq: see tools/dlq.sh help");
      return 2;
    }
    if (o.command.equals("help")) {
      out.println(Options.USAGE);
      return 0;
    }
    try {
      DlqTool tool = new DlqTool(o.kafka.brokers, out);
      return switch (o.command) {
        case "count" -> tool.count(o);
        case "list" -> tool.list(o);
        case "show" -> tool.show(o);
        case "replay" -> tool.replay(o);
        case "purge" -> tool.purge(o);
        default -> throw new IllegalStateException(o.command);
      };
    } catch (Exception e) {
      err.println("dlq: " + o.command + " failed: " + e);
      return 1;
    }
  }

  // ---- commands ------------------------------------------------------------------------

  private int count(Options o) throws Exception {
    Map<String, Map<String, Integer>> byTopic = new TreeMap<>();
    for (String dlq : o.dlqs()) {
      Map<String, Integer> reasons = new TreeMap<>();
      for (Letter l : read(dlq, o.filter())) {
        reasons.merge(l.kind() + ": " + firstLine(l.error()), 1, Integer::sum);
      }
      byTopic.put(dlq, reasons);
    }
    if (o.json) {
      out.println(Events.MAPPER.valueToTree(byTopic));
    } else {
      byTopic.forEach(
          (dlq, reasons) -> {
            out.printf(
                "%s: %d%n", dlq, reasons.values().stream().mapToInt(Integer::intValue).sum());
            reasons.forEach((reason, n) -> out.printf("  %5d  %s%n", n, reason));
          });
    }
    return 0;
  }

  private int list(Options o) throws Exception {
    int shown = 0;
    for (String dlq : o.dlqs()) {
      for (Letter l : read(dlq, o.filter())) {
        if (shown++ >= o.limit) {
          return 0;
        }
        if (o.json) {
          out.println(l.toJson(false));
        } else {
          out.printf(
              "%s/%d@%d  %s  event_id=%s  from=%s  %s  %s%n",
              l.dlq(),
              l.partition(),
              l.offset(),
              l.at(),
              l.eventId(),
              l.sourceTopic(),
              l.kind(),
              firstLine(l.error()));
        }
      }
    }
    return 0;
  }

  private int show(Options o) throws Exception {
    if (o.eventIds.isEmpty()) {
      throw new IllegalArgumentException("show needs --event-id");
    }
    int found = 0;
    for (String dlq : o.dlqs()) {
      for (Letter l : read(dlq, o.filter())) {
        out.println(
            Events.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(l.toJson(true)));
        found++;
      }
    }
    return found > 0 ? 0 : 1;
  }

  /**
   * {@code --all}: every record after the last replay (then remembered); with --event-id or
   * --reason: those records, whether replayed before or not (an explicit request).
   */
  private int replay(Options o) throws Exception {
    boolean all = o.all && o.eventIds.isEmpty() && o.reason == null;
    if (!all && o.eventIds.isEmpty() && o.reason == null) {
      throw new IllegalArgumentException("replay needs --all, --event-id or --reason");
    }
    int replayed = 0;
    try (KafkaProducer<byte[], byte[]> producer = KafkaClients.producer(brokers)) {
      for (String dlq : o.dlqs()) {
        Map<TopicPartition, Long> from = all ? committed(dlq) : Map.of();
        Map<TopicPartition, Long> done = new HashMap<>();
        for (Letter l : read(dlq, all ? l -> true : o.filter(), from)) {
          producer
              .send(
                  new ProducerRecord<>(
                      l.sourceTopic(),
                      l.key() == null ? null : l.key().getBytes(StandardCharsets.UTF_8),
                      l.original()))
              .get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
          out.printf(
              "replayed %s/%d@%d event_id=%s -> %s%n",
              l.dlq(), l.partition(), l.offset(), l.eventId(), l.sourceTopic());
          done.put(new TopicPartition(dlq, l.partition()), l.offset() + 1);
          replayed++;
        }
        if (all && !done.isEmpty()) {
          commit(done);
        }
      }
    }
    out.printf("%d record(s) replayed%n", replayed);
    return 0;
  }

  /** Deletes what was replayed (--all: everything) from the dead-letter topics. */
  private int purge(Options o) throws Exception {
    try (Admin admin = Admin.create(KafkaClients.admin(brokers))) {
      for (String dlq : o.dlqs()) {
        Map<TopicPartition, Long> upTo = o.all ? endOffsets(dlq) : committed(dlq);
        Map<TopicPartition, RecordsToDelete> delete = new HashMap<>();
        upTo.forEach((tp, offset) -> delete.put(tp, RecordsToDelete.beforeOffset(offset)));
        admin.deleteRecords(delete).all().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        out.printf("%s: purged up to %s%n", dlq, upTo.values());
      }
    }
    return 0;
  }

  // ---- Kafka -----------------------------------------------------------------------------

  List<Letter> read(String dlq, Predicate<Letter> filter) {
    return read(dlq, filter, Map.of());
  }

  /** Every record of the topic from {@code from} (else its beginning) to its current end. */
  List<Letter> read(String dlq, Predicate<Letter> filter, Map<TopicPartition, Long> from) {
    List<Letter> letters = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> c = consumer(null)) {
      List<TopicPartition> parts = KafkaClients.partitions(c, dlq);
      c.assign(parts);
      Map<TopicPartition, Long> end = c.endOffsets(parts, TIMEOUT);
      for (TopicPartition tp : parts) {
        Long start = from.get(tp);
        if (start == null) {
          c.seekToBeginning(List.of(tp));
        } else {
          c.seek(tp, start);
        }
      }
      long deadline = System.nanoTime() + TIMEOUT.toNanos();
      while (parts.stream().anyMatch(tp -> c.position(tp) < end.get(tp))) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException(
              "could not read " + dlq + " to its end within " + TIMEOUT);
        }
        for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(500))) {
          if (r.offset() < end.get(new TopicPartition(r.topic(), r.partition()))) {
            Letter l = letter(r);
            if (filter.test(l)) {
              letters.add(l);
            }
          }
        }
      }
    }
    return letters;
  }

  static Letter letter(ConsumerRecord<byte[], byte[]> r) {
    String dlq = r.topic();
    String key = r.key() == null ? null : new String(r.key(), StandardCharsets.UTF_8);
    Instant at = Instant.ofEpochMilli(r.timestamp());
    JsonNode value = parseOrText(r.value());
    JsonNode data = value.path("data");
    if (data.has("error_kind") && data.has("source_topic")) {
      JsonNode original = data.path("original");
      byte[] bytes =
          original.isMissingNode() || original.isNull()
              ? data.path("original_text").asText("").getBytes(StandardCharsets.UTF_8)
              : original.toString().getBytes(StandardCharsets.UTF_8);
      return new Letter(
          dlq,
          r.partition(),
          r.offset(),
          at,
          key,
          data.path("event_id").asText(null),
          data.path("source_topic").asText(),
          data.path("error_kind").asText(),
          data.path("subscriber").asText(null),
          data.path("error").asText(null),
          bytes);
    }
    String source = dlq.endsWith("-dlq") ? dlq.substring(0, dlq.length() - 4) : dlq;
    String userKey = key != null ? key : value.path("data").path("user_id").asText(null);
    if (!value.has("specversion")) {
      // Dapr could not read it as a CloudEvent, so no app ever saw it: forwarded at once.
      return new Letter(
          dlq,
          r.partition(),
          r.offset(),
          at,
          userKey,
          null,
          source,
          "not_a_cloudevent",
          null,
          "not a CloudEvent: the sidecar could not deliver it (written to the topic without Dapr?)",
          r.value());
    }
    return new Letter(
        dlq,
        r.partition(),
        r.offset(),
        at,
        userKey,
        value.path("id").asText(null),
        source,
        "retries_exhausted",
        null,
        "forwarded by Dapr after the resiliency retries (no error recorded)",
        r.value());
  }

  private Map<TopicPartition, Long> committed(String dlq) {
    try (KafkaConsumer<byte[], byte[]> c = consumer(REPLAY_GROUP)) {
      Map<TopicPartition, Long> out = new HashMap<>();
      List<TopicPartition> parts = KafkaClients.partitions(c, dlq);
      Map<TopicPartition, OffsetAndMetadata> committed = c.committed(Set.copyOf(parts), TIMEOUT);
      Map<TopicPartition, Long> begin = c.beginningOffsets(parts, TIMEOUT);
      for (TopicPartition tp : parts) {
        OffsetAndMetadata m = committed.get(tp);
        out.put(tp, m == null ? begin.get(tp) : Math.max(m.offset(), begin.get(tp)));
      }
      return out;
    }
  }

  private void commit(Map<TopicPartition, Long> offsets) {
    try (KafkaConsumer<byte[], byte[]> c = consumer(REPLAY_GROUP)) {
      Map<TopicPartition, OffsetAndMetadata> m = new HashMap<>();
      offsets.forEach((tp, o) -> m.put(tp, new OffsetAndMetadata(o)));
      c.commitSync(m, TIMEOUT);
    }
  }

  private Map<TopicPartition, Long> endOffsets(String dlq) {
    try (KafkaConsumer<byte[], byte[]> c = consumer(null)) {
      return c.endOffsets(KafkaClients.partitions(c, dlq), TIMEOUT);
    }
  }

  private KafkaConsumer<byte[], byte[]> consumer(String group) {
    return KafkaClients.consumer(brokers, group);
  }

  private static JsonNode parseOrText(byte[] bytes) {
    try {
      return Events.MAPPER.readTree(bytes);
    } catch (Exception e) {
      return Events.MAPPER.getNodeFactory().textNode(new String(bytes, StandardCharsets.UTF_8));
    }
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "";
    }
    String line = s.lines().findFirst().orElse("");
    return line.length() > 160 ? line.substring(0, 160) + "..." : line;
  }

  /** Command-line options (picocli: usage, types and errors come from the annotations). */
  @Command(
      name = "tools/dlq.sh",
      sortOptions = false,
      usageHelpWidth = 100,
      description = "Dead letters of the {topic}-dlq topics: count, list, show, replay, purge.",
      footer = {
        "commands:",
        "  count                       dead letters per topic and reason",
        "  list                        one line per dead letter (--limit N, default 100)",
        "  show    --event-id ID       one dead letter in full, with its original message",
        "  replay  --all               every record not replayed yet, to its source topic (each once)",
        "  replay  --event-id ID ...   those records (also if replayed before); or --reason TEXT",
        "  purge                       delete what was replayed; --all: delete everything"
      })
  static final class Options {
    @Parameters(
        index = "0",
        paramLabel = "COMMAND",
        description = "count, list, show, replay, purge or help")
    String command;

    @Mixin KafkaClients.Brokers kafka;

    @Option(
        names = "--topic",
        paramLabel = "NAME",
        description = "one dead-letter topic (task-events-dlq, reminders-dlq, task-updates-dlq)")
    String topic;

    @Option(
        names = "--reason",
        paramLabel = "TEXT",
        description = "only records whose kind or error contains TEXT")
    String reason;

    @Option(names = "--event-id", paramLabel = "ID", description = "only this event (repeatable)")
    final List<String> eventIds = new ArrayList<>();

    @Option(names = "--all", description = "replay: everything not replayed; purge: everything")
    boolean all;

    @Option(names = "--json", description = "machine-readable output (count, list)")
    boolean json;

    @Option(names = "--limit", paramLabel = "N", description = "list: at most N lines")
    int limit = 100;

    static final String USAGE = new CommandLine(new Options()).getUsageMessage();

    static Options parse(String[] args) {
      Options o = new Options();
      try {
        new CommandLine(o).parseArgs(args);
      } catch (CommandLine.ParameterException e) {
        throw new IllegalArgumentException(e.getMessage(), e);
      }
      if (!Set.of("count", "list", "show", "replay", "purge", "help").contains(o.command)) {
        throw new IllegalArgumentException("unknown command " + o.command);
      }
      if (o.topic != null && !o.dlqs().contains(o.topic)) {
        throw new IllegalArgumentException("--topic must be one of " + o.dlqs());
      }
      return o;
    }

    List<String> dlqs() {
      List<String> all = new ArrayList<>();
      for (Topic t : Topic.values()) {
        all.add(t.dlqName());
      }
      return topic == null ? all : List.of(topic);
    }

    Predicate<Letter> filter() {
      return l ->
          (eventIds.isEmpty() || eventIds.contains(l.eventId()))
              && (reason == null || (l.kind() + " " + l.error()).contains(reason));
    }
  }
}
