package dev.todoevents.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.GetResponse;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * On a real rabbitmq-server: what is published before any app has subscribed is kept for it, the
 * queues are declared so that the sidecar's own declaration is accepted, and live-pubsub's
 * per-instance queues get the policy that removes them.
 */
class RabbitMqServerTest {

  /**
   * What components-contrib's pubsub.rabbitmq declares for a subscription on `pubsub` (design,
   * issue 17).
   */
  private static final Map<String, Object> COMPONENT_ARGS =
      Map.of("x-queue-type", "classic", "x-single-active-consumer", true);

  private static final ObjectMapper JSON = new ObjectMapper();

  private static RabbitMqServer server;
  private static Connection connection;

  @BeforeAll
  static void start() throws Exception {
    Path dir = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "rabbitmq-");
    server = RabbitMqServer.start(dir);
    ConnectionFactory f = new ConnectionFactory();
    f.setUri(URI.create(server.url()));
    connection = f.newConnection("RabbitMqServerTest");
  }

  @AfterAll
  static void stop() throws Exception {
    if (connection != null) {
      connection.close();
    }
    if (server != null) {
      server.close();
    }
  }

  @Test
  void anEventPublishedBeforeAnyConsumerWaitsInEverySubscribersQueue() throws Exception {
    try (Channel ch = connection.createChannel()) {
      ch.confirmSelect();
      ch.basicPublish(
          "task-events", "", null, "before-any-consumer".getBytes(StandardCharsets.UTF_8));
      ch.waitForConfirmsOrDie(10_000);
      for (String queue :
          new String[] {
            "audit-service-task-events",
            "recurring-task-service-task-events",
            "stats-service-task-events"
          }) {
        GetResponse r = ch.basicGet(queue, true);
        assertThat(r).as("a message in %s", queue).isNotNull();
        assertThat(new String(r.getBody(), StandardCharsets.UTF_8))
            .isEqualTo("before-any-consumer");
      }
      // The DLQ keeps its own: it is bound to task-events-dlq, not task-events.
      assertThat(ch.basicGet("task-events-dlq", true)).isNull();
    }
  }

  @Test
  void theSidecarsOwnDeclarationOfEachQueueIsAccepted() throws Exception {
    // RabbitMQ closes the channel with PRECONDITION_FAILED if flags or arguments differ.
    for (String queue :
        new String[] {
          "audit-service-task-events",
          "recurring-task-service-task-events",
          "stats-service-task-events",
          "notification-service-reminders"
        }) {
      try (Channel ch = connection.createChannel()) {
        ch.exchangeDeclare(
            queue.endsWith("reminders") ? "reminders" : "task-events",
            "fanout",
            true,
            false,
            false,
            null);
        ch.queueDeclare(queue, true, false, false, COMPONENT_ARGS);
      }
    }
  }

  @Test
  void liveQueuesGetThePolicyThatRemovesThem() throws Exception {
    try (Channel ch = connection.createChannel()) {
      // As live-pubsub declares its queue: durable, not auto-deleted, classic.
      ch.queueDeclare("live-x-task-updates", true, false, false, Map.of("x-queue-type", "classic"));
      ch.queueDeclare("other-task-updates", true, false, false, Map.of("x-queue-type", "classic"));
    }
    JsonNode queues =
        JSON.readTree(
            server.rabbitmqctl("list_queues", "--quiet", "--formatter", "json", "name", "policy"));
    assertThat(policyOf(queues, "live-x-task-updates")).as("%s", queues).isEqualTo("live");
    assertThat(policyOf(queues, "other-task-updates")).as("%s", queues).isEmpty();
    JsonNode policies =
        JSON.readTree(server.rabbitmqctl("list_policies", "--quiet", "--formatter", "json"));
    JsonNode live =
        StreamSupport.stream(policies.spliterator(), false)
            .filter(p -> p.path("name").asText().equals("live"))
            .findFirst()
            .orElseThrow(() -> new AssertionError("no policy live in " + policies));
    assertThat(live.path("pattern").asText()).isEqualTo("^live-");
    assertThat(live.path("apply-to").asText()).isEqualTo("queues");
    JsonNode definition =
        live.path("definition").isTextual()
            ? JSON.readTree(live.path("definition").asText())
            : live.path("definition");
    assertThat(definition)
        .isEqualTo(
            JSON.readTree("{\"expires\": 60000, \"message-ttl\": 3600000, \"max-length\": 10000}"));
  }

  private static String policyOf(JsonNode queues, String name) {
    return StreamSupport.stream(queues.spliterator(), false)
        .filter(q -> q.path("name").asText().equals(name))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no queue " + name + " in " + queues))
        .path("policy")
        .asText();
  }
}
