package dev.todoevents.contracts;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.POJONode;
import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SchemaRegistryConfig;
import com.networknt.schema.SpecificationVersion;
import com.networknt.schema.path.PathType;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * The JSON Schema files under {@code schemas/} (also usable by non-Java consumers) and a validator
 * for them. Formats (uuid, date-time) are asserted, not just annotated.
 *
 * <p>The validator (networknt json-schema-validator 3) works on Jackson 3 trees, the events are
 * Jackson 2 trees: {@code jackson3} copies one into the other, node by node, which costs a fraction
 * of writing the event as text and parsing it again (the validation runs on every published and
 * delivered event) and keeps each number's type (int, long, BigDecimal ...).
 */
public final class EventSchemas {

  private static final Map<Class<?>, String> FILES =
      Map.of(
          TaskEvent.class, "schemas/task-event.v1.schema.json",
          ReminderEvent.class, "schemas/reminder-event.v1.schema.json",
          TaskUpdateEvent.class, "schemas/task-update-event.v1.schema.json");

  /** Draft-07, formats asserted, instance locations as JSON pointers ("/task_data/title"). */
  private static final SchemaRegistry REGISTRY =
      SchemaRegistry.withDefaultDialect(
          SpecificationVersion.DRAFT_7,
          b ->
              b.schemaRegistryConfig(
                  SchemaRegistryConfig.builder()
                      .formatAssertionsEnabled(true)
                      .pathType(PathType.JSON_POINTER)
                      .build()));

  private static final Map<String, Schema> CACHE = new ConcurrentHashMap<>();

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private EventSchemas() {}

  public static String resourceFor(Class<? extends Event> type) {
    String file = FILES.get(type);
    if (file == null) {
      throw new IllegalArgumentException("no schema for " + type.getName());
    }
    return file;
  }

  /** Every violation of the type's schema, as readable messages; empty when the data is valid. */
  public static List<String> validate(Class<? extends Event> type, JsonNode data) {
    return validate(resourceFor(type), data);
  }

  /**
   * Every violation of the envelope schema ({@link Causality#ENVELOPE_SCHEMA}: ids, type and the
   * causality attributes), the data aside; empty when the envelope is valid.
   */
  public static List<String> validateEnvelope(JsonNode envelope) {
    return validate(Causality.ENVELOPE_SCHEMA, envelope);
  }

  private static List<String> validate(String resource, JsonNode json) {
    Schema schema = CACHE.computeIfAbsent(resource, EventSchemas::load);
    return schema.validate(jackson3(json)).stream().map(EventSchemas::message).sorted().toList();
  }

  /** Where, then what: "/task_data: required property 'title' not found". */
  private static String message(Error e) {
    return e.getInstanceLocation() + ": " + e.getMessage();
  }

  private static Schema load(String resource) {
    try (InputStream in = EventSchemas.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("schema resource missing: " + resource);
      }
      // Its $id (https://todo-events.dev/schemas/...) is its base: the "#/definitions/..." refs
      // resolve within the file, nothing is fetched.
      Schema schema = REGISTRY.getSchema(in, InputFormat.JSON);
      schema.initializeValidators();
      return schema;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The same JSON as a Jackson 3 tree. */
  private static tools.jackson.databind.JsonNode jackson3(JsonNode n) {
    return switch (n.getNodeType()) {
      case OBJECT -> {
        ObjectNode o = NODES.objectNode();
        for (Map.Entry<String, JsonNode> e : n.properties()) {
          o.set(e.getKey(), jackson3(e.getValue()));
        }
        yield o;
      }
      case ARRAY -> {
        ArrayNode a = NODES.arrayNode(n.size());
        for (JsonNode item : n) {
          a.add(jackson3(item));
        }
        yield a;
      }
      case STRING -> NODES.stringNode(n.textValue());
      case BOOLEAN -> NODES.booleanNode(n.booleanValue());
      case NULL -> NODES.nullNode();
      case MISSING -> NODES.missingNode();
      case NUMBER ->
          switch (n.numberType()) {
            case INT -> NODES.numberNode(n.intValue());
            case LONG -> NODES.numberNode(n.longValue());
            case BIG_INTEGER -> NODES.numberNode(n.bigIntegerValue());
            case FLOAT -> NODES.numberNode(n.floatValue());
            case DOUBLE -> NODES.numberNode(n.doubleValue());
            case BIG_DECIMAL -> NODES.numberNode(n.decimalValue());
          };
      case BINARY -> {
        try {
          yield NODES.binaryNode(n.binaryValue());
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
      // A POJONode (reading JSON never makes one): the JSON its value is written as.
      case POJO -> {
        Object pojo = ((POJONode) n).getPojo();
        yield pojo == null ? NODES.nullNode() : jackson3(Events.MAPPER.valueToTree(pojo));
      }
    };
  }
}
