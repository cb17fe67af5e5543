package dev.todoevents.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import dev.todoevents.contracts.DaprNames;
import dev.todoevents.runtime.Daprd;
import dev.todoevents.runtime.DevIssuer;
import dev.todoevents.runtime.KafkaBroker;
import dev.todoevents.runtime.LocalSystem;
import dev.todoevents.runtime.LocalSystem.Options;
import dev.todoevents.runtime.PostgresServer;
import dev.todoevents.runtime.PubSubBroker;
import dev.todoevents.runtime.ServiceApp;
import dev.todoevents.runtime.SystemEnv;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The system on real processes for one test: {@link LocalSystem} (the broker behind the component
 * {@code pubsub}, Kafka itself unless TODO_BROKER names another, see {@link PubSubBroker}; a Dapr
 * Sentry; for each app its daprd and its packaged app, all on free ports), with the calls the tests
 * make. {@link #close()} stops everything, apps first.
 */
final class Stack implements AutoCloseable {
  private static final com.fasterxml.jackson.databind.ObjectMapper JSON =
      new com.fasterxml.jackson.databind.ObjectMapper();

  /**
   * Kafka, when it is the broker (pubsub and live-pubsub); null when another broker replaces it.
   */
  final KafkaBroker kafka;

  /** The broker behind the component pubsub. */
  PubSubBroker pubsub;

  private final LocalSystem system;

  private Stack(LocalSystem system) {
    this.system = system;
    this.kafka = system.kafka();
    this.pubsub = system.pubsub();
  }

  /**
   * @param instances app-ids; a second instance of an app is named {@code app-id#2} (its own daprd
   *     with the same app-id, its own folder and ports)
   */
  static Stack start(Path work, String... instances) {
    return start(work, Set.of(), instances);
  }

  /**
   * @param notStarted instances whose daprd is started but not the app: the test starts it with
   *     {@code app(instance).start()} when it wants (a late app)
   */
  static Stack start(Path work, Set<String> notStarted, String... instances) {
    return start(work, PubSubBroker.selected(), notStarted, instances);
  }

  /**
   * @param broker the broker behind the component pubsub ({@link PubSubBroker#NAMES})
   */
  static Stack start(Path work, String broker, Set<String> notStarted, String... instances) {
    return launch(work, options().broker(broker).notStarted(notStarted), instances);
  }

  /**
   * Like {@link #start(Path, String...)}, with the apps named in {@code databases} on PostgreSQL:
   * their instances run the app's {@code quarkus-app-postgresql} package, all of them on that one
   * database, as on a cluster.
   *
   * @param databases JDBC URL by app-id (user {@link PostgresServer#USER}, trust auth)
   */
  static Stack startOnPostgres(Path work, Map<String, String> databases, String... instances) {
    return launch(work, options().databases(databases), instances);
  }

  /**
   * Like {@link #start(Path, String...)}, with every sidecar and app exporting its traces to the
   * OTLP receiver at {@code otlpEndpoint} (host:port).
   */
  static Stack startTraced(Path work, String otlpEndpoint, String... instances) {
    return launch(work, options().otlpEndpoint(otlpEndpoint), instances);
  }

  /**
   * The apps' default flags with the JIT's first tier only: an app in a test lives for seconds to a
   * minute, so C2 would spend the two cores compiling for a speed it never needs (a start takes
   * about 40 % less CPU). The code and its behaviour are the same; the benchmark and tools/run.sh
   * keep both tiers.
   */
  static final List<String> JVM_FLAGS =
      java.util.stream.Stream.concat(
              ServiceApp.DEFAULT_JVM_FLAGS.stream(),
              java.util.stream.Stream.of("-XX:TieredStopAtLevel=1"))
          .toList();

  private static Options options() {
    return Options.defaults().jvmFlags(JVM_FLAGS);
  }

  private static Stack launch(Path work, Options options, String[] instances) {
    return new Stack(LocalSystem.start(work, options, instances));
  }

  /**
   * Starts an instance that was not named when the stack started, sidecar and app: a consumer whose
   * sidecar subscribes for the first time now (unlike {@code notStarted}, where the sidecar is up
   * from the start and only the app comes late). Stopped with the rest by {@link #close()}.
   */
  ServiceApp startLater(String instance) {
    return system.startLater(instance);
  }

  /** Where the notification-outbox binding writes (one file per notification). */
  static Path notificationsDir(Path work) {
    return SystemEnv.notificationsDir(work);
  }

  /**
   * Publishes a CloudEvent through a sidecar's HTTP API, as another producer would, with the
   * sidecar's API token.
   */
  static Http.Reply publish(Daprd sidecar, String topic, String partitionKey, String cloudEvent) {
    return Http.post(
        publishUrl(sidecar, topic, partitionKey),
        cloudEvent,
        "application/cloudevents+json",
        DaprNames.API_TOKEN_HEADER,
        sidecar.apiToken());
  }

  /** The sidecar's HTTP publish endpoint for {@code topic} on the pubsub component. */
  static String publishUrl(Daprd sidecar, String topic, String partitionKey) {
    return "http://127.0.0.1:"
        + sidecar.httpPort()
        + "/v1.0/publish/pubsub/"
        + topic
        + "?metadata.partitionKey="
        + partitionKey;
  }

  /**
   * Dapr HTTP service invocation from {@code caller}'s sidecar, as that app would call ({@code
   * /v1.0/invoke/{target}/method/{method}} with its API token).
   */
  static Http.Reply invoke(
      Daprd caller,
      String httpMethod,
      String target,
      String method,
      String json,
      String... headers) {
    String[] all = java.util.Arrays.copyOf(headers, headers.length + 2);
    all[headers.length] = DaprNames.API_TOKEN_HEADER;
    all[headers.length + 1] = caller.apiToken();
    return Http.call(
        httpMethod,
        "http://127.0.0.1:" + caller.httpPort() + "/v1.0/invoke/" + target + "/method/" + method,
        json,
        all);
  }

  /**
   * Headers (name, value, ...) for a request as {@code user}: a bearer token from the dev issuer,
   * followed by {@code more}.
   */
  static String[] auth(String user, String... more) {
    String[] all = new String[more.length + 2];
    all[0] = "Authorization";
    all[1] = DevIssuer.shared().bearer(user);
    System.arraycopy(more, 0, all, 2, more.length);
    return all;
  }

  /**
   * Headers for a request of the back office: a token with the admin role, which reads across
   * users.
   */
  static String[] admin() {
    return new String[] {
      "Authorization", "Bearer " + DevIssuer.shared().adminToken("e2e-operator")
    };
  }

  /** The messages in a (dead-letter) topic of the pubsub broker, parsed: whatever the broker. */
  List<JsonNode> messages(String topic) {
    List<JsonNode> out = new ArrayList<>();
    for (String m : pubsub.messages(topic)) {
      try {
        out.add(JSON.readTree(m));
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException("not JSON in " + topic + ": " + m, e);
      }
    }
    return out;
  }

  /** Whether pubsub is Kafka (some tests check Kafka's own records, offsets or restarts). */
  boolean onKafka() {
    return pubsub.name().equals("kafka");
  }

  /** Skips the calling test when TODO_BROKER puts another broker than Kafka behind pubsub. */
  static void assumeKafka(String why) {
    org.junit.jupiter.api.Assumptions.assumeTrue(
        PubSubBroker.selected().equals("kafka"),
        "runs on Kafka only (" + why + "); TODO_BROKER=" + PubSubBroker.selected());
  }

  ServiceApp app(String instance) {
    return system.app(instance);
  }

  Daprd sidecar(String instance) {
    return system.sidecar(instance);
  }

  @Override
  public void close() {
    system.close();
  }
}
