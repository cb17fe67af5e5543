package dev.todoevents.contracts;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The JSON Schema files under {@code schemas/} (also usable by non-Java consumers) and a validator
 * for them. Formats (uuid, date-time) are asserted, not just annotated.
 */
public final class EventSchemas {

  private static final Map<Class<?>, String> FILES =
      Map.of(
          TaskEvent.class, "schemas/task-event.v1.schema.json",
          ReminderEvent.class, "schemas/reminder-event.v1.schema.json",
          TaskUpdateEvent.class, "schemas/task-update-event.v1.schema.json");

  private static final Map<String, JsonSchema> CACHE = new ConcurrentHashMap<>();

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
    JsonSchema schema = CACHE.computeIfAbsent(resource, EventSchemas::load);
    return schema.validate(json).stream().map(ValidationMessage::getMessage).sorted().toList();
  }

  private static JsonSchema load(String resource) {
    JsonSchemaFactory factory = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V7);
    SchemaValidatorsConfig config =
        SchemaValidatorsConfig.builder().formatAssertionsEnabled(true).build();
    try (InputStream in = EventSchemas.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("schema resource missing: " + resource);
      }
      return factory.getSchema(in, config);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
