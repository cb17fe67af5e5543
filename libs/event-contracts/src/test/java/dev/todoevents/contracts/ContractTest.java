package dev.todoevents.contracts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
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
            new TaskData("t", null, "pending", "medium", null, null, "every_10_days", Events.now(), Events.now(), null, UUID.randomUUID(), 1));
    JsonNode json = Events.MAPPER.valueToTree(event);
    assertThat(EventSchemas.validate(TaskEvent.class, json)).isEmpty();
    assertThat(json.get("timestamp").asText()).endsWith("Z");
    assertThat(json.has("task_data")).isTrue();
    assertThat(json.get("task_data").has("description")).as("nulls are omitted").isFalse();
  }

  @Test
  void schemaAndJavaAgreeOnStatusesPrioritiesAndRecurrences() {
    JsonNode schema = schemaOf("schemas/task-event.v1.schema.json").at("/$defs/task_data/properties");
    assertThat(schema.at("/recurrence/pattern").asText()).isEqualTo("^(" + TaskData.RECURRENCES + ")$");
    assertThat(String.join("|", Events.MAPPER.convertValue(schema.at("/status/enum"), String[].class)))
        .isEqualTo(TaskData.STATUSES);
    assertThat(String.join("|", Events.MAPPER.convertValue(schema.at("/priority/enum"), String[].class)))
        .isEqualTo(TaskData.PRIORITIES);
    for (String ok : new String[] {"none", "daily", "weekly", "monthly", "every_1_days", "every_365_days"}) {
      assertThat(ok).matches(TaskData.RECURRENCES);
    }
    for (String bad : new String[] {"yearly", "every_0_days", "every_366_days", "every_x_days", "every_3_weeks"}) {
      assertThat(bad).doesNotMatch(TaskData.RECURRENCES);
    }
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
