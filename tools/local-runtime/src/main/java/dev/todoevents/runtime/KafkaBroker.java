package dev.todoevents.runtime;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * One Apache Kafka node in KRaft mode (combined broker + controller on loopback), run from the
 * Maven Central jars that tools/bootstrap.sh puts in .runtime/kafka/libs. Storage is formatted on
 * first start and kept in {@code dataDir}, so a restart keeps every record.
 */
public final class KafkaBroker implements AutoCloseable {

  private final int port;
  private final Supplier<ManagedProcess> start; // of the broker, formatted already
  private final Path dataDir;
  private ManagedProcess process;

  private KafkaBroker(
      int port, Supplier<ManagedProcess> start, Path dataDir, ManagedProcess process) {
    this.port = port;
    this.start = start;
    this.dataDir = dataDir;
    this.process = process;
  }

  /** Starts a broker on free ports with its data in {@code dataDir}. */
  public static KafkaBroker start(Path dataDir) {
    return start(dataDir, Ports.free(), Ports.free(), "256m");
  }

  public static KafkaBroker start(Path dataDir, int port, int controllerPort, String heap) {
    if (Containers.enabled()) {
      // The image's entrypoint writes the same settings and formats the storage on first start.
      Map<String, String> env =
          Map.of(
              "KAFKA_PORT", Integer.toString(port),
              "KAFKA_CONTROLLER_PORT", Integer.toString(controllerPort),
              "KAFKA_HEAP", heap,
              "KAFKA_DATA", dataDir.toAbsolutePath().toString());
      Supplier<ManagedProcess> start =
          () ->
              Containers.start(
                  "kafka",
                  "kafka",
                  null,
                  env,
                  List.of(dataDir),
                  List.of(),
                  dataDir,
                  dataDir.resolve("kafka.log"));
      return new KafkaBroker(port, start, dataDir, awaitStarted(start.get()));
    }
    try {
      Files.createDirectories(dataDir);
      Path logDir = dataDir.resolve("kraft-logs");
      Path props = dataDir.resolve("server.properties");
      Path log4j = dataDir.resolve("log4j2.properties");
      Files.writeString(props, serverProperties(port, controllerPort, logDir));
      Files.writeString(log4j, LOG4J);
      Path libs = ProjectPaths.kafkaLibs();
      String cp = libs + "/*";
      String java = ProjectPaths.java().toString();
      List<String> jvm =
          List.of(
              java,
              "-Xms" + heap,
              "-Xmx" + heap,
              "-XX:+UseG1GC",
              "-Djava.awt.headless=true",
              "-Dlog4j2.configurationFile=" + log4j,
              "-cp",
              cp);

      if (!Files.exists(logDir.resolve("meta.properties"))) {
        List<String> format = new java.util.ArrayList<>(jvm);
        format.addAll(
            List.of(
                "kafka.tools.StorageTool",
                "format",
                "-t",
                clusterId(),
                "-c",
                props.toString(),
                "--standalone"));
        ManagedProcess fmt =
            ManagedProcess.start(
                "kafka-storage-format", format, Map.of(), dataDir, dataDir.resolve("format.log"));
        int code = fmt.awaitExit(Duration.ofSeconds(60));
        if (code != 0) {
          throw new IllegalStateException(
              "Kafka storage format failed (exit " + code + "):\n" + fmt.tail(40));
        }
      }

      List<String> broker = new java.util.ArrayList<>(jvm);
      broker.addAll(List.of("kafka.Kafka", props.toString()));
      Supplier<ManagedProcess> start =
          () ->
              ManagedProcess.start(
                  "kafka", List.copyOf(broker), Map.of(), dataDir, dataDir.resolve("kafka.log"));
      return new KafkaBroker(port, start, dataDir, awaitStarted(start.get()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static ManagedProcess awaitStarted(ManagedProcess p) {
    try {
      p.awaitLog("Kafka Server started", Duration.ofSeconds(90));
    } catch (RuntimeException e) {
      p.close();
      throw e;
    }
    return p;
  }

  /** SIGTERM, as an operator's restart; the data stays. */
  public void stop() {
    process.stop(Duration.ofSeconds(30));
  }

  /** Starts the stopped broker again on the same ports and data. */
  public void restart() {
    if (process.isAlive()) {
      throw new IllegalStateException("Kafka is still running");
    }
    process = awaitStarted(start.get());
  }

  public String bootstrapServers() {
    return "127.0.0.1:" + port;
  }

  public int port() {
    return port;
  }

  public ManagedProcess process() {
    return process;
  }

  @Override
  public void close() {
    process.stop(Duration.ofSeconds(20));
  }

  private static String clusterId() {
    // Kafka wants 16 bytes, URL-safe base64 without padding; fixed so a restart reuses storage.
    byte[] bytes = "todo-events-kraf".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    return java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  static String serverProperties(int port, int controllerPort, Path logDir) {
    return String.join(
        "\n",
        "process.roles=broker,controller",
        "node.id=1",
        "controller.quorum.bootstrap.servers=127.0.0.1:" + controllerPort,
        "listeners=PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort,
        "advertised.listeners=PLAINTEXT://127.0.0.1:" + port,
        "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
        "controller.listener.names=CONTROLLER",
        "inter.broker.listener.name=PLAINTEXT",
        "log.dirs=" + logDir,
        "num.partitions=3",
        // One node: every internal topic has one replica; acks=all then means this node.
        "offsets.topic.replication.factor=1",
        "transaction.state.log.replication.factor=1",
        "transaction.state.log.min.isr=1",
        "share.coordinator.state.topic.replication.factor=1",
        "share.coordinator.state.topic.min.isr=1",
        "min.insync.replicas=1",
        "group.initial.rebalance.delay.ms=0",
        // Topics are created by TopicAdmin with their retention; typos must not create topics.
        "auto.create.topics.enable=false",
        "log.cleaner.dedupe.buffer.size=16777216",
        "");
  }

  private static final String LOG4J =
      String.join(
          "\n",
          "status = warn",
          "appender.console.type = Console",
          "appender.console.name = STDOUT",
          "appender.console.layout.type = PatternLayout",
          "appender.console.layout.pattern = [%d] %p %m (%c)%n",
          "rootLogger.level = info",
          "rootLogger.appenderRefs = stdout",
          "rootLogger.appenderRef.stdout.ref = STDOUT",
          "logger.kafka.name = kafka",
          "logger.kafka.level = info",
          "logger.org.name = org.apache.kafka",
          "logger.org.level = warn",
          "");
}
