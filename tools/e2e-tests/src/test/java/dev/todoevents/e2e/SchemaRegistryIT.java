package dev.todoevents.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.todoevents.contracts.Events;
import dev.todoevents.dlq.SchemasTool;
import dev.todoevents.runtime.ProjectPaths;
import dev.todoevents.runtime.SchemaRegistryServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * tools/schemas.sh against a real Apicurio Registry (its Confluent API): the four contracts are
 * registered under their subjects with the BACKWARD rule, a second registration adds nothing, a
 * compatible change (a widened enum, a longer limit) becomes the next version, and an incompatible
 * one (a new required property) is refused by the registry: by check and by register, which leaves
 * the versions as they were. A new optional property counts as incompatible too: the schemas are
 * open, and docs/events.md says how a field is added.
 */
class SchemaRegistryIT {

  private static final String TASK_EVENT = "dev.todoevents.contracts.TaskEvent";
  private static final String TASK_EVENT_FILE = "task-event.v1.schema.json";

  private record Run(int status, String out) {}

  private static Run schemas(String registry, Path dir, String command, String... more) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PrintStream print = new PrintStream(out, true, StandardCharsets.UTF_8);
    List<String> args = new ArrayList<>(List.of(command, "--registry", registry));
    if (dir != null) {
      args.addAll(List.of("--schemas", dir.toString()));
    }
    args.addAll(List.of(more));
    int status = SchemasTool.run(args.toArray(String[]::new), print, print, Map.of());
    String text = out.toString(StandardCharsets.UTF_8);
    System.out.printf("[schemas] %s -> %d%n%s", String.join(" ", args), status, text.indent(6));
    return new Run(status, text);
  }

  private static List<Integer> versions(String registry, String subject) {
    Http.Reply r = Http.get(registry + "/subjects/" + subject + "/versions");
    assertThat(r.status()).as("versions of %s: %s", subject, r.body()).isEqualTo(200);
    List<Integer> versions = new ArrayList<>();
    r.body().forEach(v -> versions.add(v.asInt()));
    return versions;
  }

  /** A copy of the contracts' schema folder with the TaskEvent schema changed by {@code edit}. */
  private static Path withTaskEvent(Path from, Path to, Consumer<ObjectNode> edit)
      throws Exception {
    Files.createDirectories(to);
    try (var files = Files.list(from)) {
      for (Path f : files.toList()) {
        Files.copy(f, to.resolve(f.getFileName()));
      }
    }
    ObjectNode schema = (ObjectNode) Events.MAPPER.readTree(to.resolve(TASK_EVENT_FILE).toFile());
    edit.accept(schema);
    Files.writeString(
        to.resolve(TASK_EVENT_FILE),
        Events.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(schema));
    return to;
  }

  @Test
  void theContractsAreRegisteredAndAnIncompatibleChangeIsRefused() throws Exception {
    Path work = WorkDirs.create("schema-registry");
    try (SchemaRegistryServer server = SchemaRegistryServer.start(work)) {
      String registry = server.confluentApi();

      Run first = schemas(registry, null, "register");
      assertThat(first.status()).isZero();
      assertThat(first.out()).contains("register: 4 of 4 subject(s) registered");
      for (String subject : SchemasTool.SUBJECTS.keySet()) {
        assertThat(versions(registry, subject)).as(subject).containsExactly(1);
        assertThat(
                Http.get(registry + "/config/" + subject)
                    .body()
                    .path("compatibilityLevel")
                    .asText())
            .as("the rule of %s", subject)
            .isEqualTo("BACKWARD");
      }
      assertThat(schemas(registry, null, "register").status()).isZero();
      assertThat(versions(registry, TASK_EVENT)).as("the same schemas again").containsExactly(1);

      // Compatible: data of version 1 is valid under the new one.
      Path sources = ProjectPaths.root().resolve("libs/event-contracts/src/main/resources/schemas");
      Path widened =
          withTaskEvent(
              sources,
              work.resolve("widened"),
              s -> {
                ((ArrayNode) s.at("/properties/event_type/enum")).add("archived");
                ((ObjectNode) s.at("/properties/user_id")).put("maxLength", 256);
              });
      Run check = schemas(registry, widened, "check");
      assertThat(check.status()).isZero();
      assertThat(check.out()).contains(TASK_EVENT + ": compatible");
      assertThat(schemas(registry, widened, "register").status()).isZero();
      assertThat(versions(registry, TASK_EVENT)).containsExactly(1, 2);

      // The schemas are open (unknown fields allowed), so even a new optional property is a
      // narrowing to the registry: data of version 2 may hold that field with any value.
      Path optional =
          withTaskEvent(
              widened,
              work.resolve("optional"),
              s ->
                  ((ObjectNode) s.get("properties"))
                      .set("source_app", Events.MAPPER.createObjectNode().put("type", "string")));
      assertThat(schemas(registry, optional, "check").out())
          .contains(TASK_EVENT + ": INCOMPATIBLE");
      // What the project's additive policy needs is FORWARD (consumers on version 2 read the new
      // events): registered under that rule, and the next plain register sets BACKWARD again.
      assertThat(schemas(registry, optional, "register", "--compatibility", "FORWARD").status())
          .isZero();
      assertThat(versions(registry, TASK_EVENT)).containsExactly(1, 2, 3);
      assertThat(schemas(registry, optional, "register").status()).isZero();
      assertThat(
              Http.get(registry + "/config/" + TASK_EVENT)
                  .body()
                  .path("compatibilityLevel")
                  .asText())
          .isEqualTo("BACKWARD");

      // Incompatible: events written under version 3 lack the new required property.
      Path required =
          withTaskEvent(
              optional,
              work.resolve("required"),
              s -> {
                ((ArrayNode) s.get("required")).add("tenant_id");
                ((ObjectNode) s.get("properties"))
                    .set("tenant_id", Events.MAPPER.createObjectNode().put("type", "string"));
              });
      Run refusedCheck = schemas(registry, required, "check");
      assertThat(refusedCheck.status()).isEqualTo(1);
      assertThat(refusedCheck.out()).contains(TASK_EVENT + ": INCOMPATIBLE");
      Run refused = schemas(registry, required, "register");
      assertThat(refused.status()).isEqualTo(1);
      assertThat(refused.out()).contains(TASK_EVENT + ": REFUSED (409)").contains("required");
      assertThat(versions(registry, TASK_EVENT)).as("nothing registered").containsExactly(1, 2, 3);
    }
  }
}
