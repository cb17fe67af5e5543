package dev.todoevents.contracts;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

/** JSON form of the contract: snake_case fields, ISO-8601 UTC timestamps, CloudEvents envelope. */
public final class Events {

  /** The one mapper for event payloads; services must not configure their own for events. */
  public static final ObjectMapper MAPPER =
      new ObjectMapper()
          .registerModule(new JavaTimeModule())
          .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
          .setSerializationInclusion(JsonInclude.Include.NON_NULL)
          .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  /** For reading an event or snapshot as a plain JSON-named map. */
  public static final com.fasterxml.jackson.core.type.TypeReference<java.util.Map<String, Object>>
      MAP_TYPE = new com.fasterxml.jackson.core.type.TypeReference<>() {};

  private Events() {}

  /** Event timestamps are UTC with millisecond precision, as every consumer can store them. */
  public static Instant now() {
    return Instant.now().truncatedTo(ChronoUnit.MILLIS);
  }

  /**
   * Wraps an event in its CloudEvents envelope.
   *
   * @param source the app-id of the producer
   * @param correlationId id shared by everything one user request caused
   * @param causationId id of the request or event that directly caused this one
   */
  public static CloudEvent envelope(
      Event event, String source, String correlationId, String causationId) {
    return new CloudEvent(
        CloudEvent.SPEC_VERSION,
        event.eventId().toString(),
        source,
        event.cloudEventType(),
        "application/json",
        event.timestamp().toString(),
        null,
        correlationId,
        causationId,
        null,
        null,
        null,
        MAPPER.valueToTree(event));
  }

  public static byte[] toJson(Object value) {
    try {
      return MAPPER.writeValueAsBytes(value);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("cannot serialise " + value.getClass().getName(), e);
    }
  }

  /** Parses a delivered envelope; anything that is not a CloudEvent with data is poison. */
  public static CloudEvent parseEnvelope(byte[] body) {
    JsonNode tree;
    try {
      tree = MAPPER.readTree(body);
    } catch (JsonProcessingException e) {
      throw new PoisonEventException("malformed JSON: " + e.getOriginalMessage(), e);
    } catch (IOException e) {
      throw new PoisonEventException("unreadable body: " + e.getMessage(), e);
    }
    if (tree == null || !tree.isObject()) {
      throw new PoisonEventException("body is not a JSON object");
    }
    CloudEvent ce = MAPPER.convertValue(tree, CloudEvent.class);
    if (ce.data() == null || ce.data().isNull()) {
      throw new PoisonEventException("CloudEvent has no data");
    }
    if (ce.data().isTextual()) {
      // Some publishers send the payload as a JSON string; accept it if it parses.
      try {
        JsonNode inner = MAPPER.readTree(ce.data().asText());
        ce = withData(ce, inner);
      } catch (IOException e) {
        throw new PoisonEventException("CloudEvent data is a string but not JSON", e);
      }
    }
    return ce;
  }

  /** The schema_version a payload claims, or -1 when it carries none a consumer can read. */
  public static int schemaVersionOf(JsonNode data) {
    JsonNode v = data.get("schema_version");
    return v != null && v.canConvertToInt() && v.isIntegralNumber() ? v.intValue() : -1;
  }

  /**
   * Reads the payload as the given event type after checking it against its JSON Schema.
   *
   * @throws PoisonEventException naming every violation when the payload breaks the contract
   */
  public static <T extends Event> T read(JsonNode data, Class<T> type) {
    List<String> problems = EventSchemas.validate(type, data);
    if (!problems.isEmpty()) {
      throw new PoisonEventException("schema violation: " + String.join("; ", problems));
    }
    try {
      return MAPPER.treeToValue(data, type);
    } catch (JsonProcessingException | IllegalArgumentException e) {
      throw new PoisonEventException(
          "cannot read " + type.getSimpleName() + ": " + e.getMessage(), e);
    }
  }

  private static CloudEvent withData(CloudEvent ce, JsonNode data) {
    return new CloudEvent(
        ce.specversion(),
        ce.id(),
        ce.source(),
        ce.type(),
        ce.datacontenttype(),
        ce.time(),
        ce.subject(),
        ce.correlationid(),
        ce.causationid(),
        ce.traceparent(),
        ce.topic(),
        ce.pubsubname(),
        data);
  }
}
