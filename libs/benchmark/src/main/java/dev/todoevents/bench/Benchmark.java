package dev.todoevents.bench;

import com.sun.net.httpserver.HttpServer;
import dev.todoevents.testsupport.Daprd;
import dev.todoevents.testsupport.KafkaBroker;
import dev.todoevents.testsupport.ManagedProcess;
import dev.todoevents.testsupport.Ports;
import dev.todoevents.testsupport.ProjectPaths;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Publish-to-handler latency, raw Kafka against Dapr, in one run on one machine (tools/bench.sh):
 * <ul>
 *   <li>{@code kafka}: a Java producer (acks=all, idempotence) to a consumer, in this JVM;
 *   <li>{@code dapr-http}: the sidecar's HTTP publish API to the same Kafka, delivered by the
 *       sidecar's subscription to an HTTP handler in this JVM (the app side of Dapr).
 * </ul>
 * Each path runs open-loop at each rate and message size ({@link OpenLoop}); it starts its own
 * Kafka node and daprd on free ports and stops them at the end. Prints a markdown table and
 * writes it, with a CSV, to the results folder.
 *
 * <p>Usage: {@code Benchmark [--rates 250,500,1000,2000] [--sizes 200,1024] [--seconds 10]
 * [--warmup 3] [--out DIR]}
 */
public final class Benchmark {

  private record Result(String path, int size, int rate, long sent, long received, long errors, Histogram h,
      long maxLag, double brokerCpu, double sidecarCpu, double selfCpu, long brokerRss, long sidecarRss, long selfRss) {}

  private static final int PARTITIONS = 3;
  private static final double WARM_SECONDS = 5;
  private static final int KEYS = 20;
  private final Map<String, OpenLoop> runs = new ConcurrentHashMap<>();
  // Threads of the publishing client and of the handler; shut down at the end of run(), since the
  // smoke test runs the benchmark inside the test JVM.
  private final ExecutorService clientThreads = Executors.newFixedThreadPool(4);
  private final ExecutorService handlerThreads = Executors.newFixedThreadPool(8);
  private final HttpClient http = HttpClient.newBuilder().executor(clientThreads).build();

  public static void main(String[] args) throws Exception {
    // The JDK's HTTP server otherwise leaves Nagle's algorithm on: its header and body writes
    // then meet the sidecar's delayed ACK, about 40 ms per delivery.
    System.setProperty("sun.net.httpserver.nodelay", "true");
    Map<String, String> opt = options(args);
    int[] rates = Arrays.stream(opt.getOrDefault("rates", "250,500,1000,2000").split(",")).mapToInt(Integer::parseInt).toArray();
    int[] sizes = Arrays.stream(opt.getOrDefault("sizes", "200,1024").split(",")).mapToInt(Integer::parseInt).toArray();
    double seconds = Double.parseDouble(opt.getOrDefault("seconds", "10"));
    double warmup = Double.parseDouble(opt.getOrDefault("warmup", "3"));
    Path out = Paths.get(opt.getOrDefault("out", ProjectPaths.root().resolve("libs/benchmark/results").toString()));
    new Benchmark().run(rates, sizes, seconds, warmup, out);
  }

  private void run(int[] rates, int[] sizes, double seconds, double warmup, Path out) throws Exception {
    Files.createDirectories(out);
    Path work = Files.createTempDirectory("todo-bench");
    List<Result> results = new ArrayList<>();
    HttpServer handler = HttpServer.create(new InetSocketAddress("127.0.0.1", Ports.free()), 256);
    handler.setExecutor(handlerThreads);
    List<String> topics = new ArrayList<>(List.of(topic("dapr-http", sizes[0], 0)));
    for (int size : sizes) {
      for (int rate : rates) {
        topics.add(topic("dapr-http", size, rate));
      }
    }
    handler.createContext("/dapr/subscribe", x -> respond(x, 200, subscriptions(topics)));
    handler.createContext("/bench/", x -> {
      byte[] body = x.getRequestBody().readAllBytes();
      String topic = x.getRequestURI().getPath().substring("/bench/".length());
      OpenLoop loop = runs.get(topic);
      if (loop != null) {
        loop.received(seq(new String(body, StandardCharsets.UTF_8)));
      }
      respond(x, 200, "{\"status\":\"SUCCESS\"}");
    });
    handler.start();
    try (KafkaBroker kafka = KafkaBroker.start(work.resolve("kafka"))) {
      createTopics(kafka, sizes, rates);
      Path resources = resources(work);
      Daprd sidecar = Daprd.start("bench", handler.getAddress().getPort(), work.resolve("daprd"),
          Map.of("TODO_KAFKA_BROKERS", kafka.bootstrapServers()), null, List.of(resources), resources.resolve("config.yaml"));
      try {
        awaitSubscribed(sidecar, topics.size());
        // A throw-away pass first (rate 0 names its topics): JIT, connections and consumer groups
        // settle before the first row is measured.
        OpenLoop warm = new OpenLoop(rates[0], WARM_SECONDS, 0.1);
        runs.put(topic("kafka", sizes[0], 0), warm);
        kafkaRun(kafka, sizes[0], warm, topic("kafka", sizes[0], 0));
        warm = new OpenLoop(rates[0], WARM_SECONDS, 0.1);
        runs.put(topic("dapr-http", sizes[0], 0), warm);
        daprRun(sidecar, sizes[0], warm, topic("dapr-http", sizes[0], 0));
        System.out.printf("[bench] warmed up: %.0f s at %d/s on each path%n", WARM_SECONDS, rates[0]);
        for (int size : sizes) {
          for (int rate : rates) {
            results.add(measure("kafka", size, rate, seconds, warmup, kafka, sidecar, loop -> kafkaRun(kafka, size, loop, topic("kafka", size, rate))));
            results.add(measure("dapr-http", size, rate, seconds, warmup, kafka, sidecar, loop -> daprRun(sidecar, size, loop, topic("dapr-http", size, rate))));
          }
        }
      } finally {
        sidecar.process().stop(Duration.ofSeconds(10));
      }
    } finally {
      handler.stop(0);
      handlerThreads.shutdownNow();
      clientThreads.shutdownNow();
    }
    String table = table(results, seconds, warmup);
    System.out.println(table);
    Files.writeString(out.resolve("results.md"), table);
    Files.writeString(out.resolve("results.csv"), csv(results));
    System.out.println("written: " + out.resolve("results.md") + ", " + out.resolve("results.csv"));
  }

  private interface Run {
    void go(OpenLoop loop) throws Exception;
  }

  private Result measure(String path, int size, int rate, double seconds, double warmup, KafkaBroker kafka, Daprd sidecar, Run run)
      throws Exception {
    OpenLoop loop = new OpenLoop(rate, warmup, seconds);
    runs.put(topic(path, size, rate), loop);
    long[] b0 = usage(kafka.process()), s0 = usage(sidecar.process()), m0 = usage(ProcessHandle.current().pid());
    run.go(loop);
    long[] b1 = usage(kafka.process()), s1 = usage(sidecar.process()), m1 = usage(ProcessHandle.current().pid());
    double wall = warmup + seconds;
    Result r = new Result(path, size, rate, loop.sent(), loop.received(), loop.sendErrors(), loop.latencies().getIntervalHistogram(),
        loop.maxLag(), (b1[0] - b0[0]) / 100.0 / wall, (s1[0] - s0[0]) / 100.0 / wall, (m1[0] - m0[0]) / 100.0 / wall,
        b1[1], s1[1], m1[1]);
    System.out.printf("[bench] %-9s %5d B %5d/s: sent %d received %d errors %d, p50 %.2f ms p99 %.2f ms, max lag %d%n",
        path, size, rate, r.sent, r.received, r.errors, ms(r.h, 50), ms(r.h, 99), r.maxLag);
    return r;
  }

  private void kafkaRun(KafkaBroker kafka, int size, OpenLoop loop, String topic) throws Exception {
    Properties pp = new Properties();
    pp.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    pp.put(ProducerConfig.ACKS_CONFIG, "all");
    pp.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    Properties cp = new Properties();
    cp.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    cp.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    try (KafkaProducer<String, String> producer = new KafkaProducer<>(pp, new StringSerializer(), new StringSerializer());
        KafkaConsumer<String, String> consumer = new KafkaConsumer<>(cp, new StringDeserializer(), new StringDeserializer())) {
      List<TopicPartition> parts = new ArrayList<>();
      for (int p = 0; p < PARTITIONS; p++) {
        parts.add(new TopicPartition(topic, p));
      }
      consumer.assign(parts);
      consumer.seekToEnd(parts);
      parts.forEach(consumer::position);
      java.util.concurrent.atomic.AtomicBoolean done = new java.util.concurrent.atomic.AtomicBoolean();
      Thread poller = new Thread(() -> {
        try {
          while (!done.get()) {
            for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(100))) {
              loop.received(seq(r.value()));
            }
          }
        } catch (org.apache.kafka.common.errors.WakeupException e) {
          // stopped
        }
      }, "bench-consumer");
      poller.start();
      loop.run(seq -> producer.send(new ProducerRecord<>(topic, "user-" + seq % KEYS, payload(seq, size))));
      producer.flush();
      loop.drain(10);
      done.set(true);
      consumer.wakeup();
      poller.join(5000);
    }
  }

  private void daprRun(Daprd sidecar, int size, OpenLoop loop, String topic) throws Exception {
    String base = "http://127.0.0.1:" + sidecar.httpPort() + "/v1.0/publish/bench-pubsub/" + topic + "?metadata.partitionKey=user-";
    String token = sidecar.apiToken();
    loop.run(seq -> http.sendAsync(HttpRequest.newBuilder(URI.create(base + seq % KEYS))
            .header("Content-Type", "application/json").header("dapr-api-token", token)
            .POST(HttpRequest.BodyPublishers.ofString(payload(seq, size))).build(), HttpResponse.BodyHandlers.discarding()));
    loop.drain(10);
  }

  // ---- setup ----------------------------------------------------------------------------------

  /** One topic per path, size and rate (rate 0: the warm-up's). */
  private static String topic(String path, int size, int rate) {
    return "bench-" + path + "-" + size + "-" + (rate == 0 ? "warm" : Integer.toString(rate));
  }

  private static void createTopics(KafkaBroker kafka, int[] sizes, int[] rates) throws Exception {
    List<NewTopic> all = new ArrayList<>();
    for (String path : List.of("kafka", "dapr-http")) {
      all.add(new NewTopic(topic(path, sizes[0], 0), PARTITIONS, (short) 1));
      for (int size : sizes) {
        for (int rate : rates) {
          all.add(new NewTopic(topic(path, size, rate), PARTITIONS, (short) 1));
        }
      }
    }
    Properties p = new Properties();
    p.put("bootstrap.servers", kafka.bootstrapServers());
    try (Admin admin = Admin.create(p)) {
      admin.createTopics(all).all().get(60, TimeUnit.SECONDS);
    }
  }

  /** The sidecar's own resources: the project's Kafka component settings under another name. */
  private static Path resources(Path work) throws IOException {
    Path dir = work.resolve("resources");
    Files.createDirectories(dir);
    String kafka = Files.readString(ProjectPaths.root().resolve("components/brokers/kafka/pubsub.yaml"))
        .replace("name: pubsub", "name: bench-pubsub");
    kafka = kafka.substring(0, kafka.indexOf("scopes:"));
    Files.writeString(dir.resolve("pubsub.yaml"), kafka);
    Files.writeString(dir.resolve("config.yaml"), """
        apiVersion: dapr.io/v1alpha1
        kind: Configuration
        metadata:
          name: bench
        spec:
          tracing:
            samplingRate: "0"
        """);
    return dir;
  }

  private static String subscriptions(List<String> topics) {
    StringBuilder b = new StringBuilder("[");
    for (String t : topics) {
      b.append(b.length() > 1 ? "," : "").append("{\"pubsubname\":\"bench-pubsub\",\"topic\":\"").append(t)
          .append("\",\"route\":\"/bench/").append(t).append("\"}");
    }
    return b.append("]").toString();
  }

  private static void awaitSubscribed(Daprd sidecar, int topics) throws Exception {
    HttpClient c = HttpClient.newHttpClient();
    Instant deadline = Instant.now().plusSeconds(60);
    while (Instant.now().isBefore(deadline)) {
      String meta = c.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + sidecar.httpPort() + "/v1.0/metadata"))
          .header("dapr-api-token", sidecar.apiToken()).build(), HttpResponse.BodyHandlers.ofString()).body();
      if (meta.split("\"topic\"", -1).length - 1 >= topics) {
        Thread.sleep(3000); // consumer group joins
        return;
      }
      Thread.sleep(500);
    }
    throw new IllegalStateException("the sidecar did not subscribe to " + topics + " topics within 60 s");
  }

  // ---- messages -------------------------------------------------------------------------------

  /** {"seq":N,"pad":"xxx"} of about {@code size} bytes. */
  static String payload(long seq, int size) {
    String head = "{\"seq\":" + seq + ",\"pad\":\"";
    return head + "x".repeat(Math.max(0, size - head.length() - 2)) + "\"}";
  }

  /** The seq of a payload, also inside a CloudEvent ({"data":{"seq":N,...}}). */
  static long seq(String json) {
    int i = json.indexOf("\"seq\":") + 6;
    int j = i;
    while (j < json.length() && Character.isDigit(json.charAt(j))) {
      j++;
    }
    return Long.parseLong(json.substring(i, j));
  }

  // ---- reporting ------------------------------------------------------------------------------

  private static double ms(Histogram h, double percentile) {
    return h.getTotalCount() == 0 ? Double.NaN : h.getValueAtPercentile(percentile) / 1e6;
  }

  private static String table(List<Result> results, double seconds, double warmup) {
    StringBuilder b = new StringBuilder();
    b.append(String.format(java.util.Locale.ROOT, "Open-loop, %.0f s measured after %.0f s warm-up per row; latency from each message's due time to the handler.%n%n",
        seconds, warmup));
    b.append("Where not every message arrived within 10 s after the last was sent, the latencies are of those that did"
        + " (marked *): the path was overloaded at that rate.\n\n");
    b.append("| path | size B | rate /s | sent | received | p50 ms | p99 ms | p99.9 ms | max ms | max lag | lag < 100 |"
        + " CPU broker | CPU daprd | CPU bench | RSS broker MB | RSS daprd MB |\n");
    b.append("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
    for (Result r : results) {
      String mark = r.received < r.sent ? "*" : "";
      b.append(String.format(java.util.Locale.ROOT, "| %s | %d | %d | %d | %d | %.2f%s | %.2f%s | %.2f%s | %.2f%s | %d | %s | %.2f | %.2f | %.2f | %d | %d |%n",
          r.path, r.size, r.rate, r.sent, r.received, ms(r.h, 50), mark, ms(r.h, 99), mark, ms(r.h, 99.9), mark, ms(r.h, 100), mark, r.maxLag,
          r.maxLag < 100 && r.received == r.sent ? "yes" : "no", r.brokerCpu, r.path.equals("kafka") ? 0.0 : r.sidecarCpu, r.selfCpu,
          r.brokerRss / 1024, r.sidecarRss / 1024));
    }
    b.append("\nHighest rate with every message received and the backlog under 100:\n\n| path | size B | rate /s |\n|---|---|---|\n");
    java.util.Map<String, Integer> best = new java.util.TreeMap<>();
    for (Result r : results) {
      String key = r.path + " | " + r.size;
      best.putIfAbsent(key, 0);
      if (r.maxLag < 100 && r.received == r.sent) {
        best.put(key, Math.max(best.get(key), r.rate));
      }
    }
    best.forEach((k, v) -> b.append("| ").append(k).append(" | ").append(v == 0 ? "none measured" : v).append(" |\n"));
    b.append("\nDapr / raw Kafka, where both delivered everything:\n\n| size B | rate /s | p50 ratio | p99 ratio |\n|---|---|---|---|\n");
    for (Result d : results) {
      if (!d.path.equals("dapr-http")) {
        continue;
      }
      for (Result k : results) {
        if (k.path.equals("kafka") && k.size == d.size && k.rate == d.rate && d.received == d.sent && k.received == k.sent) {
          b.append(String.format(java.util.Locale.ROOT, "| %d | %d | %.2f | %.2f |%n", d.size, d.rate, ms(d.h, 50) / ms(k.h, 50), ms(d.h, 99) / ms(k.h, 99)));
        }
      }
    }
    return b.toString();
  }

  private static String csv(List<Result> results) {
    StringBuilder b = new StringBuilder("path,size,rate,sent,received,p50_ms,p99_ms,p999_ms,max_ms,max_lag\n");
    for (Result r : results) {
      b.append(String.format(java.util.Locale.ROOT, "%s,%d,%d,%d,%d,%.3f,%.3f,%.3f,%.3f,%d%n", r.path, r.size, r.rate, r.sent, r.received,
          ms(r.h, 50), ms(r.h, 99), ms(r.h, 99.9), ms(r.h, 100), r.maxLag));
    }
    return b.toString();
  }

  /** CPU ticks (user + system, 1/100 s) and RSS in KB of a process, from /proc. */
  private static long[] usage(ManagedProcess p) {
    return usage(p.pid());
  }

  private static long[] usage(long pid) {
    try {
      String stat = Files.readString(Paths.get("/proc/" + pid + "/stat"));
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]);
      long rss = 0;
      for (String line : Files.readAllLines(Paths.get("/proc/" + pid + "/status"))) {
        if (line.startsWith("VmRSS:")) {
          rss = Long.parseLong(line.replaceAll("\\D", ""));
        }
      }
      return new long[] {ticks, rss};
    } catch (IOException | RuntimeException e) {
      return new long[] {0, 0};
    }
  }

  private static void respond(com.sun.net.httpserver.HttpExchange x, int status, String body) throws IOException {
    try (InputStream in = x.getRequestBody()) {
      in.readAllBytes();
    }
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    x.getResponseHeaders().add("Content-Type", "application/json");
    x.sendResponseHeaders(status, bytes.length);
    x.getResponseBody().write(bytes);
    x.close();
  }

  private static Map<String, String> options(String[] args) {
    Map<String, String> m = new java.util.HashMap<>();
    for (int i = 0; i + 1 < args.length; i += 2) {
      if (!args[i].startsWith("--")) {
        throw new IllegalArgumentException("expected --option value, got " + args[i]);
      }
      m.put(args[i].substring(2), args[i + 1]);
    }
    return m;
  }
}
