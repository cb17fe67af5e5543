package dev.todoevents.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.todoevents.contracts.DaprNames.AppIds;
import dev.todoevents.runtime.DevIssuer;
import dev.todoevents.runtime.LiveClient;
import dev.todoevents.runtime.ServiceApp;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Live updates on real processes (the {@link SharedStack}): Kafka, task-service, audit-service and
 * TWO realtime-service instances, each with its own daprd. WebSocket clients of two users on both
 * instances, and a headless Chromium (Debian's, driven through its chromedriver) on the live page.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(SharedStack.class)
class RealtimeFlowIT {

  private Path work;
  private ServiceApp tasks;
  private ServiceApp audit;
  private ServiceApp live1;
  private ServiceApp live2;

  @BeforeAll
  void start(Stack stack) {
    work = WorkDirs.create("realtime-flow");
    tasks = stack.app(AppIds.TASK_SERVICE);
    audit = stack.app(AppIds.AUDIT_SERVICE);
    live1 = stack.app(AppIds.REALTIME_SERVICE);
    live2 = stack.app(SharedStack.REALTIME_2);
  }

  @Test
  void aCreatedTaskIsAuditedAndFramedToItsUsersClientsOnBothInstancesAndToNoOtherUser() {
    String alice = "alice-" + UUID.randomUUID();
    String bob = "bob-" + UUID.randomUUID();
    try (LiveClient alice1 = LiveClient.connect(live1.baseUrl(), DevIssuer.shared().token(alice));
        LiveClient alice2 = LiveClient.connect(live2.baseUrl(), DevIssuer.shared().token(alice));
        LiveClient bob1 = LiveClient.connect(live1.baseUrl(), DevIssuer.shared().token(bob));
        LiveClient bob2 = LiveClient.connect(live2.baseUrl(), DevIssuer.shared().token(bob))) {
      // Without a valid token there is nothing to watch.
      assertThat(LiveClient.refusedHandshakeStatus(live1.baseUrl(), null)).isEqualTo(401);
      long t0 = System.nanoTime();
      String aliceTask = SystemApi.createTask(tasks, alice, "Buy oat milk");
      await("alice's frame on both instances")
          .atMost(Duration.ofSeconds(30))
          .pollInterval(Duration.ofMillis(50))
          .until(
              () ->
                  !alice1.updatesOf(aliceTask).isEmpty() && !alice2.updatesOf(aliceTask).isEmpty());
      System.out.printf(
          "[realtime] created -> frame on both instances: %d ms%n",
          (System.nanoTime() - t0) / 1_000_000);
      await("alice's task in the audit log")
          .atMost(Duration.ofSeconds(30))
          .until(
              () ->
                  Http.get(audit.baseUrl() + "/audit?task_id=" + aliceTask, Stack.admin())
                          .body()
                          .size()
                      == 1);

      for (LiveClient c : List.of(alice1, alice2)) {
        JsonNode frame = c.updatesOf(aliceTask).get(0);
        assertThat(frame.get("event_type").asText()).isEqualTo("created");
        assertThat(frame.get("user_id").asText()).isEqualTo(alice);
        assertThat(frame.at("/changes/title").asText()).isEqualTo("Buy oat milk");
      }

      // bob's own task reaches bob's clients: by then alice's frame, published first to the
      // same instances, would have reached them too if it were (wrongly) sent to bob.
      String bobTask = SystemApi.createTask(tasks, bob, "Call mum");
      await("bob's frame on both instances")
          .atMost(Duration.ofSeconds(30))
          .until(() -> !bob1.updatesOf(bobTask).isEmpty() && !bob2.updatesOf(bobTask).isEmpty());
      for (LiveClient c : List.of(bob1, bob2)) {
        assertThat(c.updates())
            .allSatisfy(f -> assertThat(f.get("user_id").asText()).isEqualTo(bob));
        assertThat(c.updates()).hasSize(1);
      }
      for (LiveClient c : List.of(alice1, alice2)) {
        assertThat(c.updates())
            .allSatisfy(f -> assertThat(f.get("user_id").asText()).isEqualTo(alice));
        assertThat(c.updatesOf(aliceTask)).as("one frame per event").hasSize(1);
      }
    }
  }

  @Test
  void theLivePageInHeadlessChromiumShowsATaskCreatedOverRestAndItsCompletion() throws Exception {
    String carol = "carol-" + UUID.randomUUID();
    String before = SystemApi.createTask(tasks, carol, "Written before the page opened");
    WebDriver browser = chromium(work.resolve("chromium-profile"));
    try {
      browser.get(live1.baseUrl() + "/#token=" + DevIssuer.shared().token(carol));
      // The page re-renders a row when its task changes, so an element found a moment ago can be
      // gone (stale) by the time it is read: look again rather than fail.
      WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(30));
      wait.ignoring(StaleElementReferenceException.class);
      wait.until(b -> "live".equals(b.findElement(By.id("status")).getText()));
      // The list came from task-service through service invocation.
      assertThat(titleOf(browser, before)).isEqualTo("Written before the page opened");

      String created = SystemApi.createTask(tasks, carol, "Water the plants");
      wait.until(b -> !b.findElements(row(created)).isEmpty());
      assertThat(titleOf(browser, created)).isEqualTo("Water the plants");
      assertThat(browser.findElement(row(created)).findElement(By.className("status")).getText())
          .isEqualTo("pending");

      assertThat(
              Http.post(
                      tasks.baseUrl() + "/tasks/" + created + "/complete",
                      "{}",
                      "application/json",
                      Stack.auth(carol))
                  .status())
          .isEqualTo(200);
      wait.until(
          b ->
              "completed"
                  .equals(
                      b.findElement(row(created)).findElement(By.className("status")).getText()));

      assertThat(Http.delete(tasks.baseUrl() + "/tasks/" + before, Stack.auth(carol)))
          .isEqualTo(204);
      wait.until(b -> b.findElements(row(before)).isEmpty());
    } finally {
      browser.quit();
    }
  }

  private static By row(String taskId) {
    return By.cssSelector("tr[data-task-id='" + taskId + "']");
  }

  private static String titleOf(WebDriver browser, String taskId) {
    return browser.findElement(row(taskId)).findElement(By.className("title")).getText();
  }

  /** Debian's Chromium, headless, with the flags this closed network needs (env notes). */
  private static WebDriver chromium(Path profile) throws Exception {
    Path binary = Path.of(System.getenv().getOrDefault("TODO_CHROMIUM", "/usr/bin/chromium"));
    Path driver =
        Path.of(System.getenv().getOrDefault("TODO_CHROMEDRIVER", "/usr/bin/chromedriver"));
    if (!Files.isExecutable(binary) || !Files.isExecutable(driver)) {
      throw new IllegalStateException(
          "Chromium ("
              + binary
              + ") or chromedriver ("
              + driver
              + ") is missing: "
              + "run tools/bootstrap.sh --with-browser, or 'sudo apt-get install chromium chromium-driver'");
    }
    Files.createDirectories(profile);
    ChromeOptions options = new ChromeOptions();
    options.setBinary(binary.toFile());
    options.addArguments(
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--user-data-dir=" + profile);
    ChromeDriverService service =
        new ChromeDriverService.Builder()
            .usingDriverExecutable(driver.toFile())
            .usingAnyFreePort()
            .withLogFile(profile.resolveSibling("chromedriver.log").toFile())
            .build();
    return new ChromeDriver(service, options);
  }
}
