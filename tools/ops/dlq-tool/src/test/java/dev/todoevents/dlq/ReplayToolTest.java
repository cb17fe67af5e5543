package dev.todoevents.dlq;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What tools/replay.sh decides before it touches Kafka: the route, the range, bad usage. */
class ReplayToolTest {

  private static final Path SUBSCRIPTIONS = Path.of("../../../subscriptions");

  @Test
  void theRouteIsTheConsumersSubscriptionRoute() throws Exception {
    assertEquals(
        "/events/task-events", ReplayTool.route(SUBSCRIPTIONS, "task-events", "audit-service"));
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> ReplayTool.route(SUBSCRIPTIONS, "task-events", "notification-service"));
    assertTrue(e.getMessage().contains("does not subscribe to task-events"), e.getMessage());
    assertTrue(e.getMessage().contains("audit-service"), "names the subscribers");
  }

  @Test
  void timesAreInstantsOrDurationsAgo() {
    Instant now = Instant.parse("2026-12-01T12:00:00Z");
    assertEquals(Instant.parse("2026-12-01T10:00:00Z"), ReplayTool.instant("--from", "PT2H", now));
    assertEquals(
        Instant.parse("2026-11-30T09:30:00Z"),
        ReplayTool.instant("--from", "2026-11-30T09:30:00Z", now));
    assertThrows(
        IllegalArgumentException.class, () -> ReplayTool.instant("--from", "yesterday", now));
  }

  @Test
  void badUsageExitsWithTwoAndAReason() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PrintStream print = new PrintStream(out, true, StandardCharsets.UTF_8);
    String[][] bad = {
      {"--topic", "task-events", "--app", "audit-service"}, // no --from
      {"--topic", "nope", "--app", "audit-service", "--from", "PT1H"},
      {"--topic", "task-events", "--app", "audit-service", "--from", "PT1H", "--to", "PT2H"},
      {"--topic", "task-events", "--app", "x", "--from", "PT1H", "--subscriptions", "/none"}
    };
    for (String[] args : bad) {
      out.reset();
      assertEquals(2, ReplayTool.run(args, print, print, Map.of()), String.join(" ", args));
      assertTrue(
          out.toString(StandardCharsets.UTF_8).contains("replay: ")
              || out.toString(StandardCharsets.UTF_8).contains("Missing required"),
          out.toString());
    }
  }
}
