package dev.todoevents.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.todoevents.contracts.DeadLetter;
import dev.todoevents.contracts.Event;
import dev.todoevents.contracts.EventSchemas;
import dev.todoevents.contracts.Topic;
import java.io.IOException;
import java.lang.reflect.RecordComponent;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The AsyncAPI document of the topics (libs/event-contracts/src/main/resources/asyncapi.yaml) is
 * valid for the AsyncAPI Initiative's parser and says what the YAML and the code do: its channels
 * are the topics and their dead-letter topics, its receivers the subscriptions' apps, its senders
 * the pubsub components' publishingScopes, its payloads the contracts' JSON Schemas and DeadLetter.
 */
class AsyncApiDocumentTest {

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final Path ROOT = ProjectPaths.root();
  private static final Path DOC =
      ROOT.resolve("libs/event-contracts/src/main/resources/asyncapi.yaml");

  @Test
  void theAsyncApiParserFindsNoError() throws Exception {
    Process p =
        new ProcessBuilder("node", "tools/asyncapi/validate.cjs", DOC.toString())
            .directory(ROOT.toFile())
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("node exits").isTrue();
    assertThat(p.exitValue()).as("node tools/asyncapi/validate.cjs said:%n%s", out).isZero();
    assertThat(out).contains("is valid AsyncAPI 3");
  }

  @Test
  void itsChannelsAreTheTopicsAndTheirDeadLetterTopics() throws IOException {
    Set<String> addresses = new TreeSet<>();
    doc().path("channels").forEach(c -> addresses.add(c.path("address").asText()));
    Set<String> topics = new TreeSet<>();
    for (Topic t : Topic.values()) {
      topics.add(t.topicName());
      topics.add(t.dlqName());
    }
    assertThat(addresses).isEqualTo(topics);
  }

  @Test
  void itsReceiversAreTheSubscriptionsApps() throws IOException {
    Map<String, Set<String>> subscribed = new TreeMap<>();
    for (JsonNode s : ResourcesMatchContractsTest.docs("subscriptions")) {
      if (s.path("kind").asText().equals("Subscription")) {
        s.path("scopes")
            .forEach(
                app ->
                    subscribed
                        .computeIfAbsent(s.at("/spec/topic").asText(), k -> new TreeSet<>())
                        .add(app.asText()));
      }
    }
    assertThat(apps("receive")).isEqualTo(subscribed);
  }

  @Test
  void itsSendersAreThePubsubComponentsPublishingScopes() throws IOException {
    Map<String, Set<String>> publishing = new TreeMap<>();
    // pubsub and live-pubsub: the folder dapr.yaml loads for the default broker.
    for (JsonNode c : ResourcesMatchContractsTest.docs("components/brokers/kafka")) {
      for (JsonNode m : c.at("/spec/metadata")) {
        if (m.path("name").asText().equals("publishingScopes")) {
          for (String scope : m.path("value").asText().split(";")) {
            String[] appTopics = scope.trim().split("=", 2);
            for (String topic : appTopics[1].split(",")) {
              if (!topic.isBlank()) {
                publishing
                    .computeIfAbsent(topic.trim(), k -> new TreeSet<>())
                    .add(appTopics[0].trim());
              }
            }
          }
        }
      }
    }
    assertThat(apps("send")).isEqualTo(publishing);
  }

  @Test
  void itsPayloadsAreTheContractsSchemasAndDeadLetter() throws Exception {
    JsonNode messages = doc().at("/components/messages");
    for (var it = messages.fields(); it.hasNext(); ) {
      var m = it.next();
      String data = m.getValue().at("/payload/allOf/1/properties/data/$ref").asText();
      assertThat(m.getValue().at("/payload/allOf/0/$ref").asText())
          .as("%s's envelope", m.getKey())
          .isEqualTo("./schemas/cloud-event.v1.schema.json");
      if (m.getKey().equals("DeadLetter")) {
        assertThat(data).isEqualTo("#/components/schemas/DeadLetterData");
        continue;
      }
      @SuppressWarnings("unchecked")
      Class<? extends Event> type =
          (Class<? extends Event>) Class.forName("dev.todoevents.contracts." + m.getKey());
      assertThat(data).as(m.getKey()).isEqualTo("./" + EventSchemas.resourceFor(type));
    }
    Set<String> documented = new TreeSet<>();
    doc()
        .at("/components/schemas/DeadLetterData/properties")
        .fieldNames()
        .forEachRemaining(documented::add);
    PropertyNamingStrategies.SnakeCaseStrategy snake =
        new PropertyNamingStrategies.SnakeCaseStrategy();
    assertThat(documented)
        .isEqualTo(
            new TreeSet<>(
                Arrays.stream(DeadLetter.class.getRecordComponents())
                    .map(RecordComponent::getName)
                    .map(snake::translate)
                    .toList()));
  }

  private static JsonNode doc() throws IOException {
    return YAML.readTree(DOC.toFile());
  }

  /** Channel address -> the x-dapr-app-id of its operations with {@code action}. */
  private static Map<String, Set<String>> apps(String action) throws IOException {
    JsonNode doc = doc();
    Map<String, Set<String>> out = new HashMap<>();
    doc.path("operations")
        .forEach(
            op -> {
              if (op.path("action").asText().equals(action)) {
                String channel = op.at("/channel/$ref").asText().replace("#/channels/", "");
                out.computeIfAbsent(
                        doc.at("/channels/" + channel + "/address").asText(), k -> new TreeSet<>())
                    .add(op.path("x-dapr-app-id").asText());
              }
            });
    return new TreeMap<>(out);
  }
}
