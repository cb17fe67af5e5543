package dev.todoevents.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The queues RabbitMQ must hold come from subscriptions/ (RabbitMqTopology, declared locally by
 * RabbitMqServer) and are written out for Kubernetes in k8s/rabbitmq: the two must not drift, and
 * both must match how components/brokers/rabbitmq declares its queues.
 */
class RabbitMqTopologyTest {

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Path ROOT = ProjectPaths.root();
  private static final RabbitMqTopology TOPOLOGY = RabbitMqTopology.ofProject();

  @Test
  void everySubscriberOfPubsubGetsItsQueueAsTheComponentDeclaresIt() {
    Map<String, Map<String, Object>> queues = new TreeMap<>();
    TOPOLOGY.queues().forEach(q -> queues.put(q.name(), q.arguments()));
    Map<String, Object> component =
        Map.of("x-queue-type", "classic", "x-single-active-consumer", true);
    Map<String, Object> dlq = Map.of("x-message-ttl", 14L * 24 * 3600 * 1000);
    assertThat(queues)
        .isEqualTo(
            Map.of(
                "audit-service-task-events", component,
                "recurring-task-service-task-events", component,
                "stats-service-task-events", component,
                "notification-service-reminders", component,
                "task-events-dlq", dlq,
                "reminders-dlq", dlq,
                "task-updates-dlq", dlq));
    assertThat(TOPOLOGY.exchanges())
        .containsExactlyInAnyOrder(
            "task-events", "reminders", "task-events-dlq", "reminders-dlq", "task-updates-dlq");
  }

  @Test
  void theRabbitMqComponentsDeclareWhatTheTopologyAssumes() throws IOException {
    Map<String, String> pubsub = metadata(ROOT.resolve("components/brokers/rabbitmq/pubsub.yaml"));
    // Queue <consumerID>-<topic> == <app-id>-<topic>, with these flags and no extra arguments.
    assertThat(pubsub)
        .containsEntry("consumerID", "{appID}")
        .containsEntry("durable", "true")
        .containsEntry("deletedWhenUnused", "false")
        .doesNotContainKeys("maxLen", "maxLenBytes", "enableDeadLetter");
    assertThat(pubsub.getOrDefault("exchangeKind", RabbitMqTopology.EXCHANGE_TYPE))
        .isEqualTo(RabbitMqTopology.EXCHANGE_TYPE);
    Map<String, String> live =
        metadata(ROOT.resolve("components/brokers/rabbitmq/live-pubsub.yaml"));
    String liveQueue =
        live.get("consumerID").replace("{appID}", "realtime-service").replace("{uuid}", "0b8e")
            + "-task-updates";
    assertThat(Pattern.compile(RabbitMqTopology.LIVE.pattern()).matcher(liveQueue).find())
        .as("policy %s applies to %s", RabbitMqTopology.LIVE.pattern(), liveQueue)
        .isTrue();
  }

  @Test
  void k8sQueuesExchangesBindingsAndPolicyAreTheTopology() throws IOException {
    List<JsonNode> objects = k8sObjects();
    assertThat(objects)
        .extracting(o -> o.at("/spec/rabbitmqClusterReference/name").asText())
        .as("one cluster")
        .containsOnly("todo-rabbitmq");

    Map<String, String> queues = new TreeMap<>();
    for (JsonNode q : ofKind(objects, "Queue")) {
      JsonNode spec = q.get("spec");
      assertThat(spec.path("durable").asBoolean()).as("%s durable", q).isTrue();
      for (String flag : List.of("autoDelete", "deleteIfEmpty", "deleteIfUnused")) {
        assertThat(spec.path(flag).asBoolean(false)).as("%s %s", q, flag).isFalse();
      }
      // The operator turns `type` into the argument x-queue-type.
      Map<String, Object> args = new HashMap<>();
      spec.path("arguments")
          .fields()
          .forEachRemaining(
              a -> args.put(a.getKey(), JSON.convertValue(a.getValue(), Object.class)));
      if (spec.has("type")) {
        args.put("x-queue-type", spec.get("type").asText());
      }
      queues.put(spec.path("name").asText(), canonical(args));
    }
    Map<String, String> expected = new TreeMap<>();
    TOPOLOGY.queues().forEach(q -> expected.put(q.name(), canonical(q.arguments())));
    assertThat(queues).isEqualTo(expected);

    Map<String, JsonNode> exchanges =
        ofKind(objects, "Exchange").stream()
            .collect(Collectors.toMap(e -> e.at("/spec/name").asText(), e -> e.get("spec")));
    assertThat(exchanges.keySet()).isEqualTo(TOPOLOGY.exchanges());
    exchanges.forEach(
        (name, spec) -> {
          assertThat(spec.path("type").asText()).as(name).isEqualTo(RabbitMqTopology.EXCHANGE_TYPE);
          assertThat(spec.path("durable").asBoolean()).as(name).isTrue();
          assertThat(spec.path("autoDelete").asBoolean(false)).as(name).isFalse();
        });

    Set<String> bindings =
        ofKind(objects, "Binding").stream()
            .map(
                b ->
                    b.at("/spec/source").asText()
                        + " -> "
                        + b.at("/spec/destinationType").asText()
                        + " "
                        + b.at("/spec/destination").asText()
                        + " key '"
                        + b.at("/spec/routingKey").asText()
                        + "'")
            .collect(Collectors.toSet());
    assertThat(bindings)
        .isEqualTo(
            TOPOLOGY.queues().stream()
                .map(q -> q.topic() + " -> queue " + q.name() + " key ''")
                .collect(Collectors.toSet()));

    List<JsonNode> policies = ofKind(objects, "Policy");
    assertThat(policies).hasSize(1);
    JsonNode live = policies.get(0).get("spec");
    RabbitMqTopology.Policy expectedPolicy = RabbitMqTopology.LIVE;
    assertThat(live.path("name").asText()).isEqualTo(expectedPolicy.name());
    assertThat(live.path("pattern").asText()).isEqualTo(expectedPolicy.pattern());
    assertThat(live.path("applyTo").asText()).isEqualTo(expectedPolicy.applyTo());
    assertThat(canonical(JSON.convertValue(live.path("definition"), Map.class)))
        .isEqualTo(canonical(expectedPolicy.definition()));

    assertThat(objects)
        .extracting(o -> o.path("kind").asText())
        .containsOnly("Exchange", "Queue", "Binding", "Policy");
  }

  /**
   * Sorted keys, JSON values: 1209600000 as an int or a long is the same, true and "true" are not.
   */
  private static String canonical(Map<?, ?> m) {
    try {
      return JSON.writeValueAsString(new TreeMap<>(m));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Map<String, String> metadata(Path component) throws IOException {
    Map<String, String> out = new HashMap<>();
    YAML.readTree(component.toFile())
        .at("/spec/metadata")
        .forEach(m -> out.put(m.get("name").asText(), m.path("value").asText()));
    return out;
  }

  /** Every object in k8s/rabbitmq's files (its kustomization.yaml is not one). */
  private static List<JsonNode> k8sObjects() throws IOException {
    List<JsonNode> out = new ArrayList<>();
    try (Stream<Path> files = Files.list(ROOT.resolve("k8s/rabbitmq"))) {
      for (Path f :
          files
              .filter(p -> p.toString().endsWith(".yaml"))
              .filter(p -> !p.getFileName().toString().equals("kustomization.yaml"))
              .sorted()
              .toList()) {
        try (MappingIterator<JsonNode> docs =
            YAML.readerFor(JsonNode.class).readValues(f.toFile())) {
          docs.forEachRemaining(
              d -> {
                if (d != null && !d.isEmpty()) {
                  out.add(d);
                }
              });
        }
      }
    }
    assertThat(out).as("objects in k8s/rabbitmq").isNotEmpty();
    return out;
  }

  private static List<JsonNode> ofKind(List<JsonNode> objects, String kind) {
    return objects.stream().filter(o -> kind.equals(o.path("kind").asText())).toList();
  }
}
