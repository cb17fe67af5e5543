package dev.todoevents.contracts;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The sample events shipped under {@code samples/}: one source of truth that every producer and
 * consumer test reads, so they all agree on the wire format.
 */
public final class Samples {

  private Samples() {}

  /** Sample file name to the event type it holds, in the order of samples/index.json. */
  public static Map<String, Class<? extends Event>> index() {
    Map<String, Class<? extends Event>> out = new LinkedHashMap<>();
    load("index.json")
        .fields()
        .forEachRemaining(e -> out.put(e.getKey(), typeNamed(e.getValue().asText())));
    return out;
  }

  public static JsonNode load(String name) {
    String resource = "samples/" + name;
    try (InputStream in = Samples.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalArgumentException("no sample " + resource);
      }
      return Events.MAPPER.readTree(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Class<? extends Event> typeNamed(String simpleName) {
    return switch (simpleName) {
      case "TaskEvent" -> TaskEvent.class;
      case "ReminderEvent" -> ReminderEvent.class;
      case "TaskUpdateEvent" -> TaskUpdateEvent.class;
      default -> throw new IllegalArgumentException("unknown event type in index: " + simpleName);
    };
  }
}
