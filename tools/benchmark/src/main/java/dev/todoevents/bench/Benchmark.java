package dev.todoevents.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.todoevents.contracts.DaprNames;
import dev.todoevents.runtime.Daprd;
import dev.todoevents.runtime.KafkaBroker;
import dev.todoevents.runtime.ManagedProcess;
import dev.todoevents.runtime.Ports;
import dev.todoevents.runtime.ProjectPaths;
import dev.todoevents.runtime.Shutdown;
import io.dapr.client.DaprClient;
import io.dapr.client.DaprClientBuilder;
import io.dapr.client.DaprPreviewClient;
import io.dapr.client.domain.BulkPublishEntry;
import io.dapr.client.domain.BulkPublishRequest;
import io.dapr.config.Properties;
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
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
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
 * Publish-to-handler latency and throughput, raw Kafka against Dapr, in one run on one machine
 * (tools/bench.sh). Paths, each open-loop at each rate and message size ({@link OpenLoop}):
 *
 * <ul>
 *   <li>{@code kafka}: a Java producer (acks=all, idempotence) to a consumer, in this JVM;
 *   <li>{@code dapr-http}: the sidecar's HTTP publish API, delivered by its subscription over HTTP
 *       to a handler in this JVM;
 *   <li>{@code dapr-grpc}: dapr-sdk's {@code publishEvent} (gRPC) to a second sidecar that delivers
 *       over gRPC ({@code --app-protocol grpc}, {@link GrpcApp});
 *   <li>{@code dapr-quarkus}: dapr-sdk's {@code publishEvent} (gRPC) to a third sidecar that
 *       delivers over HTTP to a Quarkus app ({@code tools/benchmark/handler}, its own JVM), which
 *       notes each arrival on the machine's monotonic clock for this JVM to collect;
 *   <li>{@code dapr-bulk}: dapr-sdk's bulk {@code publishEvents} (batches of the messages due
 *       within a few ms), delivered by a bulkSubscribe subscription in batches over HTTP;
 *   <li>{@code post-ws}: the user-visible path on the whole system ({@link SystemRun});
 *   <li>{@code system}: the whole system under rising open-loop rates over many users, until it no
 *       longer keeps up ({@link SystemPath}).
 * </ul>
 *
 * Everything runs on its own Kafka node and sidecars on free ports, stopped at the end. Prints
 * markdown tables and writes them, with a CSV, to the results folder ({@link Report}).
 *
 * <p>Besides the paths, {@code --audit-brokers kafka,redis,rabbitmq,jetstream} measures how fast
 * audit-service drains a backlog of task events on each broker ({@link AuditRun}).
 *
 * <p>Options: {@code --rates 250,500,1000,2000,4000 --sizes 200,1024 --seconds 10 --warmup 3
 * --warm-pass-s S (the throw-away pass before the first row; 5 s per path, 10 s for post-ws and
 * system) --repeat 1 --paths kafka,dapr-http,dapr-grpc,dapr-quarkus,dapr-bulk,post-ws,system --out
 * DIR} (rates up to 8000), and the knobs of the tuning round: {@code --linger-ms 5 --compression
 * none --partitions 3 --bulk-max 100 --bulk-await-ms 20 --publish-batch 100 --ws-rate 200 --app-jvm
 * "-Xmx160m -XX:+UseSerialGC"}; the audit mode's {@code --audit-brokers --audit-events 5000
 * --audit-warmup 500 --audit-publishers 4 --audit-await-ms N}; the system path's {@code
 * --system-rates 50,100,200,500,1000 --system-users 1000 --system-ws-users 50
 * --system-audit-samples 50 --system-drain-s 30}.
 */
public final class Benchmark {

  static final List<String> MICRO_PATHS =
      List.of("kafka", "dapr-http", "dapr-grpc", "dapr-quarkus", "dapr-bulk");
  static final String PUBSUB = "bench-pubsub";
  private static final double WARM_SECONDS = 5;
  private static final int KEYS = 20;
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Options o;
  private final Map<String, OpenLoop> runs = new ConcurrentHashMap<>();
  // Threads of the publishing clients and of the handler; shut down at the end of run(), since the
  // smoke test runs the benchmark inside the test JVM.
  private final ExecutorService clientThreads = Executors.newFixedThreadPool(4);
  private final ExecutorService handlerThreads = Executors.newFixedThreadPool(8);
  private final ScheduledExecutorService flusher = Executors.newSingleThreadScheduledExecutor();
  private final HttpClient http = HttpClient.newBuilder().executor(clientThreads).build();

  private Benchmark(Options o) {
    this.o = o;
  }

  /**
   * tools/bench.sh's entry: {@link #run}, then exits (dapr-sdk 1.17.1's client leaves a non-daemon
   * pool behind).
   */
  public static void main(String[] args) throws Exception {
    run(args);
    System.exit(0);
  }

  /**
   * The whole benchmark with these options (see the class comment); the smoke test calls it in its
   * JVM.
   */
  public static void run(String[] args) throws Exception {
    // The JDK's HTTP server otherwise leaves Nagle's algorithm on: its header and body writes
    // then meet the sidecar's delayed ACK, about 40 ms per delivery.
    System.setProperty("sun.net.httpserver.nodelay", "true");
    Options o = Options.parse(args);
    Report report = new Report(o);
    Benchmark b = new Benchmark(o);
    try {
      if (o.paths().stream().anyMatch(MICRO_PATHS::contains)) {
        b.micro(report);
      }
      if (o.paths().contains("post-ws")) {
        SystemRun.measure(o, report, b.http);
      }
      if (o.paths().contains("system")) {
        SystemRun.climb(o, report);
      }
      if (!o.auditBrokers().isEmpty()) {
        AuditRun.measure(o, report);
      }
    } finally {
      b.handlerThreads.shutdownNow();
      b.clientThreads.shutdownNow();
      b.flusher.shutdownNow();
    }
    report.write();
  }

  // ---- the five publish -> handler paths --------------------------------------------------------

  private void micro(Report report) throws Exception {
    List<String> paths = MICRO_PATHS.stream().filter(o.paths()::contains).toList();
    Path work = Files.createTempDirectory("todo-bench");
    HttpServer handler = HttpServer.create(new InetSocketAddress("127.0.0.1", Ports.free()), 256);
    handler.setExecutor(handlerThreads);
    handler.createContext("/dapr/subscribe", x -> respond(x, subscriptions(paths)));
    handler.createContext(
        "/bench/",
        x -> {
          String topic = x.getRequestURI().getPath().substring("/bench/".length());
          deliver(topic, new String(x.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
          respond(x, "{\"status\":\"SUCCESS\"}");
        });
    handler.createContext(
        "/bulk/",
        x -> {
          String topic = x.getRequestURI().getPath().substring("/bulk/".length());
          respond(x, bulkDelivered(topic, x.getRequestBody().readAllBytes()));
        });
    handler.start();
    int grpcPort = Ports.free();
    try (KafkaBroker kafka = KafkaBroker.start(work.resolve("kafka"));
        GrpcApp grpcApp =
            new GrpcApp(grpcPort, PUBSUB, topics(selected(paths, "dapr-grpc")), this::deliver)) {
      createTopics(kafka, paths);
      Path resources = resources(work);
      Map<String, String> env = Map.of("TODO_KAFKA_BROKERS", kafka.bootstrapServers());
      Daprd httpSide =
          Daprd.start(
              "bench-http",
              handler.getAddress().getPort(),
              "http",
              work.resolve("daprd-http"),
              env,
              null,
              List.of(resources),
              resources.resolve("config.yaml"));
      Daprd grpcSide = null;
      Daprd quarkusSide = null;
      ManagedProcess quarkus = null;
      try {
        grpcSide =
            Daprd.start(
                "bench-grpc",
                grpcPort,
                "grpc",
                work.resolve("daprd-grpc"),
                env,
                null,
                List.of(resources),
                resources.resolve("config.yaml"));
        int quarkusPort = Ports.free();
        quarkus =
            startQuarkusHandler(
                quarkusPort,
                topics(selected(paths, "dapr-quarkus")),
                work.resolve("bench-handler"));
        quarkusSide =
            Daprd.start(
                "bench-quarkus",
                quarkusPort,
                "http",
                work.resolve("daprd-quarkus"),
                env,
                null,
                List.of(resources),
                resources.resolve("config.yaml"));
        awaitSubscribed(httpSide, topics(selected(paths, "dapr-http", "dapr-bulk")).size());
        awaitSubscribed(grpcSide, topics(selected(paths, "dapr-grpc")).size());
        awaitSubscribed(quarkusSide, topics(selected(paths, "dapr-quarkus")).size());
        Thread collector = collectArrivals("http://127.0.0.1:" + quarkusPort + "/arrivals");
        try (DaprClient sdk = sdk(grpcSide).build();
            DaprClient quarkusSdk = sdk(quarkusSide).build();
            DaprPreviewClient bulkSdk = sdk(httpSide).buildPreviewClient()) {
          sdk.waitForSidecar(30_000).block();
          quarkusSdk.waitForSidecar(30_000).block();
          Map<String, Run> senders = new LinkedHashMap<>();
          senders.put("kafka", (size, loop, topic) -> kafkaRun(kafka, size, loop, topic));
          senders.put("dapr-http", (size, loop, topic) -> daprHttpRun(httpSide, size, loop, topic));
          senders.put("dapr-grpc", (size, loop, topic) -> sdkRun(sdk, size, loop, topic));
          senders.put("dapr-quarkus", (size, loop, topic) -> sdkRun(quarkusSdk, size, loop, topic));
          senders.put("dapr-bulk", (size, loop, topic) -> bulkRun(bulkSdk, size, loop, topic));
          Map<String, Long> pids = new LinkedHashMap<>();
          pids.put("broker", kafka.process().pid());
          pids.put("daprd-http", httpSide.process().pid());
          pids.put("daprd-grpc", grpcSide.process().pid());
          pids.put("daprd-quarkus", quarkusSide.process().pid());
          pids.put("quarkus", quarkus.pid());
          pids.put("bench", ProcessHandle.current().pid());
          // A throw-away pass first (rate 0 names its topics): JIT, connections and consumer
          // groups settle before the first row is measured.
          for (String path : paths) {
            OpenLoop warm = new OpenLoop(o.rates()[0], o.warmPass(WARM_SECONDS), 0.1);
            runs.put(topic(path, o.sizes()[0], 0), warm);
            senders.get(path).go(o.sizes()[0], warm, topic(path, o.sizes()[0], 0));
            warm.settle(30);
          }
          System.out.printf(
              "[bench] warmed up: %.1f s at %d/s on each path%n",
              o.warmPass(WARM_SECONDS), o.rates()[0]);
          for (int repeat = 1; repeat <= o.repeat(); repeat++) {
            // A path that did not deliver everything at a rate is not run at higher rates of that
            // size
            // (in this repeat); one whose backlog only grew past 100 is, to find its throughput.
            Set<String> behind = new HashSet<>();
            for (int size : o.sizes()) {
              for (int rate : o.rates()) {
                for (String path : paths) {
                  if (!behind.contains(path + size)) {
                    Report.Row row = measure(path, size, rate, repeat, pids, senders.get(path));
                    report.add(row);
                    if (!row.delivered()) {
                      behind.add(path + size);
                    }
                  }
                }
              }
            }
          }
        } finally {
          collector.interrupt();
        }
      } finally {
        Shutdown.inOrder(
            java.util.stream.Stream.of(quarkusSide, quarkus, grpcSide, httpSide)
                .filter(java.util.Objects::nonNull)
                .toList());
      }
    } finally {
      handler.stop(0);
    }
  }

  private interface Run {
    void go(int size, OpenLoop loop, String topic) throws Exception;
  }

  private Report.Row measure(
      String path, int size, int rate, int repeat, Map<String, Long> pids, Run run)
      throws Exception {
    String topic = topic(path, size, rate) + "-" + repeat;
    OpenLoop loop = new OpenLoop(rate, o.warmup(), o.seconds());
    runs.put(topic, loop);
    Usage.Span usage = new Usage.Span(pids);
    run.go(size, loop, topic);
    Map<String, double[]> used = usage.end();
    long received = loop.received();
    loop.settle(120);
    Report.Row r =
        new Report.Row(
            path,
            size,
            rate,
            repeat,
            loop.sent(),
            received,
            loop.sendErrors(),
            loop.latencies().getIntervalHistogram(),
            loop.maxLag(),
            loop.deliveredPerSecond(),
            used);
    System.out.printf(
        "[bench] %-9s %5d B %5d/s #%d: sent %d received %d errors %d, p50 %.2f ms p99 %.2f ms, max lag %d%s%n",
        path,
        size,
        rate,
        repeat,
        r.sent(),
        r.received(),
        r.errors(),
        Report.ms(r.h(), 50),
        Report.ms(r.h(), 99),
        r.maxLag(),
        r.keptUp() ? "" : " (fell behind)");
    return r;
  }

  private void kafkaRun(KafkaBroker kafka, int size, OpenLoop loop, String topic) throws Exception {
    java.util.Properties pp = new java.util.Properties();
    pp.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    pp.put(ProducerConfig.ACKS_CONFIG, "all");
    pp.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    pp.put(ProducerConfig.LINGER_MS_CONFIG, Integer.toString(o.lingerMs()));
    pp.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, o.compression());
    java.util.Properties cp = new java.util.Properties();
    cp.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    cp.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    try (KafkaProducer<String, String> producer =
            new KafkaProducer<>(pp, new StringSerializer(), new StringSerializer());
        KafkaConsumer<String, String> consumer =
            new KafkaConsumer<>(cp, new StringDeserializer(), new StringDeserializer())) {
      List<TopicPartition> parts = new ArrayList<>();
      for (int p = 0; p < o.partitions(); p++) {
        parts.add(new TopicPartition(topic, p));
      }
      consumer.assign(parts);
      consumer.seekToEnd(parts);
      parts.forEach(consumer::position);
      AtomicBoolean done = new AtomicBoolean();
      Thread poller =
          new Thread(
              () -> {
                try {
                  while (!done.get()) {
                    for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(100))) {
                      loop.received(seq(r.value()));
                    }
                  }
                } catch (org.apache.kafka.common.errors.WakeupException e) {
                  // stopped
                }
              },
              "bench-consumer");
      poller.start();
      loop.run(
          seq ->
              producer.send(
                  new ProducerRecord<>(topic, "user-" + seq % KEYS, payload(seq, size)),
                  (md, e) -> {
                    if (e != null) {
                      loop.failed();
                    }
                  }));
      producer.flush();
      loop.drain(10);
      done.set(true);
      consumer.wakeup();
      poller.join(5000);
    }
  }

  private void daprHttpRun(Daprd sidecar, int size, OpenLoop loop, String topic) throws Exception {
    String base =
        "http://127.0.0.1:"
            + sidecar.httpPort()
            + "/v1.0/publish/"
            + PUBSUB
            + "/"
            + topic
            + "?metadata.partitionKey=user-";
    String token = sidecar.apiToken();
    loop.run(
        seq ->
            http.sendAsync(
                    HttpRequest.newBuilder(URI.create(base + seq % KEYS))
                        .header("Content-Type", "application/json")
                        .header(DaprNames.API_TOKEN_HEADER, token)
                        .POST(HttpRequest.BodyPublishers.ofString(payload(seq, size)))
                        .build(),
                    HttpResponse.BodyHandlers.discarding())
                .whenComplete(
                    (r, e) -> {
                      if (e != null || r.statusCode() / 100 != 2) {
                        loop.failed();
                      }
                    }));
    loop.drain(10);
  }

  /** dapr-sdk's publishEvent over gRPC; the data is a JSON object (the SDK serializes the map). */
  private void sdkRun(DaprClient sdk, int size, OpenLoop loop, String topic) throws Exception {
    loop.run(
        seq ->
            sdk.publishEvent(
                    PUBSUB, topic, data(seq, size), Map.of("partitionKey", "user-" + seq % KEYS))
                .subscribe(v -> {}, e -> loop.failed()));
    loop.drain(10);
  }

  /**
   * dapr-sdk's bulk publish: each message joins the current batch, which is published when it holds
   * {@code --publish-batch} entries or 5 ms after its first (latency counts that wait).
   */
  private void bulkRun(DaprPreviewClient sdk, int size, OpenLoop loop, String topic)
      throws Exception {
    List<BulkPublishEntry<Map<String, Object>>> batch = new ArrayList<>();
    Runnable flush =
        () -> {
          List<BulkPublishEntry<Map<String, Object>>> out;
          synchronized (batch) {
            if (batch.isEmpty()) {
              return;
            }
            out = new ArrayList<>(batch);
            batch.clear();
          }
          sdk.publishEvents(new BulkPublishRequest<>(PUBSUB, topic, out))
              .subscribe(
                  resp -> resp.getFailedEntries().forEach(f -> loop.failed()),
                  e -> out.forEach(x -> loop.failed()));
        };
    var timer = flusher.scheduleAtFixedRate(flush, 5, 5, TimeUnit.MILLISECONDS);
    try {
      loop.run(
          seq -> {
            boolean full;
            synchronized (batch) {
              batch.add(
                  new BulkPublishEntry<>(
                      Long.toString(seq),
                      data(seq, size),
                      "application/json",
                      Map.of("partitionKey", "user-" + seq % KEYS)));
              full = batch.size() >= o.publishBatch();
            }
            if (full) {
              flush.run();
            }
          });
      flush.run();
    } finally {
      timer.cancel(false);
    }
    loop.drain(10);
  }

  /**
   * The Quarkus handler (tools/benchmark/handler, packaged by the build) on {@code port},
   * subscribing to {@code topics}.
   */
  private static ManagedProcess startQuarkusHandler(int port, List<String> topics, Path dir)
      throws IOException {
    Path jar =
        ProjectPaths.root().resolve("tools/benchmark/handler/target/quarkus-app/quarkus-run.jar");
    if (!Files.exists(jar)) {
      throw new IllegalStateException(
          jar
              + " is missing: run 'mvn -DskipTests install -pl tools/benchmark/handler' (tools/bench.sh does)");
    }
    Files.createDirectories(dir);
    return ManagedProcess.startReady(
        "bench-handler",
        List.of(
            ProjectPaths.java().toString(), "-Xmx128m", "-XX:+UseSerialGC", "-jar", jar.toString()),
        Map.of(
            "QUARKUS_HTTP_PORT", Integer.toString(port), "BENCH_TOPICS", String.join(",", topics)),
        dir,
        dir.resolve("bench-handler.log"),
        "http://127.0.0.1:" + port + "/arrivals",
        Duration.ofSeconds(60));
  }

  /**
   * Collects the Quarkus handler's arrivals every 10 ms and hands them to their runs with the
   * handler's own receipt times (so the polling adds nothing to latency; the sampled backlog may
   * lag by up to 10 ms of messages).
   */
  private Thread collectArrivals(String url) {
    HttpClient c = HttpClient.newHttpClient();
    HttpRequest get = HttpRequest.newBuilder(URI.create(url)).build();
    Thread t =
        new Thread(
            () -> {
              while (!Thread.currentThread().isInterrupted()) {
                try {
                  for (String line :
                      c.send(get, HttpResponse.BodyHandlers.ofString()).body().split("\n")) {
                    String[] f = line.split(" ");
                    OpenLoop loop = f.length == 3 ? runs.get(f[0]) : null;
                    if (loop != null) {
                      loop.received(Long.parseLong(f[1]), Long.parseLong(f[2]));
                    }
                  }
                  Thread.sleep(10);
                } catch (InterruptedException e) {
                  return;
                } catch (IOException e) {
                  // the handler is stopping
                  return;
                }
              }
            },
            "bench-quarkus-arrivals");
    t.setDaemon(true);
    t.start();
    return t;
  }

  private void deliver(String topic, String body) {
    OpenLoop loop = runs.get(topic);
    if (loop != null) {
      loop.received(seq(body));
    }
  }

  /**
   * A bulkSubscribe delivery: {"entries":[{"entryId":..,"event":{CloudEvent}}]}, one status each.
   */
  private String bulkDelivered(String topic, byte[] body) throws IOException {
    StringBuilder statuses = new StringBuilder("{\"statuses\":[");
    JsonNode entries = JSON.readTree(body).path("entries");
    OpenLoop loop = runs.get(topic);
    for (JsonNode e : entries) {
      if (loop != null) {
        loop.received(e.at("/event/data/seq").asLong());
      }
      statuses
          .append(statuses.charAt(statuses.length() - 1) == '[' ? "" : ",")
          .append("{\"entryId\":")
          .append(JSON.writeValueAsString(e.path("entryId").asText()))
          .append(",\"status\":\"SUCCESS\"}");
    }
    return statuses.append("]}").toString();
  }

  private static DaprClientBuilder sdk(Daprd sidecar) {
    return new DaprClientBuilder()
        .withPropertyOverride(Properties.GRPC_PORT, Integer.toString(sidecar.grpcPort()))
        .withPropertyOverride(Properties.HTTP_PORT, Integer.toString(sidecar.httpPort()))
        .withPropertyOverride(Properties.API_TOKEN, sidecar.apiToken());
  }

  // ---- setup ----------------------------------------------------------------------------------

  /** One topic per path, size and rate (rate 0: the warm-up's); a suffix per repeat. */
  private static String topic(String path, int size, int rate) {
    return "bench-" + path + "-" + size + "-" + (rate == 0 ? "warm" : Integer.toString(rate));
  }

  /** Those of {@code candidates} that this run measures. */
  private static List<String> selected(List<String> paths, String... candidates) {
    return java.util.Arrays.stream(candidates).filter(paths::contains).toList();
  }

  /** Every topic of these paths: the warm-up's and one per size, rate and repeat. */
  private List<String> topics(List<String> paths) {
    List<String> all = new ArrayList<>();
    for (String path : paths) {
      all.add(topic(path, o.sizes()[0], 0));
      for (int size : o.sizes()) {
        for (int rate : o.rates()) {
          for (int repeat = 1; repeat <= o.repeat(); repeat++) {
            all.add(topic(path, size, rate) + "-" + repeat);
          }
        }
      }
    }
    return all;
  }

  private void createTopics(KafkaBroker kafka, List<String> paths) throws Exception {
    List<NewTopic> all =
        topics(paths).stream().map(t -> new NewTopic(t, o.partitions(), (short) 1)).toList();
    java.util.Properties p = new java.util.Properties();
    p.put("bootstrap.servers", kafka.bootstrapServers());
    try (Admin admin = Admin.create(p)) {
      admin.createTopics(all).all().get(60, TimeUnit.SECONDS);
    }
  }

  /** The sidecars' own resources: the project's Kafka component settings under another name. */
  private Path resources(Path work) throws IOException {
    Path dir = work.resolve("resources");
    Files.createDirectories(dir);
    String kafka =
        Files.readString(ProjectPaths.root().resolve("components/brokers/kafka/pubsub.yaml"))
            .replace("name: pubsub", "name: " + PUBSUB);
    // The topic scopes (the last metadata entries) name the project's apps and topics, not the
    // benchmark's, which they would refuse: the copy ends before them.
    int scoping = kafka.indexOf("    - name: allowedTopics");
    kafka = kafka.substring(0, scoping >= 0 ? scoping : kafka.indexOf("scopes:"));
    if (!o.compression().equals("none")) {
      kafka += "    - name: compression\n      value: \"" + o.compression() + "\"\n";
    }
    Files.writeString(dir.resolve("pubsub.yaml"), kafka);
    Files.writeString(
        dir.resolve("config.yaml"),
        """
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

  /** The HTTP side's subscriptions: dapr-http topics one by one, dapr-bulk topics in bulk. */
  private String subscriptions(List<String> paths) {
    StringBuilder b = new StringBuilder("[");
    for (String path : selected(paths, "dapr-http", "dapr-bulk")) {
      boolean bulk = path.equals("dapr-bulk");
      for (String t : topics(List.of(path))) {
        b.append(b.length() > 1 ? "," : "")
            .append("{\"pubsubname\":\"")
            .append(PUBSUB)
            .append("\",\"topic\":\"")
            .append(t)
            .append("\",\"route\":\"/")
            .append(bulk ? "bulk" : "bench")
            .append("/")
            .append(t)
            .append("\"");
        if (bulk) {
          b.append(",\"bulkSubscribe\":{\"enabled\":true,\"maxMessagesCount\":")
              .append(o.bulkMax())
              .append(",\"maxAwaitDurationMs\":")
              .append(o.bulkAwaitMs())
              .append("}");
        }
        b.append("}");
      }
    }
    return b.append("]").toString();
  }

  private static void awaitSubscribed(Daprd sidecar, int topics) throws Exception {
    HttpClient c = HttpClient.newHttpClient();
    Instant deadline = Instant.now().plusSeconds(60);
    while (Instant.now().isBefore(deadline)) {
      String meta =
          c.send(
                  HttpRequest.newBuilder(
                          URI.create("http://127.0.0.1:" + sidecar.httpPort() + "/v1.0/metadata"))
                      .header(DaprNames.API_TOKEN_HEADER, sidecar.apiToken())
                      .build(),
                  HttpResponse.BodyHandlers.ofString())
              .body();
      if (topics == 0 || meta.split("\"topic\"", -1).length - 1 >= topics) {
        Thread.sleep(3000); // consumer group joins
        return;
      }
      Thread.sleep(500);
    }
    throw new IllegalStateException(
        "the sidecar "
            + sidecar.appId()
            + " did not subscribe to "
            + topics
            + " topics within 60 s");
  }

  // ---- messages -------------------------------------------------------------------------------

  /** {"seq":N,"pad":"xxx"} of about {@code size} bytes. */
  static String payload(long seq, int size) {
    return "{\"seq\":" + seq + ",\"pad\":\"" + pad(seq, size) + "\"}";
  }

  /** The padding that brings message {@code seq} to about {@code size} bytes. */
  private static String pad(long seq, int size) {
    int head = ("{\"seq\":" + seq + ",\"pad\":\"").length();
    return "x".repeat(Math.max(0, size - head - 2));
  }

  /** The same message as an object, for the SDK to serialize. */
  private static Map<String, Object> data(long seq, int size) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("seq", seq);
    m.put("pad", pad(seq, size));
    return m;
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

  private static void respond(HttpExchange x, String body) throws IOException {
    try (InputStream in = x.getRequestBody()) {
      in.readAllBytes();
    }
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    x.getResponseHeaders().add("Content-Type", "application/json");
    x.sendResponseHeaders(200, bytes.length);
    x.getResponseBody().write(bytes);
    x.close();
  }
}
