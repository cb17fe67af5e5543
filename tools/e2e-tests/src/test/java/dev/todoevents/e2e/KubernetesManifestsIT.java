package dev.todoevents.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.todoevents.contracts.DaprNames.AppIds;
import dev.todoevents.contracts.Topic;
import dev.todoevents.runtime.KubeApiServer;
import dev.todoevents.runtime.ProjectPaths;
import dev.todoevents.runtime.TopicAdmin;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * Every overlay in k8s/ renders with kubectl's kustomize and a real kube-apiserver (with etcd, both
 * built from their Go modules) accepts all of it in a server-side dry run, with strict field
 * validation against the Kubernetes built-in schemas and the official Dapr and Strimzi CRDs; so is
 * k8s/rabbitmq (RabbitMQ's queues before the first publish) against the messaging-topology
 * operator's CRDs. A broken manifest is refused, so the check is not a formality. On the objects
 * the server accepted it then checks the security controls of issue 16: every app's sidecar and app
 * read their tokens from that app's own Secrets, ingress is denied by default, and on Strimzi each
 * app has its own KafkaUser whose ACLs are exactly its pub/sub topic scopes, and its sidecar signs
 * in with it. KEDA's ScaledObjects (issue 18) are checked against KEDA's CRDs too, and against the
 * rest of the overlay: each reads the consumer group Dapr uses for its app on the topic the app
 * subscribes to, never scales past that topic's partitions, and signs in as the broker allows.
 */
class KubernetesManifestsIT {

  private static final List<String> OVERLAYS =
      List.of("local", "redpanda", "confluent-cloud", "node");
  private static final List<String> APPS = AppIds.ALL;

  /**
   * The apps KEDA scales on lag; task-, realtime- and stats-service are left out on purpose
   * (k8s/components/keda).
   */
  private static final List<String> LAG_SCALED =
      List.of("audit-service", "recurring-task-service", "notification-service");

  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void everyOverlayRendersAndIsAcceptedByARealApiServer() throws Exception {
    Path work = WorkDirs.create("k8s-manifests");
    Path k8s = ProjectPaths.root().resolve("k8s");
    try (KubeApiServer api = KubeApiServer.start(work.resolve("apiserver"))) {
      Path crds = ProjectPaths.k8sCrds();
      // Server-side: Strimzi's Kafka CRD is too large for client-side apply's annotation.
      KubeApiServer.Result installed =
          api.kubectl(
              "apply",
              "--server-side",
              "-f",
              crds.resolve("dapr").toString(),
              "-f",
              crds.resolve("strimzi").toString(),
              "-f",
              crds.resolve("rabbitmq").toString(),
              "-f",
              crds.resolve("keda").toString());
      assertThat(installed.ok()).as("CRDs installed: %s", installed.output()).isTrue();
      // kubectl wait errors out on a CRD that has no status yet (right after the apply): ask again.
      KubeApiServer.Result established = null;
      for (int i = 0; i < 30 && (established == null || !established.ok()); i++) {
        if (established != null) {
          Thread.sleep(1000);
        }
        established =
            api.kubectl("wait", "--for=condition=Established", "--timeout=60s", "crd", "--all");
      }
      assertThat(established.ok()).as("CRDs established: %s", established.output()).isTrue();
      // A dry run does not create the namespace its objects go into.
      assertThat(api.kubectl("create", "namespace", "todo-events").ok()).isTrue();

      for (String overlay : OVERLAYS) {
        Path dir = k8s.resolve("overlays").resolve(overlay);
        KubeApiServer.Result rendered = api.kubectl("kustomize", dir.toString());
        assertThat(rendered.ok())
            .as("kubectl kustomize %s: %s", overlay, rendered.output())
            .isTrue();
        Files.writeString(work.resolve(overlay + ".yaml"), rendered.output());

        KubeApiServer.Result dryRun =
            api.kubectl(
                "apply",
                "--dry-run=server",
                "--validate=strict",
                "-o",
                "json",
                "-k",
                dir.toString());
        assertThat(dryRun.ok())
            .as("server-side dry run of %s:%n%s", overlay, dryRun.output())
            .isTrue();
        List<JsonNode> objects = accepted(dryRun.output());
        System.out.printf(
            "[k8s] overlay %s: %d objects accepted by kube-apiserver (dry run, strict)%n",
            overlay, objects.size());
        assertThat(objects)
            .as("objects in %s", overlay)
            .hasSizeGreaterThanOrEqualTo(overlay.equals("local") ? 57 : 38);

        // The apps and, on the node cluster, its trace backend (k8s/overlays/node/jaeger.yaml).
        List<String> deployments = new ArrayList<>(APPS);
        if (overlay.equals("node")) {
          deployments.add("jaeger");
        }
        List<JsonNode> all = ofKind(objects, "Deployment");
        assertThat(all)
            .as("Deployments in %s", overlay)
            .extracting(KubernetesManifestsIT::name)
            .containsExactlyInAnyOrderElementsOf(deployments);
        List<JsonNode> apps = all.stream().filter(d -> APPS.contains(name(d))).toList();
        apps.forEach(KubernetesManifestsIT::assertOwnTokenSecrets);
        JsonNode denyAll = named(objects, "NetworkPolicy", "default-deny-ingress");
        assertThat(
                denyAll.at("/spec/podSelector").isEmpty()
                    && denyAll.at("/spec/ingress").isMissingNode())
            .as("default-deny-ingress selects every pod and allows nothing: %s", denyAll)
            .isTrue();
        if (overlay.equals("local")) {
          assertStrimziUsers(objects);
        }
        if (overlay.equals("node")) {
          // tools/cluster.sh's node: no KEDA; its topic Job makes TopicAdmin's topics.
          assertTopicJobMakesTopicAdminsTopics();
        } else {
          assertScaledOnLag(overlay, objects);
        }
      }
      System.out.println(
          "[k8s] per-app token Secrets, default-deny ingress, and a KafkaUser per app (ACLs == topic scopes) checked");
      System.out.println(
          "[k8s] KEDA: a ScaledObject per lag-scaled consumer, on its Dapr group and topic, at most one replica per partition");

      // RabbitMQ's topology (no overlay uses it yet); RabbitMqTopologyTest checks it against
      // subscriptions/.
      Path rabbitmq = k8s.resolve("rabbitmq");
      KubeApiServer.Result topology =
          api.kubectl(
              "apply",
              "--dry-run=server",
              "--validate=strict",
              "-o",
              "json",
              "-k",
              rabbitmq.toString());
      assertThat(topology.ok())
          .as("server-side dry run of k8s/rabbitmq:%n%s", topology.output())
          .isTrue();
      List<JsonNode> rabbitObjects = accepted(topology.output());
      System.out.printf(
          "[k8s] k8s/rabbitmq: %d objects accepted by kube-apiserver (dry run, strict)%n",
          rabbitObjects.size());
      Map<String, Long> kinds = new TreeMap<>();
      rabbitObjects.forEach(o -> kinds.merge(o.path("kind").asText(), 1L, Long::sum));
      // A queue and a binding per subscriber (4) and per dead-letter topic (3), an exchange per
      // topic they read.
      assertThat(kinds).isEqualTo(Map.of("Exchange", 5L, "Queue", 7L, "Binding", 7L, "Policy", 1L));
      // Free-form arguments survive the server's pruning: the sidecar's declaration must find them.
      assertThat(
              named(rabbitObjects, "Queue", "audit-service-task-events")
                  .at("/spec/arguments/x-single-active-consumer")
                  .asBoolean())
          .isTrue();

      // The schemas bite: an unknown field in a Dapr Component and a wrong type in a Deployment.
      Path broken = work.resolve("broken.yaml");
      Files.writeString(
          broken,
          """
          apiVersion: dapr.io/v1alpha1
          kind: Component
          metadata:
            name: broken
            namespace: todo-events
          spec:
            type: pubsub.kafka
            version: v1
            metadta: []
          """);
      KubeApiServer.Result refused =
          api.kubectl("apply", "--dry-run=server", "--validate=strict", "-f", broken.toString());
      assertThat(refused.ok()).as("a misspelt field is refused: %s", refused.output()).isFalse();
      assertThat(refused.output()).contains("metadta");
      Files.writeString(
          broken,
          """
          apiVersion: apps/v1
          kind: Deployment
          metadata:
            name: broken
            namespace: todo-events
          spec:
            replicas: "two"
            selector:
              matchLabels: {app: broken}
            template:
              metadata:
                labels: {app: broken}
              spec:
                containers:
                  - name: app
                    image: example/app
          """);
      refused =
          api.kubectl("apply", "--dry-run=server", "--validate=strict", "-f", broken.toString());
      assertThat(refused.ok()).as("a wrong type is refused: %s", refused.output()).isFalse();
      // The operator's schema too: a misspelt Queue field.
      Files.writeString(
          broken,
          """
          apiVersion: rabbitmq.com/v1beta1
          kind: Queue
          metadata:
            name: broken
            namespace: todo-events
          spec:
            name: broken
            durabel: true
            rabbitmqClusterReference:
              name: todo-rabbitmq
          """);
      refused =
          api.kubectl("apply", "--dry-run=server", "--validate=strict", "-f", broken.toString());
      assertThat(refused.ok())
          .as("a misspelt Queue field is refused: %s", refused.output())
          .isFalse();
      assertThat(refused.output()).contains("durabel");
      // And KEDA's: a misspelt ScaledObject field.
      Files.writeString(
          broken,
          """
          apiVersion: keda.sh/v1alpha1
          kind: ScaledObject
          metadata:
            name: broken
            namespace: todo-events
          spec:
            scaleTargetRef:
              name: audit-service
            maxReplicaCont: 3
            triggers:
              - type: kafka
                metadata:
                  topic: task-events
          """);
      refused =
          api.kubectl("apply", "--dry-run=server", "--validate=strict", "-f", broken.toString());
      assertThat(refused.ok())
          .as("a misspelt ScaledObject field is refused: %s", refused.output())
          .isFalse();
      assertThat(refused.output()).contains("maxReplicaCont");
      System.out.println(
          "[k8s] a misspelt Component field, a wrongly typed Deployment field, a misspelt Queue field and a misspelt"
              + " ScaledObject field were refused");
    }
  }

  /**
   * The objects of kubectl's -o json output (a List, or one object), after any warnings it printed
   * first.
   */
  private static List<JsonNode> accepted(String output) throws IOException {
    int start = output.indexOf("{\n");
    assertThat(start).as("JSON in kubectl's output: %s", output).isGreaterThanOrEqualTo(0);
    List<JsonNode> out = new ArrayList<>();
    try (MappingIterator<JsonNode> docs =
        JSON.readerFor(JsonNode.class).readValues(output.substring(start))) {
      while (docs.hasNext()) {
        JsonNode d = docs.next();
        if (d.path("kind").asText().equals("List")) {
          d.path("items").forEach(out::add);
        } else {
          out.add(d);
        }
      }
    }
    return out;
  }

  private static List<JsonNode> ofKind(List<JsonNode> objects, String kind) {
    return objects.stream().filter(o -> o.path("kind").asText().equals(kind)).toList();
  }

  private static JsonNode named(List<JsonNode> objects, String kind, String name) {
    return ofKind(objects, kind).stream()
        .filter(o -> name(o).equals(name))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no " + kind + " " + name));
  }

  private static String name(JsonNode o) {
    return o.at("/metadata/name").asText();
  }

  /**
   * The sidecar (annotations, read by the injector from key "token") and the app (env) of one app
   * use its own two Secrets.
   */
  private static void assertOwnTokenSecrets(JsonNode deployment) {
    String app = name(deployment);
    JsonNode annotations = deployment.at("/spec/template/metadata/annotations");
    assertThat(annotations.path("dapr.io/api-token-secret").asText())
        .as(app)
        .isEqualTo(app + "-dapr-api-token");
    assertThat(annotations.path("dapr.io/app-token-secret").asText())
        .as(app)
        .isEqualTo(app + "-app-api-token");
    Map<String, String> fromSecret = new HashMap<>();
    for (JsonNode e : deployment.at("/spec/template/spec/containers/0/env")) {
      JsonNode ref = e.at("/valueFrom/secretKeyRef");
      if (!ref.isMissingNode()) {
        fromSecret.put(
            e.path("name").asText(), ref.path("name").asText() + ":" + ref.path("key").asText());
      }
    }
    assertThat(fromSecret)
        .as("%s's app container", app)
        .containsEntry("DAPR_API_TOKEN", app + "-dapr-api-token:token")
        .containsEntry("APP_API_TOKEN", app + "-app-api-token:token");
  }

  /**
   * Strimzi: the only listeners authenticate, ACLs are on, and each app has a SCRAM KafkaUser whose
   * topic ACLs are exactly what the pub/sub components' scopes let it publish (Write) and subscribe
   * (Read), a group it may consume in, and its sidecar gets that user's password.
   */
  private static void assertStrimziUsers(List<JsonNode> objects) {
    JsonNode kafka = named(objects, "Kafka", "todo-kafka");
    assertThat(kafka.at("/spec/kafka/listeners"))
        .as("listeners")
        .isNotEmpty()
        .allSatisfy(
            l ->
                assertThat(l.at("/authentication/type").asText())
                    .as("listener %s", l.path("name"))
                    .isEqualTo("scram-sha-512"));
    assertThat(kafka.at("/spec/kafka/authorization/type").asText()).isEqualTo("simple");

    Map<String, Set<String>> publishes = new HashMap<>();
    Map<String, Set<String>> subscribes = new HashMap<>();
    for (String component : List.of("pubsub", "live-pubsub")) {
      for (JsonNode m : named(objects, "Component", component).at("/spec/metadata")) {
        switch (m.path("name").asText()) {
          case "publishingScopes" -> scopes(m.path("value").asText(), publishes);
          case "subscriptionScopes" -> scopes(m.path("value").asText(), subscribes);
          case "saslUsername" ->
              assertThat(m.path("value").asText()).as(component).isEqualTo("{appID}");
          case "saslPassword" ->
              assertThat(m.path("envRef").asText())
                  .as(component)
                  .isEqualTo("TODO_KAFKA_SASL_PASSWORD");
          default -> {}
        }
      }
    }
    for (String app : APPS) {
      JsonNode user = named(objects, "KafkaUser", app);
      assertThat(user.at("/spec/authentication/type").asText()).as(app).isEqualTo("scram-sha-512");
      Set<String> writes = new TreeSet<>();
      Set<String> reads = new TreeSet<>();
      Set<String> groups = new TreeSet<>();
      for (JsonNode acl : user.at("/spec/authorization/acls")) {
        List<String> ops = new ArrayList<>();
        acl.path("operations").forEach(o -> ops.add(o.asText()));
        String resource = acl.at("/resource/name").asText();
        switch (acl.at("/resource/type").asText()) {
          case "topic" -> {
            if (ops.contains("Write")) {
              writes.add(resource);
            }
            if (ops.contains("Read")) {
              reads.add(resource);
            }
          }
          case "group" -> groups.add(resource);
          default -> throw new AssertionError(app + " has an ACL beyond topics and groups: " + acl);
        }
      }
      assertThat(writes).as("%s may write", app).isEqualTo(publishes.getOrDefault(app, Set.of()));
      assertThat(reads).as("%s may read", app).isEqualTo(subscribes.getOrDefault(app, Set.of()));
      assertThat(groups).as("%s's consumer groups", app).allMatch(g -> g.startsWith(app));
      if (!reads.isEmpty()) {
        assertThat(groups).as("%s's consumer groups", app).isNotEmpty();
      }
      assertThat(
              named(objects, "Deployment", app)
                  .at("/spec/template/metadata/annotations")
                  .path("dapr.io/env-from-secret")
                  .asText())
          .as("%s's sidecar password", app)
          .isEqualTo("TODO_KAFKA_SASL_PASSWORD=kafka-user-" + app + ":password");
    }
  }

  /**
   * KEDA: a ScaledObject for each lag-scaled consumer and for no other app, each on its own
   * Deployment; its kafka trigger reads the group Dapr consumes in (the app-id, as long as the
   * pubsub component sets no consumerGroup or consumerID) on the topic the app's Subscription
   * names; maxReplicaCount is that topic's partition count where the overlay declares the topic
   * (Strimzi), and its TriggerAuthentication exists. On Strimzi KEDA has a KafkaUser that may only
   * describe, and the listener's network policy lets the KEDA operator in.
   */
  /**
   * The node overlay's topic Job (and compose's) makes the Kafka image's list: TopicAdmin's topics
   * with their default partitions and retention.
   */
  private static void assertTopicJobMakesTopicAdminsTopics() throws IOException {
    List<String> expected =
        TopicAdmin.specs(Topic.DEFAULT_PARTITIONS).stream()
            .map(t -> t.name() + " " + t.numPartitions() + " " + t.configs().get("retention.ms"))
            .toList();
    String listed = Files.readString(ProjectPaths.root().resolve("tools/images/kafka-topics.txt"));
    assertThat(listed.lines().filter(l -> !l.isBlank() && !l.startsWith("#")).toList())
        .containsExactlyInAnyOrderElementsOf(expected);
  }

  private static void assertScaledOnLag(String overlay, List<JsonNode> objects) {
    List<JsonNode> scaled = ofKind(objects, "ScaledObject");
    assertThat(scaled)
        .as("ScaledObjects in %s", overlay)
        .extracting(KubernetesManifestsIT::name)
        .containsExactlyInAnyOrderElementsOf(LAG_SCALED);
    String kafkaVersion = null;
    for (JsonNode m : named(objects, "Component", "pubsub").at("/spec/metadata")) {
      assertThat(m.path("name").asText())
          .as("pubsub's consumer group must stay the app-id for KEDA")
          .isNotIn("consumerGroup", "consumerID");
      if (m.path("name").asText().equals("version")) {
        kafkaVersion = m.path("value").asText();
      }
    }
    assertThat(kafkaVersion).as("pubsub's Kafka client version").isNotBlank();
    Map<String, Integer> partitions = new HashMap<>();
    ofKind(objects, "KafkaTopic")
        .forEach(t -> partitions.put(name(t), t.at("/spec/partitions").asInt()));
    for (JsonNode so : scaled) {
      String app = name(so);
      assertThat(so.at("/spec/scaleTargetRef/name").asText()).as(app).isEqualTo(app);
      named(objects, "Deployment", app);
      assertThat(so.at("/spec/minReplicaCount").asInt())
          .as("%s keeps one instance", app)
          .isEqualTo(1);
      JsonNode triggers = so.at("/spec/triggers");
      assertThat(triggers).as("%s's triggers", app).hasSize(1);
      JsonNode trigger = triggers.get(0);
      assertThat(trigger.path("type").asText()).isEqualTo("kafka");
      JsonNode meta = trigger.path("metadata");
      assertThat(meta.path("consumerGroup").asText()).as("%s's group", app).isEqualTo(app);
      List<String> subscribed =
          ofKind(objects, "Subscription").stream()
              .filter(sub -> sub.at("/spec/pubsubname").asText().equals("pubsub"))
              .filter(sub -> sub.path("scopes").toString().contains("\"" + app + "\""))
              .map(sub -> sub.at("/spec/topic").asText())
              .toList();
      assertThat(subscribed)
          .as("%s's subscribed topics", app)
          .containsExactly(meta.path("topic").asText());
      assertThat(meta.path("version").asText())
          .as("%s: KEDA's Kafka client version is the sidecars'", app)
          .isEqualTo(kafkaVersion);
      assertThat(Integer.parseInt(meta.path("lagThreshold").asText()))
          .as("%s's lagThreshold", app)
          .isPositive();
      if (!partitions.isEmpty()) {
        assertThat(so.at("/spec/maxReplicaCount").asInt())
            .as("%s: at most one replica per partition of %s", app, meta.path("topic").asText())
            .isEqualTo(partitions.get(meta.path("topic").asText()));
      } else {
        assertThat(so.at("/spec/maxReplicaCount").asInt())
            .as("%s's maxReplicaCount", app)
            .isPositive();
      }
      named(objects, "TriggerAuthentication", trigger.at("/authenticationRef/name").asText());
    }
    JsonNode auth = named(objects, "TriggerAuthentication", "todo-keda-kafka");
    Set<String> params = new TreeSet<>();
    auth.at("/spec/secretTargetRef").forEach(r -> params.add(r.path("parameter").asText()));
    auth.at("/spec/configMapTargetRef").forEach(r -> params.add(r.path("parameter").asText()));
    assertThat(params)
        .as("KEDA's sign-in on %s", overlay)
        .contains("username", "password", "sasl", "tls");
    JsonNode config = named(objects, "ConfigMap", "todo-keda-kafka");
    assertThat(config.at("/data/tls").asText()).isEqualTo("enable");
    if (overlay.equals("local")) {
      assertThat(config.at("/data/sasl").asText()).isEqualTo("scram_sha512");
      assertThat(config.at("/data/username").asText()).isEqualTo("todo-keda");
      JsonNode keda = named(objects, "KafkaUser", "todo-keda");
      assertThat(keda.at("/spec/authentication/type").asText()).isEqualTo("scram-sha-512");
      assertThat(keda.at("/spec/authorization/acls"))
          .isNotEmpty()
          .allSatisfy(
              acl ->
                  assertThat(acl.path("operations").toString())
                      .as("KEDA may only describe: %s", acl)
                      .isEqualTo("[\"Describe\"]"));
      assertThat(auth.at("/spec/secretTargetRef").toString())
          .contains("kafka-user-todo-keda", "todo-kafka-cluster-ca-cert");
      assertThat(
              named(objects, "Kafka", "todo-kafka")
                  .at("/spec/kafka/listeners/0/networkPolicyPeers")
                  .toString())
          .as("the KEDA operator may reach the listener")
          .contains("keda-operator");
    }
  }

  /** Dapr's "app=topic,topic;app=" scope syntax (spaces ignored) into app -> topics. */
  private static void scopes(String value, Map<String, Set<String>> into) {
    for (String entry : value.replace(" ", "").split(";")) {
      String[] appTopics = entry.split("=", 2);
      Set<String> topics = into.computeIfAbsent(appTopics[0], a -> new TreeSet<>());
      if (appTopics.length == 2 && !appTopics[1].isEmpty()) {
        topics.addAll(List.of(appTopics[1].split(",")));
      }
    }
  }
}
