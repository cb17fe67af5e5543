package dev.todoevents.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import dev.todoevents.runtime.Daprd;
import dev.todoevents.runtime.DevIssuer;
import dev.todoevents.runtime.KafkaBroker;
import dev.todoevents.runtime.Ports;
import dev.todoevents.runtime.PostgresServer;
import dev.todoevents.runtime.PubSubBroker;
import dev.todoevents.runtime.Sentry;
import dev.todoevents.runtime.ServiceApp;
import dev.todoevents.runtime.Shutdown;
import dev.todoevents.runtime.SystemEnv;
import dev.todoevents.runtime.TopicAdmin;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The system on real processes for one test: a Kafka node with the project's topics, the broker
 * behind the component {@code pubsub} (Kafka itself unless TODO_BROKER names another, see {@link
 * PubSubBroker}), a Dapr Sentry (mTLS between the sidecars, so access control applies), then for
 * each app its daprd (the project's own components/, subscriptions/, resiliency/) and its packaged
 * app, all on free ports. {@link #close()} stops everything, apps first.
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

  private Sentry sentry;
  private Path work;
  private String broker;
  private Map<String, String> sidecarEnv;
  private String zipkinSpans;

  /** JDBC URLs by app-id: that app's instances run its PostgreSQL package on this database. */
  private Map<String, String> databases = Map.of();

  private final Map<String, Daprd> sidecars = new LinkedHashMap<>();
  private final Map<String, ServiceApp> apps = new LinkedHashMap<>();

  private Stack(KafkaBroker kafka) {
    this.kafka = kafka;
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
    return launch(work, broker, notStarted, null, Map.of(), instances);
  }

  /**
   * Like {@link #start(Path, String...)}, with the apps named in {@code databases} on PostgreSQL:
   * their instances run the app's {@code quarkus-app-postgresql} package, all of them on that one
   * database, as on a cluster.
   *
   * @param databases JDBC URL by app-id (user {@link PostgresServer#USER}, trust auth)
   */
  static Stack startOnPostgres(Path work, Map<String, String> databases, String... instances) {
    return launch(work, PubSubBroker.selected(), Set.of(), null, databases, instances);
  }

  /**
   * Like {@link #start(Path, String...)}, with every sidecar and app exporting its traces to
   * Zipkin.
   */
  static Stack startTraced(Path work, String zipkinSpans, String... instances) {
    return launch(work, PubSubBroker.selected(), Set.of(), zipkinSpans, Map.of(), instances);
  }

  /**
   * @param zipkinSpans a Zipkin span endpoint that every sidecar and app exports its traces to;
   *     null: no traces (the apps' tracing is off, the sidecars export none)
   */
  private static Stack launch(
      Path work,
      String broker,
      Set<String> notStarted,
      String zipkinSpans,
      Map<String, String> databases,
      String[] instances) {
    // Another broker replaces Kafka (pubsub and live-pubsub both move): no Kafka node then.
    Stack stack =
        new Stack(broker.equals("kafka") ? KafkaBroker.start(work.resolve("kafka")) : null);
    try {
      if (stack.kafka != null) {
        TopicAdmin.ensureTopics(stack.kafka.bootstrapServers());
      }
      stack.pubsub = PubSubBroker.start(broker, work.resolve(broker), stack.kafka);
      stack.sentry = Sentry.start(work.resolve("sentry"));
      stack.work = work;
      stack.broker = broker;
      stack.zipkinSpans = zipkinSpans;
      stack.databases = Map.copyOf(databases);
      stack.sidecarEnv = SystemEnv.sidecars(work, stack.kafka, stack.pubsub, zipkinSpans);
      for (String instance : instances) {
        stack.launchInstance(instance, !notStarted.contains(instance));
      }
      return stack;
    } catch (RuntimeException e) {
      stack.close();
      throw e;
    }
  }

  private ServiceApp launchInstance(String instance, boolean startApp) {
    String id = instance.split("#")[0];
    int port = Ports.free();
    Path dir = work.resolve(instance.replace('#', '-'));
    Daprd sidecar = Daprd.start(id, port, dir, sidecarEnv, sentry, broker);
    sidecars.put(instance, sidecar);
    Map<String, String> env = new LinkedHashMap<>(SystemEnv.app(sidecar, dir, zipkinSpans));
    String jdbcUrl = databases.get(id);
    if (jdbcUrl != null) {
      env.put("QUARKUS_DATASOURCE_JDBC_URL", jdbcUrl);
      env.put("QUARKUS_DATASOURCE_USERNAME", PostgresServer.USER);
      env.put("QUARKUS_DATASOURCE_PASSWORD", "unused"); // trust auth
    }
    ServiceApp app = new ServiceApp(id, port, dir, env);
    if (jdbcUrl != null) {
      app.packageDir("quarkus-app-postgresql");
    }
    apps.put(instance, startApp ? app.start() : app);
    return app;
  }

  /**
   * Starts an instance that was not named when the stack started, sidecar and app: a consumer whose
   * sidecar subscribes for the first time now (unlike {@code notStarted}, where the sidecar is up
   * from the start and only the app comes late). Stopped with the rest by {@link #close()}.
   */
  ServiceApp startLater(String instance) {
    if (sidecars.containsKey(instance)) {
      throw new IllegalStateException(instance + " is already part of the stack");
    }
    return launchInstance(instance, true);
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
        "dapr-api-token",
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
    all[headers.length] = "dapr-api-token";
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
    return apps.get(instance);
  }

  Daprd sidecar(String instance) {
    return sidecars.get(instance);
  }

  @Override
  public void close() {
    Shutdown.system(apps.values(), sidecars.values(), sentry, pubsub, kafka);
  }
}
