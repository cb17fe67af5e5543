package dev.todoevents.contracts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

class ContractTest {

  static Stream<Arguments> samples() {
    return Samples.index().entrySet().stream().map(e -> Arguments.of(e.getKey(), e.getValue()));
  }

  @ParameterizedTest(name = "{0} validates against its schema")
  @MethodSource("samples")
  void everySampleValidates(String file, Class<? extends Event> type) {
    assertThat(EventSchemas.validate(type, Samples.load(file))).isEmpty();
  }

  @ParameterizedTest(name = "{0} round-trips through its record")
  @MethodSource("samples")
  void everySampleRoundTrips(String file, Class<? extends Event> type) {
    JsonNode original = Samples.load(file);
    Event event = Events.read(original, type);
    JsonNode written = Events.MAPPER.valueToTree(event);
    assertThat(written).isEqualTo(original);
    assertThat(event.schemaVersion()).isEqualTo(1);
    assertThat(event.eventId().toString()).isEqualTo(original.get("event_id").asText());
  }

  @Test
  void indexCoversEverySampleType() {
    assertThat(Samples.index().values())
        .contains(TaskEvent.class, ReminderEvent.class, TaskUpdateEvent.class);
  }

  @Test
  void producedEventsValidate() {
    TaskEvent event =
        TaskEvent.of(
            TaskEventType.CREATED,
            UUID.randomUUID(),
            "u1",
            new TaskData(
                "t",
                null,
                "pending",
                "medium",
                null,
                null,
                "every_10_days",
                Events.now(),
                Events.now(),
                null,
                UUID.randomUUID(),
                1));
    JsonNode json = Events.MAPPER.valueToTree(event);
    assertThat(EventSchemas.validate(TaskEvent.class, json)).isEmpty();
    assertThat(json.get("timestamp").asText()).endsWith("Z");
    assertThat(json.has("task_data")).isTrue();
    assertThat(json.get("task_data").has("description")).as("nulls are omitted").isFalse();
  }

  @Test
  void schemaAndJavaAgreeOnStatusesPrioritiesAndRecurrences() {
    JsonNode schema =
        schemaOf("schemas/task-event.v1.schema.json").at("/definitions/task_data/properties");
    assertThat(schema.at("/recurrence/pattern").asText())
        .isEqualTo(TaskData.RECURRENCES_SCHEMA_PATTERN);
    assertThat(schema.at("/occurrence/maximum").asInt()).isEqualTo(TaskData.MAX_OCCURRENCE);
    assertThat(
            String.join("|", Events.MAPPER.convertValue(schema.at("/status/enum"), String[].class)))
        .isEqualTo(TaskData.STATUSES);
    assertThat(
            String.join(
                "|", Events.MAPPER.convertValue(schema.at("/priority/enum"), String[].class)))
        .isEqualTo(TaskData.PRIORITIES);
    for (String ok :
        new String[] {"none", "daily", "weekly", "monthly", "every_1_days", "every_365_days"}) {
      assertThat(ok).matches(TaskData.RECURRENCES);
    }
    for (String bad :
        new String[] {
          "yearly", "every_0_days", "every_366_days", "every_x_days", "every_3_weeks"
        }) {
      assertThat(bad).doesNotMatch(TaskData.RECURRENCES);
    }
    ObjectNode event = (ObjectNode) Samples.load("task-event.created.json");
    ((ObjectNode) event.get("task_data")).put("recurrence", "daily\n");
    assertThat(EventSchemas.validate(TaskEvent.class, event))
        .as("a trailing line break")
        .isNotEmpty();
  }

  /** The edges of the range: the first and last instant in it, and the nearest one outside each. */
  static Stream<Arguments> timestampEdges() {
    return Stream.of(
        Arguments.of(Timestamps.FIRST, true),
        Arguments.of(Timestamps.LAST, true),
        Arguments.of(Timestamps.FIRST.minusNanos(1), false),
        Arguments.of(Timestamps.LAST.plusNanos(1), false),
        Arguments.of(Instant.parse("-300000000-01-01T00:00:00Z"), false),
        Arguments.of(Instant.parse("+10000-01-01T00:00:00Z"), false));
  }

  @ParameterizedTest(name = "{0} in range: {1}")
  @MethodSource("timestampEdges")
  void theJavaBoundAndEverySchemaAgreeOnTheTimestampRange(Instant t, boolean inRange) {
    assertThat(Timestamps.contains(t)).isEqualTo(inRange);
    String written = Events.MAPPER.valueToTree(t).asText();
    assertThat(written).isEqualTo(t.toString());
    assertThat(Timestamps.matchesSchema(written)).isEqualTo(inRange);

    ObjectNode task = (ObjectNode) Samples.load("task-event.created.json");
    ((ObjectNode) task.get("task_data"))
        .put("due_at", written)
        .put("remind_at", written)
        .put("created_at", written);
    task.put("timestamp", written);
    assertThat(EventSchemas.validate(TaskEvent.class, task).isEmpty()).isEqualTo(inRange);
    ObjectNode reminder = (ObjectNode) Samples.load("reminder-event.triggered.json");
    reminder.put("remind_at", written);
    assertThat(EventSchemas.validate(ReminderEvent.class, reminder).isEmpty()).isEqualTo(inRange);
    ObjectNode update = (ObjectNode) Samples.load("task-update-event.changed.json");
    update.put("timestamp", written);
    assertThat(EventSchemas.validate(TaskUpdateEvent.class, update).isEmpty()).isEqualTo(inRange);
  }

  @Test
  void everyDateTimeInEverySchemaCarriesTheRangePattern() {
    assertThat(Timestamps.RANGE)
        .isEqualTo("from " + Timestamps.FIRST + " to " + Timestamps.LAST + " (UTC)");
    for (String file :
        new String[] {
          "schemas/task-event.v1.schema.json",
          "schemas/reminder-event.v1.schema.json",
          "schemas/task-update-event.v1.schema.json"
        }) {
      List<JsonNode> dateTimes =
          schemaOf(file).findParents("format").stream()
              .filter(n -> n.get("format").asText().equals("date-time"))
              .toList();
      assertThat(dateTimes).as(file).isNotEmpty();
      assertThat(dateTimes)
          .as(file)
          .allSatisfy(
              n -> assertThat(n.path("pattern").asText()).isEqualTo(Timestamps.SCHEMA_PATTERN));
    }
    for (String bad :
        new String[] {
          "2026-11-24T17:00:00Z\n",
          "2026-11-24T17:00:00+01:00",
          "2026-11-24 17:00:00Z",
          "2026-13-01T00:00:00Z"
        }) {
      assertThat(Timestamps.matchesSchema(bad)).as(bad).isFalse();
    }
  }

  /**
   * Titles and descriptions: what the Java rule (the API's) accepts, the schema accepts, and no
   * more.
   */
  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "plain            | Buy milk                  | true  | true",
        "unicode          | Café ☕ 日本 \\uD83D\\uDE00   | true  | true",
        "only spaces      | '   '                     | false | true",
        "only nbsp        | \\u00a0\\u3000             | false | true",
        "tab              | a\\tb                      | false | true",
        "line feed        | a\\nb                      | false | true",
        "carriage return  | a\\rb                      | false | true",
        "trailing newline | abc\\n                     | false | true",
        "nul              | a\\u0000b                  | false | false",
        "bell             | a\\u0007b                  | false | false",
        "escape           | a\\u001b[31mb              | false | false",
        "delete           | a\\u007fb                  | false | false",
        "c1 control       | a\\u0085b                  | false | false",
        "c1 csi           | a\\u009bb                  | false | false",
      })
  void javaAndSchemaAgreeOnTitlesAndDescriptions(
      String name, String escaped, boolean title, boolean description) {
    String text = unescape(escaped);
    assertThat(TaskData.isValidTitle(text)).isEqualTo(title);
    assertThat(TaskData.isValidDescription(text)).isEqualTo(description);
    ObjectNode event = (ObjectNode) Samples.load("task-event.created.json");
    ((ObjectNode) event.get("task_data")).put("title", text);
    assertThat(EventSchemas.validate(TaskEvent.class, event).isEmpty())
        .as("title in the schema")
        .isEqualTo(title);
    ObjectNode reminder = (ObjectNode) Samples.load("reminder-event.triggered.json");
    reminder.put("title", text);
    assertThat(EventSchemas.validate(ReminderEvent.class, reminder).isEmpty())
        .as("reminder title")
        .isEqualTo(title);
    event = (ObjectNode) Samples.load("task-event.created.json");
    ((ObjectNode) event.get("task_data")).put("description", text);
    assertThat(EventSchemas.validate(TaskEvent.class, event).isEmpty())
        .as("description in the schema")
        .isEqualTo(description);
  }

  @Test
  void theSchemasCarryTheJavaTextRules() {
    JsonNode task = schemaOf("schemas/task-event.v1.schema.json");
    for (JsonNode title :
        List.of(
            task.at("/definitions/title"),
            schemaOf("schemas/reminder-event.v1.schema.json").at("/definitions/title"))) {
      assertThat(title.at("/pattern").asText()).isEqualTo(TaskData.VISIBLE);
      assertThat(title.at("/not/pattern").asText()).isEqualTo(TaskData.TITLE_FORBIDDEN);
      assertThat(title.at("/maxLength").asInt()).isEqualTo(TaskData.TITLE_MAX_LENGTH);
    }
    JsonNode description = task.at("/definitions/task_data/properties/description");
    assertThat(description.at("/not/pattern").asText()).isEqualTo(TaskData.DESCRIPTION_FORBIDDEN);
    assertThat(description.at("/maxLength").asInt()).isEqualTo(TaskData.DESCRIPTION_MAX_LENGTH);
  }

  @Test
  void theEnvelopeSchemaTakesTheCausalityIdsAndTraceparentsJavaTakes() {
    JsonNode props = schemaOf(Causality.ENVELOPE_SCHEMA).at("/properties");
    assertThat(props.at("/correlationid/pattern").asText())
        .isEqualTo("^" + Causality.ID + Patterns.END);
    assertThat(props.at("/causationid/pattern").asText())
        .isEqualTo("^" + Causality.ID + Patterns.END);
    assertThat(props.at("/traceparent/pattern").asText())
        .isEqualTo("^" + Causality.TRACEPARENT + Patterns.END);

    String longest = "a".repeat(Causality.ID_MAX_LENGTH);
    for (String id :
        new String[] {
          "chat-turn-7",
          "a",
          longest,
          "user@example.com/req:1+2=3_x.y",
          UUID.randomUUID().toString(),
          longest + "a",
          "",
          "two words",
          "new\\nline",
          "ä",
          "a;b",
          "id\\n"
        }) {
      String value = unescape(id);
      assertThat(envelopeValid("correlationid", value))
          .as("correlationid %s", id)
          .isEqualTo(Causality.isValidId(value));
      assertThat(envelopeValid("causationid", value))
          .as("causationid %s", id)
          .isEqualTo(Causality.isValidId(value));
    }
    assertThat(Causality.isValidId(longest)).isTrue();
    assertThat(Causality.isValidId(longest + "a")).isFalse();

    String good = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    for (String tp :
        new String[] {
          good,
          "00-00000000000000000000000000000000-00f067aa0ba902b7-01",
          "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",
          "01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
          "00-4BF92F3577B34DA6A3CE929D0E0E4736-00F067AA0BA902B7-01",
          good + "-extra",
          "garbage",
          good + "\\n"
        }) {
      String value = unescape(tp);
      assertThat(envelopeValid("traceparent", value))
          .as(tp)
          .isEqualTo(Causality.validTraceparent(value) != null);
    }
    assertThat(Causality.validTraceparent(good)).isEqualTo(good);
    assertThat(
            Causality.validTraceparent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01x"))
        .isNull();
  }

  private static boolean envelopeValid(String attribute, String value) {
    CloudEvent ce =
        Events.envelope(
            Events.read(Samples.load("task-event.created.json"), TaskEvent.class),
            "task-service",
            null,
            null);
    ObjectNode json = Events.MAPPER.valueToTree(ce);
    json.put(attribute, value);
    return EventSchemas.validateEnvelope(json).isEmpty();
  }

  /** CSV cells name control characters as Java escapes (backslash-u and backslash-n/t/r). */
  private static String unescape(String s) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '\\' && i + 1 < s.length()) {
        char n = s.charAt(++i);
        switch (n) {
          case 'n' -> out.append('\n');
          case 't' -> out.append('\t');
          case 'r' -> out.append('\r');
          case 'u' -> {
            out.append((char) Integer.parseInt(s.substring(i + 1, i + 5), 16));
            i += 4;
          }
          default -> out.append('\\').append(n);
        }
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }

  private static JsonNode schemaOf(String resource) {
    try (var in = ContractTest.class.getClassLoader().getResourceAsStream(resource)) {
      return Events.MAPPER.readTree(in);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Test
  void missingTitleIsASchemaViolationNamingTheField() {
    ObjectNode bad = (ObjectNode) Samples.load("task-event.created.json");
    ((ObjectNode) bad.get("task_data")).remove("title");
    assertThatThrownBy(() -> Events.read(bad, TaskEvent.class))
        .isInstanceOf(PoisonEventException.class)
        .hasMessageContaining("title");
  }

  @Test
  void malformedIdsAndTimestampsAreViolations() {
    ObjectNode bad = (ObjectNode) Samples.load("task-event.created.json");
    bad.put("event_id", "not-a-uuid");
    bad.put("timestamp", "yesterday");
    assertThat(EventSchemas.validate(TaskEvent.class, bad))
        .anySatisfy(m -> assertThat(m).contains("event_id"))
        .anySatisfy(m -> assertThat(m).contains("timestamp"));
  }

  @Test
  void schemaVersionIsReadBeforeValidation() {
    ObjectNode v2 = (ObjectNode) Samples.load("task-event.created.json");
    v2.put("schema_version", 2);
    assertThat(Events.schemaVersionOf(v2)).isEqualTo(2);
    assertThat(EventSchemas.validate(TaskEvent.class, v2)).isNotEmpty();
    v2.put("schema_version", "one");
    assertThat(Events.schemaVersionOf(v2)).isEqualTo(-1);
  }

  @Test
  void envelopeCarriesIdTypeAndCausality() {
    TaskEvent event = Events.read(Samples.load("task-event.created.json"), TaskEvent.class);
    CloudEvent ce = Events.envelope(event, "task-service", "corr-1", "cause-1");
    assertThat(ce.id()).isEqualTo(event.eventId().toString());
    assertThat(ce.type()).isEqualTo("todo.task.created");
    assertThat(ce.specversion()).isEqualTo("1.0");
    assertThat(ce.correlationid()).isEqualTo("corr-1");
    assertThat(ce.causationid()).isEqualTo("cause-1");

    CloudEvent parsed = Events.parseEnvelope(Events.toJson(ce));
    assertThat(Events.read(parsed.data(), TaskEvent.class)).isEqualTo(event);
  }

  @Test
  void envelopeWithStringDataIsAccepted() {
    String body =
        Events.MAPPER
            .createObjectNode()
            .put("id", "x")
            .put("data", Samples.load("reminder-event.triggered.json").toString())
            .toString();
    CloudEvent ce = Events.parseEnvelope(body.getBytes(StandardCharsets.UTF_8));
    assertThat(Events.read(ce.data(), ReminderEvent.class).title()).isEqualTo("Buy oat milk");
  }

  @Test
  void garbageIsPoison() {
    for (String body : new String[] {"{not json", "[1,2]", "{\"id\":\"x\"}"}) {
      assertThatThrownBy(() -> Events.parseEnvelope(body.getBytes(StandardCharsets.UTF_8)))
          .isInstanceOf(PoisonEventException.class);
    }
  }

  @Test
  void topicsAndNamesMatchTheArchitecture() {
    assertThat(Topic.TASK_EVENTS.dlqName()).isEqualTo("task-events-dlq");
    assertThat(Topic.TASK_EVENTS.retention().toDays()).isEqualTo(7);
    assertThat(Topic.REMINDERS.retention().toDays()).isEqualTo(1);
    assertThat(Topic.TASK_UPDATES.retention().toHours()).isEqualTo(1);
    for (Topic t : Topic.values()) {
      assertThat(Topic.DLQ_RETENTION).isGreaterThan(t.retention());
    }
  }
}
