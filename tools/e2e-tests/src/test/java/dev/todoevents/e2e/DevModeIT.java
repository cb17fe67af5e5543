package dev.todoevents.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.todoevents.contracts.DaprNames.AppIds;
import dev.todoevents.runtime.ManagedProcess;
import dev.todoevents.runtime.ProjectPaths;
import dev.todoevents.runtime.ServiceApp;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Dev mode as docs/architecture.md describes it: the system runs with recurring-task-service's
 * sidecar but not the app ({@code tools/run.sh --dev}, here on free ports), and tools/dev.sh runs
 * the app from its sources under {@code quarkus dev} with the environment the system wrote. The app
 * under dev mode gets its events through its sidecar and calls task-service through service
 * invocation; a file added to its sources is served on the next request (live reload); Dev UI
 * answers.
 */
class DevModeIT {

  private static final String APP = AppIds.RECURRING_TASK_SERVICE;

  @Test
  void oneAppRunsUnderQuarkusDevNextToTheRest() throws Exception {
    Path work = WorkDirs.create("dev-mode");
    // A class added to the app's sources for a moment: a Java change makes quarkus dev compile
    // and restart the app on the next request. Removed after, with what quarkus dev compiled.
    String probeClass = "DevReloadProbe" + UUID.randomUUID().toString().replace("-", "");
    Path service = ProjectPaths.root().resolve("services").resolve(APP);
    Path probe = service.resolve("src/main/java/dev/todoevents/recurring/" + probeClass + ".java");
    Path compiled =
        service.resolve("target/classes/dev/todoevents/recurring/" + probeClass + ".class");
    try (Stack stack = Stack.start(work, Set.of(APP), AppIds.TASK_SERVICE, APP)) {
      ServiceApp app = stack.app(APP);
      Path runtime = work.resolve("runtime");
      app.writeEnvironment(runtime.resolve("dev").resolve(APP + ".env"));
      long t0 = System.nanoTime();
      ManagedProcess dev =
          ManagedProcess.start(
              "dev-" + APP,
              List.of(
                  ProjectPaths.root().resolve("tools/dev.sh").toString(),
                  APP,
                  "-Dquarkus.console.enabled=false",
                  // quarkus dev asks for io.quarkus:quarkus-devui at the platform's version, and
                  // the registry here serves no quarkus-devui 3.34.2 (Maven Central itself does);
                  // 3.34.1 has the whole set for this app. Elsewhere tools/dev.sh needs nothing.
                  "-Dquarkus.version=" + System.getProperty("todo.dev.quarkus.version", "3.34.1")),
              Map.of("TODO_RUNTIME_DIR", runtime.toString()),
              ProjectPaths.root(),
              work.resolve("logs").resolve("dev.log"));
      try {
        dev.awaitHttp(app.baseUrl() + "/q/health/ready", Duration.ofMinutes(5));
        System.out.printf(
            "[dev-mode] %s ready under quarkus dev in %.1f s%n",
            APP, (System.nanoTime() - t0) / 1e9);
        assertThat(dev.output()).contains("Profile dev activated");

        // Events reach the dev app through its sidecar; it invokes task-service through Dapr.
        String tasksUrl = stack.app(AppIds.TASK_SERVICE).baseUrl();
        String user = "dev-" + UUID.randomUUID();
        String next = UserFlow.nextOccurrence(tasksUrl, user);
        assertThat(next).isNotBlank();

        // Live reload: new code in the sources answers on the next requests, no restart by hand.
        String path = "/" + probeClass.toLowerCase();
        assertThat(Http.get(app.baseUrl() + path).status()).isEqualTo(404);
        Files.writeString(
            probe,
            "package dev.todoevents.recurring;\n"
                + "@jakarta.ws.rs.Path(\""
                + path
                + "\")\n"
                + "public class "
                + probeClass
                + " {\n"
                + "  @jakarta.ws.rs.GET\n"
                + "  public String get() { return \"reloaded\"; }\n"
                + "}\n");
        await("the new code answering after the reload")
            .atMost(Duration.ofSeconds(120))
            .pollInterval(Duration.ofSeconds(2))
            .until(() -> Http.get(app.baseUrl() + path).status() == 200);
        assertThat(Http.get(app.baseUrl() + path).body().asText()).isEqualTo("reloaded");
        assertThat(Http.get(app.baseUrl() + "/q/dev-ui/").status()).isEqualTo(200);
      } finally {
        dev.stop(Duration.ofSeconds(30));
      }
    } finally {
      Files.deleteIfExists(probe);
      Files.deleteIfExists(compiled);
    }
  }
}
