package dev.todoevents.e2e;

import static dev.todoevents.e2e.SystemApi.auditEntries;
import static dev.todoevents.e2e.SystemApi.awaitAuditEntries;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.todoevents.contracts.DaprNames.AppIds;
import dev.todoevents.dlq.ReplayTool;
import dev.todoevents.runtime.ProjectPaths;
import dev.todoevents.runtime.ServiceApp;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * tools/replay.sh against real Kafka, daprd and audit-service: audit-service loses its log (its
 * database files are deleted while it is down, as after a bug), and a replay of the time range in
 * which six tasks were made rebuilds exactly those six entries, with their event_ids, through
 * audit-service's own sidecar; a task made after the range stays out; a dry run counts and delivers
 * nothing; a second replay changes nothing (idempotent consumer).
 */
class TopicReplayIT {

  private record Run(int status, String out) {}

  private static Run replay(String sidecarUrl, String token, String brokers, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    List<String> all =
        Stream.concat(
                Stream.of(args),
                Stream.of(
                    "--topic",
                    "task-events",
                    "--app",
                    AppIds.AUDIT_SERVICE,
                    "--brokers",
                    brokers,
                    "--sidecar",
                    sidecarUrl,
                    "--subscriptions",
                    ProjectPaths.root().resolve("subscriptions").toString()))
            .toList();
    PrintStream print = new PrintStream(out, true, StandardCharsets.UTF_8);
    int status =
        ReplayTool.run(all.toArray(String[]::new), print, print, Map.of("DAPR_API_TOKEN", token));
    String text = out.toString(StandardCharsets.UTF_8);
    System.out.printf("[replay] %s -> %d%n%s", String.join(" ", args), status, text.indent(6));
    return new Run(status, text);
  }

  @Test
  void aTimeRangeRebuildsOneConsumersLog() throws Exception {
    Stack.assumeKafka("replay reads the time range from Kafka");
    Path work = WorkDirs.create("topic-replay");
    try (Stack stack = Stack.start(work, AppIds.TASK_SERVICE, AppIds.AUDIT_SERVICE)) {
      ServiceApp tasks = stack.app(AppIds.TASK_SERVICE);
      ServiceApp audit = stack.app(AppIds.AUDIT_SERVICE);
      String brokers = stack.kafka.bootstrapServers();
      String sidecar = "http://127.0.0.1:" + stack.sidecar(AppIds.AUDIT_SERVICE).httpPort();
      String token = stack.sidecar(AppIds.AUDIT_SERVICE).apiToken();
      String user = "rita-" + UUID.randomUUID();
      String byUser = "user_id=" + user;

      Instant from = Instant.now();
      for (int i = 0; i < 6; i++) {
        SystemApi.createTask(tasks, user, "in range " + i);
      }
      List<String> inRange =
          awaitAuditEntries(audit, byUser, 6, Duration.ofSeconds(60)).stream()
              .map(e -> e.get("event_id").asText())
              .toList();
      Instant to = Instant.now();
      Thread.sleep(20); // the next record's timestamp is after `to`, at millisecond precision
      String late = SystemApi.createTask(tasks, user, "after the range");
      awaitAuditEntries(audit, byUser, 7, Duration.ofSeconds(60));

      // The bug: audit-service's log is gone. It restarts empty (and forgets what it had seen).
      audit.stop();
      Path data = Path.of(audit.environment().get("TODO_DATA_DIR"));
      try (Stream<Path> files = Files.list(data)) {
        for (Path f : files.filter(f -> f.getFileName().toString().startsWith("audit")).toList()) {
          deleteQuietly(f);
        }
      }
      audit.start();
      assertThat(auditEntries(audit, byUser)).as("the log after the loss").isEmpty();

      String[] range = {"--from", from.toString(), "--to", to.toString()};
      Run dry = replay(sidecar, token, brokers, concat(range, "--dry-run"));
      assertThat(dry.status()).isZero();
      assertThat(dry.out()).contains("dry run: 6 record(s) of task-events");
      assertThat(auditEntries(audit, byUser)).as("a dry run delivers nothing").isEmpty();

      Run run = replay(sidecar, token, brokers, range);
      assertThat(run.status()).isZero();
      assertThat(run.out())
          .contains("replay: 6/6 record(s) (100 %)")
          .contains("6 delivered, 0 dropped");
      List<JsonNode> rebuilt = auditEntries(audit, byUser);
      assertThat(rebuilt.stream().map(e -> e.get("event_id").asText()))
          .as("exactly the range, each event once, with its event_id")
          .containsExactlyInAnyOrderElementsOf(inRange);
      assertThat(auditEntries(audit, "task_id=" + late)).as("after the range").isEmpty();

      assertThat(replay(sidecar, token, brokers, range).out()).contains("6 delivered");
      assertThat(auditEntries(audit, byUser)).as("a second replay: idempotent").hasSize(6);

      Run wrongToken = replay(sidecar, "not-the-token", brokers, range);
      assertThat(wrongToken.status()).isEqualTo(1);
      assertThat(wrongToken.out()).contains("the sidecar refused the call (401)");
    }
  }

  private static String[] concat(String[] a, String... b) {
    return Stream.concat(Stream.of(a), Stream.of(b)).toArray(String[]::new);
  }

  private static void deleteQuietly(Path f) {
    try {
      Files.deleteIfExists(f);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
