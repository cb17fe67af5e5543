package dev.todoevents.e2e;

import static dev.todoevents.e2e.SystemApi.awaitAuditEntries;
import static dev.todoevents.e2e.SystemApi.createReminder;
import static dev.todoevents.e2e.SystemApi.createTask;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.todoevents.contracts.DaprNames.AppIds;
import dev.todoevents.runtime.Containers;
import dev.todoevents.runtime.DockerHostProperty;
import dev.todoevents.runtime.ManagedProcess;
import dev.todoevents.runtime.PostgresServer;
import dev.todoevents.runtime.ProjectPaths;
import dev.todoevents.runtime.ServiceApp;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The images of tools/images.sh, built here from Debian's packages and the build's jars, and the
 * system run from them under runc ({@link Containers}): Kafka, the six apps and their daprd
 * sidecars as containers of user 10001 on read-only roots, PostgreSQL for task- and audit-service.
 */
@Tag("containers")
class ContainerImagesIT {

  private static final List<String> IMAGES =
      java.util.stream.Stream.concat(
              AppIds.ALL.stream(), java.util.stream.Stream.of("kafka", "daprd"))
          .toList();
  private static final ObjectMapper JSON = new ObjectMapper();

  @BeforeAll
  static void buildImages() {
    long t0 = System.nanoTime();
    images();
    System.out.printf("[containers] tools/images.sh: 8 images in %.1f s%n", seconds(t0));
  }

  @Test
  void imagesRunAsUser10001WithTheLocalJvmFlagsAndAreReproducible() throws Exception {
    for (String image : IMAGES) {
      JsonNode config = config(image).get("config");
      assertThat(config.get("User").asText()).as(image).isEqualTo("10001:10001");
    }
    List<String> entrypoint = new ArrayList<>();
    config(AppIds.TASK_SERVICE).at("/config/Entrypoint").forEach(n -> entrypoint.add(n.asText()));
    assertThat(entrypoint)
        .startsWith("java")
        .containsSubsequence(ServiceApp.DEFAULT_JVM_FLAGS)
        .endsWith("-jar", "/app/quarkus-run.jar");
    // Dapr's injector runs the sidecar as args ["/daprd", ...] with no command: no entrypoint.
    JsonNode daprd = config("daprd").get("config");
    assertThat(daprd.has("Entrypoint")).isFalse();
    assertThat(daprd.get("Cmd").get(0).asText()).isEqualTo("/daprd");

    // The same inputs give the same image, byte for byte.
    String before =
        Files.readString(digest(AppIds.TASK_SERVICE)) + Files.readString(digest("daprd"));
    images(AppIds.TASK_SERVICE, "daprd");
    assertThat(Files.readString(digest(AppIds.TASK_SERVICE)) + Files.readString(digest("daprd")))
        .isEqualTo(before);
  }

  @Test
  void theSystemRunsFromItsImagesUnderRunc() throws Exception {
    runFromImages("runc", WorkDirs.create("containers"), ContainerImagesIT::runcChild);
  }

  /**
   * The opt-in Testcontainers mode: the same containers on a Docker engine (its own dockerd here)
   * through Testcontainers' client, which sees each container's process as a host pid.
   */
  @Test
  void theSystemRunsOnDockerThroughTestcontainers() throws Exception {
    Path work = WorkDirs.create("testcontainers");
    try (DockerEngine engine = DockerEngine.start(work)) {
      // Read by Testcontainers when it first connects (the JVM's environment cannot be set).
      System.setProperty(DockerHostProperty.PROPERTY, engine.host);
      try {
        runFromImages("testcontainers", work, ManagedProcess::pid);
      } finally {
        System.clearProperty(DockerHostProperty.PROPERTY);
      }
    }
  }

  /**
   * Starts the system in container mode {@code mode}, checks that its processes are containers of
   * user 10001 on read-only roots, and runs a task and a reminder through it.
   *
   * @param containerPid the host pid of a process's container (its first process)
   */
  private static void runFromImages(
      String mode, Path work, java.util.function.ToLongFunction<ManagedProcess> containerPid)
      throws Exception {
    System.setProperty(Containers.PROPERTY, mode);
    long t0 = System.nanoTime();
    try (PostgresServer pg = PostgresServer.start(work.resolve("postgres"));
        Stack stack =
            Stack.startOnPostgres(
                work,
                Map.of(
                    AppIds.TASK_SERVICE, pg.createDatabase("tasks"),
                    AppIds.AUDIT_SERVICE, pg.createDatabase("audit")),
                AppIds.TASK_SERVICE,
                AppIds.AUDIT_SERVICE,
                AppIds.RECURRING_TASK_SERVICE,
                AppIds.NOTIFICATION_SERVICE,
                AppIds.REALTIME_SERVICE,
                AppIds.STATS_SERVICE)) {
      System.out.printf("[containers] %s: system up in %.1f s%n", mode, seconds(t0));
      ServiceApp tasks = stack.app(AppIds.TASK_SERVICE);
      ServiceApp audit = stack.app(AppIds.AUDIT_SERVICE);

      // Every app, its sidecar and Kafka are containers: user 10001, read-only root.
      List<ManagedProcess> processes = new ArrayList<>();
      processes.add(stack.kafka.process());
      processes.add(tasks.process());
      processes.add(stack.sidecar(AppIds.TASK_SERVICE).process());
      processes.add(stack.app(AppIds.STATS_SERVICE).process());
      for (ManagedProcess p : processes) {
        long pid = containerPid.applyAsLong(p);
        assertThat(Files.readAllLines(Path.of("/proc/" + pid + "/status")))
            .as(p.name())
            .anyMatch(l -> l.matches("Uid:\\s+10001\\s+10001\\s+10001\\s+10001"));
        assertThat(Files.readAllLines(Path.of("/proc/" + pid + "/mountinfo")))
            .as(p.name() + "'s root")
            .anyMatch(l -> l.split(" ")[4].equals("/") && l.split(" ")[5].startsWith("ro"));
      }

      if (mode.equals("testcontainers")) {
        // ... and they are the engine's: one container per process, of the images loaded.
        List<String> running =
            org.testcontainers.DockerClientFactory.instance()
                .client()
                .listContainersCmd()
                .exec()
                .stream()
                .map(c -> c.getImage())
                .toList();
        assertThat(running)
            .as("containers in the engine")
            .hasSize(13)
            .containsAll(IMAGES.stream().map(i -> "todo-events/" + i + ":0.1.0-SNAPSHOT").toList());
      }

      // A task through task-service's sidecar and Kafka to the audit log, all in containers.
      long t1 = System.nanoTime();
      String user = "container-" + UUID.randomUUID();
      String task = createTask(tasks, user, "from an image");
      JsonNode entry =
          awaitAuditEntries(audit, "task_id=" + task, 1, Duration.ofSeconds(60)).get(0);
      assertThat(entry.get("user_id").asText()).isEqualTo(user);
      // A reminder through Dapr's cron binding, Kafka and notification-service's output binding.
      String reminded = createReminder(tasks, user, "soon", Instant.now().plusSeconds(3));
      await("the reminder's notification file")
          .atMost(Duration.ofSeconds(60))
          .until(() -> notified(work, reminded));
      System.out.printf("[containers] %s: flow (audit + reminder) in %.1f s%n", mode, seconds(t1));
    } finally {
      System.clearProperty(Containers.PROPERTY);
    }
  }

  private static boolean notified(Path work, String taskId) throws Exception {
    Path dir = Stack.notificationsDir(work);
    if (!Files.isDirectory(dir)) {
      return false;
    }
    try (var files = Files.list(dir)) {
      return files.anyMatch(
          f -> {
            try {
              return Files.readString(f).contains(taskId);
            } catch (java.io.IOException e) {
              return false;
            }
          });
    }
  }

  /** The process runc started in the container (its child), as the host sees it. */
  private static long runcChild(ManagedProcess runc) {
    return ProcessHandle.of(runc.pid())
        .orElseThrow()
        .descendants()
        .filter(h -> h.info().command().map(c -> !c.endsWith("runc")).orElse(false))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no container process under " + runc.name()))
        .pid();
  }

  private static void images(String... names) {
    List<String> cmd =
        new ArrayList<>(List.of(ProjectPaths.root().resolve("tools/images.sh").toString()));
    cmd.addAll(List.of(names));
    Path log = ProjectPaths.root().resolve("tools/e2e-tests/target/images.log");
    ManagedProcess p = ManagedProcess.start("images", cmd, Map.of(), ProjectPaths.root(), log);
    assertThat(p.awaitExit(Duration.ofMinutes(15))).as("tools/images.sh:\n%s", p.tail(30)).isZero();
  }

  private static Path digest(String image) {
    return ProjectPaths.runtime().resolve("images").resolve(image + ".digest");
  }

  /** The image's config, read from its tarball as a runtime does (manifest.json, then Config). */
  private static JsonNode config(String image) throws Exception {
    Path tar = Containers.image(image);
    JsonNode manifest = JSON.readTree(Containers.imageFile(tar, "manifest.json")).get(0);
    return JSON.readTree(Containers.imageFile(tar, manifest.get("Config").asText()));
  }

  private static double seconds(long t0) {
    return (System.nanoTime() - t0) / 1e9;
  }
}
