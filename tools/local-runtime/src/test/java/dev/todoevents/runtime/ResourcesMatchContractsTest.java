package dev.todoevents.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.todoevents.contracts.DaprNames;
import dev.todoevents.contracts.Topic;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The YAML an operator edits and the names the code uses must not drift apart: component names,
 * topics, dead-letter topics and app-ids in components/, subscriptions/ and dapr.yaml are the ones
 * in event-contracts.
 */
class ResourcesMatchContractsTest {

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final Path ROOT = ProjectPaths.root();

  /** The Dapr resources in a folder (its kustomization.yaml, for k8s/, is not one). */
  static List<JsonNode> docs(String folder) throws IOException {
    List<JsonNode> out = new ArrayList<>();
    try (Stream<Path> files = Files.list(ROOT.resolve(folder))) {
      for (Path f :
          files
              .filter(p -> p.toString().endsWith(".yaml"))
              .filter(p -> !p.getFileName().toString().equals("kustomization.yaml"))
              .sorted()
              .toList()) {
        out.add(YAML.readTree(f.toFile()));
      }
    }
    return out;
  }

  /** components/ plus the default broker's folder, as dapr.yaml loads them. */
  private static List<JsonNode> components() throws IOException {
    List<JsonNode> all = new ArrayList<>(docs("components"));
    all.addAll(docs("components/brokers/kafka"));
    all.removeIf(d -> !d.path("kind").asText().equals("Component"));
    return all;
  }

  private static JsonNode component(String name) throws IOException {
    return components().stream()
        .filter(d -> name.equals(d.at("/metadata/name").asText()))
        .findFirst()
        .orElseThrow(
            () ->
                new AssertionError(
                    "no component named " + name + " in components/ or components/brokers/kafka/"));
  }

  private static Set<String> appIds() {
    return Set.copyOf(DaprNames.AppIds.ALL);
  }

  /** The scripts' list of apps (tools/cluster.sh, compose.sh, images.sh) is the code's. */
  @Test
  void theScriptsAppListIsAppIds() throws IOException {
    assertThat(Files.readAllLines(ROOT.resolve("tools/apps.txt")))
        .filteredOn(l -> !l.startsWith("#"))
        .containsExactlyElementsOf(DaprNames.AppIds.ALL);
  }

  @Test
  void componentNamesAreTheBrokerNeutralOnes() throws IOException {
    Set<String> names =
        components().stream().map(d -> d.at("/metadata/name").asText()).collect(Collectors.toSet());
    assertThat(names)
        .contains(
            DaprNames.PUBSUB, DaprNames.LIVE_PUBSUB, DaprNames.STATESTORE, DaprNames.SECRETSTORE);
    // Every broker's folder names its components pubsub and live-pubsub too: swapping the
    // folder swaps the broker of both.
    for (String broker : PubSubBroker.NAMES) {
      assertThat(docs("components/brokers/" + broker))
          .as("components/brokers/%s", broker)
          .filteredOn(d -> d.path("kind").asText().equals("Component"))
          .extracting(d -> d.at("/metadata/name").asText())
          .containsExactlyInAnyOrder(DaprNames.PUBSUB, DaprNames.LIVE_PUBSUB);
    }
  }

  @Test
  void livePubsubGivesEveryInstanceItsOwnConsumerGroup() throws IOException {
    JsonNode live = component(DaprNames.LIVE_PUBSUB);
    Map<String, String> meta = new java.util.HashMap<>();
    live.at("/spec/metadata")
        .forEach(m -> meta.put(m.get("name").asText(), m.path("value").asText()));
    assertThat(meta).doesNotContainKey("consumerGroup");
    assertThat(meta.get("consumerID"))
        .as("a per-instance group needs {uuid} (or {podName})")
        .contains("{uuid}");
  }

  @Test
  void kafkaComponentStatesAVersionKafka4Accepts() throws IOException {
    JsonNode pubsub = component(DaprNames.PUBSUB);
    assertThat(pubsub.at("/spec/type").asText()).isEqualTo("pubsub.kafka");
    String version = null;
    for (JsonNode m : pubsub.at("/spec/metadata")) {
      if ("version".equals(m.get("name").asText())) {
        version = m.get("value").asText();
      }
    }
    assertThat(version).as("Kafka 4 rejects the component's default protocol version").isNotNull();
    assertThat(Integer.parseInt(version.split("\\.")[0])).isGreaterThanOrEqualTo(3);
  }

  @Test
  void subscriptionsUseKnownTopicsTheirDlqAndKnownApps() throws IOException {
    List<JsonNode> subs = docs("subscriptions");
    assertThat(subs).isNotEmpty();
    Set<String> topics =
        Arrays.stream(Topic.values()).map(Topic::topicName).collect(Collectors.toSet());
    for (JsonNode s : subs) {
      assertThat(s.at("/spec/pubsubname").asText()).isIn(DaprNames.PUBSUB, DaprNames.LIVE_PUBSUB);
      String topic = s.at("/spec/topic").asText();
      assertThat(topics).contains(topic);
      assertThat(s.at("/spec/deadLetterTopic").asText()).isEqualTo(topic + "-dlq");
      for (JsonNode scope : s.get("scopes")) {
        assertThat(appIds()).contains(scope.asText());
      }
    }
  }

  @Test
  void runFileStartsEveryServiceFolderUnderItsAppId() throws IOException {
    JsonNode run = YAML.readTree(ROOT.resolve("dapr.yaml").toFile());
    for (JsonNode app : run.get("apps")) {
      String id = app.get("appID").asText();
      assertThat(appIds()).contains(id);
      assertThat(app.get("appDirPath").asText()).isEqualTo("./services/" + id);
      assertThat(Files.isDirectory(ROOT.resolve("services").resolve(id))).isTrue();
    }
    try (Stream<Path> services = Files.list(ROOT.resolve("services"))) {
      Set<String> folders =
          services.map(p -> p.getFileName().toString()).collect(Collectors.toSet());
      Set<String> inRunFile = new java.util.HashSet<>();
      run.get("apps").forEach(a -> inRunFile.add(a.get("appID").asText()));
      assertThat(inRunFile).isEqualTo(folders);
    }
  }
}
