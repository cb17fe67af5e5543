package dev.todoevents.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.todoevents.contracts.DaprNames;
import dev.todoevents.contracts.Topic;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * What RabbitMQ must hold before the first publish so that nothing is lost: the component {@code
 * pubsub} makes an app's queue only when the app first subscribes, and a fanout exchange drops what
 * no queue is bound to. So every subscription on {@code pubsub} (subscriptions/) gets its queue
 * {@code <app-id>-<topic>} up front, declared EXACTLY as the component declares it
 * (components-contrib pubsub/rabbitmq prepareSubscription: durable, not auto-deleted, not
 * exclusive, {@code x-queue-type} and {@code x-single-active-consumer} from the subscription's
 * metadata), or the sidecar's own declaration fails with PRECONDITION_FAILED. Each dead-letter
 * topic gets a queue of its own (nobody subscribes to it). Plus the policy {@link #LIVE} that
 * removes realtime-service's per-instance queues (live-pubsub) once their sidecar is gone.
 *
 * <p>RabbitMqServer declares this locally; k8s/rabbitmq holds the same as resources of the
 * messaging-topology operator, and RabbitMqTopologyTest keeps the two equal.
 */
final class RabbitMqTopology {

  /**
   * A fanout exchange per topic, durable, not auto-deleted, not internal: the component's flags.
   */
  static final String EXCHANGE_TYPE = "fanout";

  /**
   * A durable, not auto-deleted, not exclusive queue, bound with routing key "" to the exchange
   * named like {@code topic}.
   */
  record Queue(String name, String topic, Map<String, Object> arguments) {}

  record Policy(String name, String pattern, String applyTo, Map<String, Object> definition) {}

  /**
   * live-pubsub's queues are durable (its exchange flags must match pubsub's, and the component
   * gives a queue the same flags), so the broker deletes one 60 s after its last consumer left and
   * caps what it holds while its instance is slow.
   */
  static final Policy LIVE =
      new Policy(
          "live",
          "^live-",
          "queues",
          Map.of("expires", 60_000, "message-ttl", 3_600_000, "max-length", 10_000));

  /**
   * Subscription metadata that would change the queue's declaration in ways this does not mirror.
   */
  private static final Set<String> UNMIRRORED_METADATA =
      Set.of("maxPriority", "maxLen", "maxLenBytes", "routingKey");

  /** components-contrib's kitstrings.IsTruthy. */
  private static final Set<String> TRUTHY = Set.of("y", "yes", "true", "t", "on", "1");

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  private final List<Queue> queues;

  private RabbitMqTopology(List<Queue> queues) {
    this.queues = List.copyOf(queues);
  }

  /** From the project's subscriptions/ folder. */
  static RabbitMqTopology ofProject() {
    return of(ProjectPaths.root().resolve("subscriptions"));
  }

  static RabbitMqTopology of(Path subscriptions) {
    List<Queue> out = new ArrayList<>();
    for (JsonNode s : subscriptions(subscriptions)) {
      if (!DaprNames.PUBSUB.equals(s.at("/spec/pubsubname").asText())) {
        continue; // live-pubsub: one queue per instance, made by its sidecar, removed by LIVE
      }
      String name = s.at("/metadata/name").asText();
      String topic = s.at("/spec/topic").asText();
      Map<String, Object> args = new LinkedHashMap<>();
      JsonNode meta = s.at("/spec/metadata");
      meta.fieldNames()
          .forEachRemaining(
              k -> {
                if (UNMIRRORED_METADATA.contains(k)) {
                  throw new IllegalStateException(
                      "subscription "
                          + name
                          + " sets metadata "
                          + k
                          + ", which changes the component's queue declaration: declare it here (RabbitMqTopology) and in k8s/rabbitmq too");
                }
              });
      args.put("x-queue-type", meta.path("queueType").asText("classic"));
      if (TRUTHY.contains(meta.path("singleActiveConsumer").asText("").toLowerCase(Locale.ROOT))) {
        args.put("x-single-active-consumer", true);
      }
      JsonNode scopes = s.path("scopes");
      if (scopes.isEmpty()) {
        throw new IllegalStateException(
            "subscription "
                + name
                + " has no scopes: every app would subscribe, "
                + "so which queues to declare is unknown");
      }
      // The component's queue is consumerID-topic, and pubsub's consumerID is {appID}.
      scopes.forEach(
          app -> out.add(new Queue(app.asText() + "-" + topic, topic, Map.copyOf(args))));
    }
    for (Topic t : Topic.values()) {
      // Kept for the DLQ retention, as the Kafka DLQ topics are.
      out.add(
          new Queue(
              t.dlqName(), t.dlqName(), Map.of("x-message-ttl", Topic.DLQ_RETENTION.toMillis())));
    }
    return new RabbitMqTopology(out);
  }

  /** Every queue: the subscribers' and the dead-letter queues. */
  List<Queue> queues() {
    return queues;
  }

  /** The exchanges the queues are bound to, one per topic. */
  Set<String> exchanges() {
    Set<String> out = new LinkedHashSet<>();
    queues.forEach(q -> out.add(q.topic()));
    return out;
  }

  private static List<JsonNode> subscriptions(Path folder) {
    List<JsonNode> out = new ArrayList<>();
    try (Stream<Path> files = Files.list(folder)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList()) {
        JsonNode doc = YAML.readTree(f.toFile());
        if (doc != null && "Subscription".equals(doc.path("kind").asText())) {
          out.add(doc);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the subscriptions in " + folder, e);
    }
    return out;
  }
}
