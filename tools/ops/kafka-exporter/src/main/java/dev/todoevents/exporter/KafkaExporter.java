package dev.todoevents.exporter;

import com.sun.net.httpserver.HttpServer;
import dev.todoevents.contracts.Topic;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupListing;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * What the apps cannot see through their sidecars, read from Kafka itself with the admin API and
 * served for Prometheus at {@code http://host:port/metrics}, computed afresh on each scrape:
 *
 * <ul>
 *   <li>{@code todo_kafka_consumer_lag{group,topic}}: end offset minus the group's committed
 *       offset, summed over the topic's partitions (a partition the group never committed counts
 *       from the earliest offset);
 *   <li>{@code todo_kafka_topic_messages{topic}}: messages held (end minus start offset), for the
 *       project's topics; for a {@code -dlq} topic that is the DLQ depth, also given as {@code
 *       todo_kafka_dlq_depth{topic,source_topic}};
 *   <li>{@code todo_kafka_exporter_up}: 1 when Kafka answered this scrape, else 0.
 * </ul>
 *
 * Usage: {@code KafkaExporter <bootstrap-servers> <port>} (tools/kafka-exporter.sh).
 */
public final class KafkaExporter implements AutoCloseable {

  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  private final Admin admin;
  private final HttpServer server;

  private KafkaExporter(Admin admin, HttpServer server) {
    this.admin = admin;
    this.server = server;
  }

  public static void main(String[] args) {
    System.exit(new picocli.CommandLine(new Cli()).execute(args));
  }

  /** tools/kafka-exporter.sh's command line. */
  @picocli.CommandLine.Command(
      name = "tools/kafka-exporter.sh",
      description = "Serves consumer lag, DLQ depth and topic sizes for Prometheus at /metrics.")
  static final class Cli implements java.util.concurrent.Callable<Integer> {
    @picocli.CommandLine.Parameters(
        index = "0",
        paramLabel = "BROKERS",
        description = "Kafka's bootstrap servers, host:port[,host:port]")
    String brokers;

    @picocli.CommandLine.Parameters(
        index = "1",
        paramLabel = "PORT",
        description = "the HTTP port to serve /metrics on (0: a free one)")
    int port;

    @picocli.CommandLine.Option(
        names = {"-h", "--help"},
        usageHelp = true,
        description = "this help")
    boolean help;

    @Override
    public Integer call() throws Exception {
      KafkaExporter exporter = start(brokers, "0.0.0.0", port);
      Runtime.getRuntime().addShutdownHook(new Thread(exporter::close));
      System.out.println(
          "kafka-exporter: serving http://0.0.0.0:" + exporter.port() + "/metrics for " + brokers);
      Thread.currentThread().join(); // serve until stopped (the hook closes the server)
      return 0;
    }
  }

  /** Starts serving; port 0 picks a free one (see {@link #port()}). */
  public static KafkaExporter start(String bootstrapServers, String host, int port)
      throws IOException {
    Properties p = new Properties();
    p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) TIMEOUT.toMillis());
    p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) TIMEOUT.toMillis());
    Admin admin = Admin.create(p);
    HttpServer server = HttpServer.create(new InetSocketAddress(host, port), 0);
    KafkaExporter exporter = new KafkaExporter(admin, server);
    server.createContext(
        "/metrics",
        exchange -> {
          byte[] body = exporter.scrape().getBytes(StandardCharsets.UTF_8);
          exchange
              .getResponseHeaders()
              .set("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
          exchange.sendResponseHeaders(200, body.length);
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
          }
        });
    server.start();
    return exporter;
  }

  public int port() {
    return server.getAddress().getPort();
  }

  /** The Prometheus text for one scrape. */
  String scrape() {
    StringBuilder out = new StringBuilder();
    try {
      Map<String, List<TopicPartition>> partitions = partitions();
      List<TopicPartition> all = partitions.values().stream().flatMap(List::stream).toList();
      Map<TopicPartition, Long> end = offsets(all, OffsetSpec.latest());
      Map<TopicPartition, Long> start = offsets(all, OffsetSpec.earliest());

      out.append(
          "# HELP todo_kafka_topic_messages Messages held in the topic (end minus start offset).\n");
      out.append("# TYPE todo_kafka_topic_messages gauge\n");
      for (var e : new TreeMap<>(partitions).entrySet()) {
        out.append(
            line(
                "todo_kafka_topic_messages",
                Map.of("topic", e.getKey()),
                held(e.getValue(), start, end)));
      }
      out.append("# HELP todo_kafka_dlq_depth Dead letters waiting in a {topic}-dlq topic.\n");
      out.append("# TYPE todo_kafka_dlq_depth gauge\n");
      for (Topic t : Topic.values()) {
        List<TopicPartition> dlq = partitions.get(t.dlqName());
        if (dlq != null) {
          out.append(
              line(
                  "todo_kafka_dlq_depth",
                  Map.of("topic", t.dlqName(), "source_topic", t.topicName()),
                  held(dlq, start, end)));
        }
      }
      out.append(
          "# HELP todo_kafka_consumer_lag Records not yet consumed by the group (end minus committed offset).\n");
      out.append("# TYPE todo_kafka_consumer_lag gauge\n");
      for (String group : groups()) {
        Map<TopicPartition, OffsetAndMetadata> committed =
            admin
                .listConsumerGroupOffsets(group)
                .partitionsToOffsetAndMetadata()
                .get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        Map<String, Long> lagByTopic = new TreeMap<>();
        for (String topic :
            committed.keySet().stream().map(TopicPartition::topic).distinct().toList()) {
          for (TopicPartition p : partitions.getOrDefault(topic, List.of())) {
            OffsetAndMetadata c = committed.get(p);
            long from = c == null ? start.getOrDefault(p, 0L) : c.offset();
            lagByTopic.merge(topic, Math.max(0, end.getOrDefault(p, 0L) - from), Long::sum);
          }
        }
        for (var e : lagByTopic.entrySet()) {
          out.append(
              line(
                  "todo_kafka_consumer_lag",
                  Map.of("group", group, "topic", e.getKey()),
                  e.getValue()));
        }
      }
      out.append("# TYPE todo_kafka_exporter_up gauge\ntodo_kafka_exporter_up 1\n");
    } catch (Exception e) {
      out.setLength(0);
      out.append("# kafka-exporter: Kafka did not answer: ")
          .append(e.toString().replace('\n', ' '))
          .append('\n');
      out.append("# TYPE todo_kafka_exporter_up gauge\ntodo_kafka_exporter_up 0\n");
    }
    return out.toString();
  }

  /** Partitions of every topic but Kafka's internal ones. */
  private Map<String, List<TopicPartition>> partitions() throws Exception {
    Collection<String> names =
        admin.listTopics().names().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    Map<String, TopicDescription> described =
        admin.describeTopics(names).allTopicNames().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    Map<String, List<TopicPartition>> out = new HashMap<>();
    described.forEach(
        (name, d) -> {
          List<TopicPartition> ps = new ArrayList<>();
          d.partitions().forEach(p -> ps.add(new TopicPartition(name, p.partition())));
          out.put(name, ps);
        });
    return out;
  }

  private List<String> groups() throws Exception {
    return admin.listConsumerGroups().all().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).stream()
        .map(ConsumerGroupListing::groupId)
        .sorted()
        .toList();
  }

  private Map<TopicPartition, Long> offsets(List<TopicPartition> partitions, OffsetSpec spec)
      throws Exception {
    Map<TopicPartition, OffsetSpec> request = new HashMap<>();
    partitions.forEach(p -> request.put(p, spec));
    Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> r =
        admin.listOffsets(request).all().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    Map<TopicPartition, Long> out = new HashMap<>();
    r.forEach((tp, info) -> out.put(tp, info.offset()));
    return out;
  }

  private static long held(
      List<TopicPartition> ps, Map<TopicPartition, Long> start, Map<TopicPartition, Long> end) {
    return ps.stream()
        .mapToLong(p -> Math.max(0, end.getOrDefault(p, 0L) - start.getOrDefault(p, 0L)))
        .sum();
  }

  private static String line(String name, Map<String, String> labels, long value) {
    StringBuilder b = new StringBuilder(name).append('{');
    new TreeMap<>(labels)
        .forEach(
            (k, v) ->
                b.append(k)
                    .append("=\"")
                    .append(v.replace("\\", "\\\\").replace("\"", "\\\""))
                    .append("\","));
    b.setLength(b.length() - 1);
    return b.append("} ").append(value).append('\n').toString();
  }

  @Override
  public void close() {
    server.stop(0);
    admin.close(TIMEOUT);
  }
}
