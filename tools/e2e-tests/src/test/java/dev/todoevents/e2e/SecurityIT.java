package dev.todoevents.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.todoevents.contracts.DaprNames.AppIds;
import dev.todoevents.runtime.Daprd;
import dev.todoevents.runtime.DevIssuer;
import dev.todoevents.runtime.LiveClient;
import dev.todoevents.runtime.ServiceApp;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The threat model's attacks (docs/security.md), each run against the real system (the {@link
 * SharedStack}: Kafka, Sentry, the apps with their sidecars and per-app tokens) and each answered
 * with a refusal. Prints how many attacks it tried and how many were refused; every one must be.
 */
@ExtendWith(SharedStack.class)
class SecurityIT {

  private static final String STATS = "stats-service";

  /** One attack: what it tries, and whether the system refused it. */
  private record Attack(String name, boolean refused, String answer) {}

  private final List<Attack> attacks = new ArrayList<>();

  /** Runs an attack whose refusal is the given HTTP status. */
  private void expect(String name, int refusal, Supplier<Http.Reply> attempt) {
    Http.Reply r = attempt.get();
    attacks.add(new Attack(name, r.status() == refusal, r.status() + " " + r.body()));
  }

  @Test
  void everyAttackOfTheThreatModelIsRefused(Stack stack) {
    try {
      ServiceApp tasks = stack.app(AppIds.TASK_SERVICE);
      ServiceApp audit = stack.app(AppIds.AUDIT_SERVICE);
      ServiceApp notifications = stack.app(AppIds.NOTIFICATION_SERVICE);
      ServiceApp realtime = stack.app(AppIds.REALTIME_SERVICE);
      ServiceApp stats = stack.app(STATS);
      String alice = "alice-" + UUID.randomUUID();
      String bob = "bob-" + UUID.randomUUID();

      // Alice's data everywhere: a task with a reminder due now (audited, counted, notified).
      Http.Reply created =
          Http.post(
              tasks.baseUrl() + "/tasks",
              "{\"title\":\"Alice's secret\",\"remind_at\":\""
                  + Instant.now().plusSeconds(1)
                  + "\"}",
              "application/json",
              Stack.auth(alice));
      assertThat(created.status()).as("alice's task: %s", created.body()).isEqualTo(201);
      String aliceTask = created.body().get("id").asText();
      await("alice's task audited, counted and notified")
          .atMost(Duration.ofSeconds(90))
          .pollInterval(Duration.ofMillis(500))
          .until(
              () ->
                  Http.get(audit.baseUrl() + "/audit", Stack.auth(alice)).body().size() == 1
                      && Http.get(stats.baseUrl() + "/stats", Stack.auth(alice))
                              .body()
                              .path("events")
                              .path("created")
                              .asInt()
                          == 1
                      && Http.get(notifications.baseUrl() + "/notifications", Stack.auth(alice))
                              .body()
                              .size()
                          == 1);

      crossUserReads(tasks, audit, notifications, realtime, stats, alice, bob, aliceTask);
      forgedEvents(stack, alice, aliceTask);
      tokensOfOtherApps(stack, tasks, audit);
      badBearerTokens(tasks, alice, bob, aliceTask);
      outOfRangeValues(tasks, alice, aliceTask);
      socketFlood(realtime, alice);

      // Nothing of the attacks got through: alice still has exactly her one task and entry.
      assertThat(Http.get(tasks.baseUrl() + "/tasks", Stack.auth(alice)).body()).hasSize(1);
      assertThat(Http.get(audit.baseUrl() + "/audit", Stack.auth(alice)).body()).hasSize(1);
    } finally {
      long refused = attacks.stream().filter(Attack::refused).count();
      attacks.forEach(
          a ->
              System.out.printf(
                  "[security] %-8s %s -> %s%n",
                  a.refused() ? "refused" : "GOT IN",
                  a.name(),
                  a.answer().length() > 160 ? a.answer().substring(0, 160) + "..." : a.answer()));
      System.out.printf("[security] %d attacks tried, %d refused%n", attacks.size(), refused);
    }
    assertThat(attacks).as("attacks that got in").filteredOn(a -> !a.refused()).isEmpty();
    assertThat(attacks).hasSizeGreaterThanOrEqualTo(30);
  }

  private void crossUserReads(
      ServiceApp tasks,
      ServiceApp audit,
      ServiceApp notifications,
      ServiceApp realtime,
      ServiceApp stats,
      String alice,
      String bob,
      String aliceTask) {
    expect(
        "GET /audit?user_id=alice without a token",
        401,
        () -> Http.get(audit.baseUrl() + "/audit?user_id=" + alice));
    expect(
        "GET /audit?user_id=alice as bob",
        403,
        () -> Http.get(audit.baseUrl() + "/audit?user_id=" + alice, Stack.auth(bob)));
    attacks.add(
        new Attack(
            "GET /audit?task_id=<alice's> as bob (narrowed to bob: nothing)",
            Http.get(audit.baseUrl() + "/audit?task_id=" + aliceTask, Stack.auth(bob))
                .body()
                .isEmpty(),
            "[]"));
    attacks.add(
        new Attack(
            "GET /audit?from=2000-01-01 as bob (a time range: only bob's)",
            Http.get(audit.baseUrl() + "/audit?from=2000-01-01T00:00:00Z", Stack.auth(bob))
                .body()
                .isEmpty(),
            "[]"));
    expect(
        "GET /notifications?user_id=alice without a token",
        401,
        () -> Http.get(notifications.baseUrl() + "/notifications?user_id=" + alice));
    expect(
        "GET /notifications?user_id=alice as bob",
        403,
        () ->
            Http.get(notifications.baseUrl() + "/notifications?user_id=" + alice, Stack.auth(bob)));
    expect(
        "GET /stats?user_id=alice without a token",
        401,
        () -> Http.get(stats.baseUrl() + "/stats?user_id=" + alice));
    expect(
        "GET /stats?user_id=alice as bob",
        403,
        () -> Http.get(stats.baseUrl() + "/stats?user_id=" + alice, Stack.auth(bob)));
    expect(
        "GET /api/tasks without a token", 401, () -> Http.get(realtime.baseUrl() + "/api/tasks"));
    expect(
        "GET /api/tasks?user_id=alice as bob",
        403,
        () -> Http.get(realtime.baseUrl() + "/api/tasks?user_id=" + alice, Stack.auth(bob)));
    expect(
        "GET /tasks/<alice's> as bob",
        404,
        () -> Http.get(tasks.baseUrl() + "/tasks/" + aliceTask, Stack.auth(bob)));
    expect(
        "GET /tasks?user_id=alice as bob",
        403,
        () -> Http.get(tasks.baseUrl() + "/tasks?user_id=" + alice, Stack.auth(bob)));
    expect(
        "PATCH /tasks/<alice's> as bob",
        404,
        () ->
            Http.call(
                "PATCH",
                tasks.baseUrl() + "/tasks/" + aliceTask,
                "{\"title\":\"pwned\"}",
                Stack.auth(bob)));
    expect(
        "DELETE /tasks/<alice's> as bob",
        404,
        () ->
            new Http.Reply(
                Http.delete(tasks.baseUrl() + "/tasks/" + aliceTask, Stack.auth(bob)), null));
    attacks.add(
        new Attack(
            "WebSocket /updates without a token",
            LiveClient.refusedHandshakeStatus(realtime.baseUrl(), null) == 401,
            "handshake refused"));
  }

  /** Events no app but task-service may publish, through the sidecars of the others. */
  private void forgedEvents(Stack stack, String alice, String aliceTask) {
    ObjectNode completed = SampleEvents.taskCompleted(alice);
    ((ObjectNode) completed.get("data")).put("task_id", aliceTask);
    for (String app :
        List.of(
            STATS, AppIds.AUDIT_SERVICE, AppIds.REALTIME_SERVICE, AppIds.NOTIFICATION_SERVICE)) {
      Daprd sidecar = stack.sidecar(app);
      expect(
          "todo.task.completed for alice on task-events through " + app + "'s sidecar",
          403,
          () -> Stack.publish(sidecar, "task-events", alice, completed.toString()));
    }
    expect(
        "a reminder for alice on reminders through audit-service's sidecar",
        403,
        () ->
            Stack.publish(
                stack.sidecar(AppIds.AUDIT_SERVICE), "reminders", alice, completed.toString()));
    expect(
        "a task update on task-updates through stats-service's sidecar",
        403,
        () -> Stack.publish(stack.sidecar(STATS), "task-updates", alice, completed.toString()));
  }

  /** Each app's tokens open only its own sidecar and app. */
  private void tokensOfOtherApps(Stack stack, ServiceApp tasks, ServiceApp audit) {
    Daprd taskSidecar = stack.sidecar(AppIds.TASK_SERVICE);
    Daprd auditSidecar = stack.sidecar(AppIds.AUDIT_SERVICE);
    expect(
        "task-service's DAPR_API_TOKEN on audit-service's sidecar",
        401,
        () ->
            Http.post(
                Stack.publishUrl(auditSidecar, "task-events-dlq", "x"),
                "{}",
                "application/json",
                "dapr-api-token",
                taskSidecar.apiToken()));
    expect(
        "audit-service's APP_API_TOKEN on task-service's /internal/tasks",
        401,
        () ->
            Http.post(
                tasks.baseUrl() + "/internal/tasks",
                "{\"user_id\":\"x\",\"title\":\"t\"}",
                "application/json",
                "dapr-api-token",
                auditSidecar.appToken()));
    expect(
        "task-service's APP_API_TOKEN on audit-service's event endpoint",
        401,
        () ->
            Http.post(
                audit.baseUrl() + "/events/task-events",
                "{}",
                "application/cloudevents+json",
                "dapr-api-token",
                taskSidecar.appToken()));
    expect(
        "audit-service's APP_API_TOKEN on stats-service's event endpoint",
        401,
        () ->
            Http.post(
                stack.app(STATS).baseUrl() + "/events/task-events",
                "{}",
                "application/cloudevents+json",
                "dapr-api-token",
                auditSidecar.appToken()));
  }

  private void badBearerTokens(ServiceApp tasks, String alice, String bob, String aliceTask) {
    DevIssuer issuer = DevIssuer.shared();
    long now = Instant.now().getEpochSecond();
    Map<String, Map<String, Object>> refused = new java.util.LinkedHashMap<>();
    refused.put("another issuer", with(alice, "iss", "https://evil.example"));
    refused.put("another audience", with(alice, "aud", "someone-else"));
    refused.put("no audience", without(alice, "aud"));
    refused.put("expired a minute ago", with(with(alice, "iat", now - 3600), "exp", now - 60));
    refused.put("valid for 100 years", with(alice, "exp", now + 100L * 365 * 86400));
    refused.put("valid for 25 hours", with(alice, "exp", now + 25 * 3600));
    refused.put("no iat", without(alice, "iat"));
    refused.put(
        "issued an hour in the future", with(with(alice, "iat", now + 3600), "exp", now + 7200));
    refused.forEach(
        (what, claims) ->
            expect(
                "a bearer token with " + what,
                401,
                () ->
                    Http.get(
                        tasks.baseUrl() + "/tasks",
                        "Authorization",
                        "Bearer " + issuer.sign(claims))));
    expect(
        "a bearer token signed by another key",
        401,
        () ->
            Http.get(
                tasks.baseUrl() + "/tasks",
                "Authorization",
                "Bearer " + DevIssuer.forge(DevIssuer.claims(alice))));
    String unsigned =
        b64("{\"alg\":\"none\",\"typ\":\"JWT\"}") + "." + b64(json(DevIssuer.claims(alice))) + ".";
    expect(
        "an unsigned token (alg none)",
        401,
        () -> Http.get(tasks.baseUrl() + "/tasks", "Authorization", "Bearer " + unsigned));
    expect("no token at all", 401, () -> Http.get(tasks.baseUrl() + "/tasks"));
    // sub is the user: bob's token that says upn=alice acts as bob and does not find her task.
    expect(
        "sub=bob with upn=alice reading alice's task",
        404,
        () ->
            Http.get(
                tasks.baseUrl() + "/tasks/" + aliceTask,
                "Authorization",
                "Bearer "
                    + issuer.sign(with(with(bob, "upn", alice), "preferred_username", alice))));
  }

  private void outOfRangeValues(ServiceApp tasks, String alice, String aliceTask) {
    String url = tasks.baseUrl() + "/tasks";
    expect(
        "remind_at -300000000-01-01 (overflowed the reminder tick)",
        400,
        () ->
            Http.post(
                url,
                "{\"title\":\"t\",\"remind_at\":\"-300000000-01-01T00:00:00Z\"}",
                "application/json",
                Stack.auth(alice)));
    expect(
        "due_at in the year 9999",
        400,
        () ->
            Http.post(
                url,
                "{\"title\":\"t\",\"due_at\":\"9999-01-01T00:00:00Z\"}",
                "application/json",
                Stack.auth(alice)));
    expect(
        "PATCH remind_at +1000000-01-01",
        400,
        () ->
            Http.call(
                "PATCH",
                url + "/" + aliceTask,
                "{\"remind_at\":\"+1000000-01-01T00:00:00Z\"}",
                Stack.auth(alice)));
    expect(
        "a 200-character X-Correlation-Id",
        400,
        () ->
            Http.post(
                url,
                "{\"title\":\"t\"}",
                "application/json",
                Stack.auth(alice, "X-Correlation-Id", "c".repeat(200))));
    expect(
        "an X-Request-Id with spaces and quotes",
        400,
        () ->
            Http.post(
                url,
                "{\"title\":\"t\"}",
                "application/json",
                Stack.auth(alice, "X-Request-Id", "a b\"c")));
    expect(
        "a title with a control character (POST)",
        400,
        () -> Http.post(url, "{\"title\":\"bell\\u0007\"}", "application/json", Stack.auth(alice)));
    expect(
        "a title with a control character (PATCH)",
        400,
        () ->
            Http.call(
                "PATCH", url + "/" + aliceTask, "{\"title\":\"bell\\u0007\"}", Stack.auth(alice)));
    expect(
        "a title with a control character (PUT)",
        400,
        () ->
            Http.call(
                "PUT", url + "/" + aliceTask, "{\"title\":\"bell\\u0007\"}", Stack.auth(alice)));
    expect(
        "a client-chosen task id on the public API",
        400,
        () ->
            Http.post(
                url,
                "{\"id\":\"" + UUID.randomUUID() + "\",\"title\":\"t\"}",
                "application/json",
                Stack.auth(alice)));
    expect(
        "a client-chosen series and occurrence 2^31-1",
        400,
        () ->
            Http.post(
                url,
                "{\"series_id\":\""
                    + UUID.randomUUID()
                    + "\",\"occurrence\":2147483647,\"title\":\"t\"}",
                "application/json",
                Stack.auth(alice)));
    expect(
        "every_0_days",
        400,
        () ->
            Http.post(
                url,
                "{\"title\":\"t\",\"recurrence\":\"every_0_days\"}",
                "application/json",
                Stack.auth(alice)));
    expect(
        "limit=100000 on GET /tasks",
        400,
        () -> Http.get(url + "?limit=100000", Stack.auth(alice)));
  }

  private void socketFlood(ServiceApp realtime, String alice) {
    List<LiveClient> open = new ArrayList<>();
    try {
      for (int i = 0; i < 5; i++) {
        open.add(LiveClient.connect(realtime.baseUrl(), DevIssuer.shared().token(alice)));
      }
      for (int i = 0; i < 3; i++) {
        LiveClient extra = LiveClient.open(realtime.baseUrl(), DevIssuer.shared().token(alice));
        open.add(extra);
        attacks.add(
            new Attack(
                "WebSocket number " + (6 + i) + " of one user",
                extra.closeCode() != null && extra.closeCode() == 1008,
                "closed " + extra.closeCode() + " " + extra.closeReason()));
      }
    } finally {
      open.forEach(LiveClient::close);
    }
  }

  private static Map<String, Object> with(String user, String claim, Object value) {
    return with(DevIssuer.claims(user), claim, value);
  }

  private static Map<String, Object> with(Map<String, Object> claims, String claim, Object value) {
    claims.put(claim, value);
    return claims;
  }

  private static Map<String, Object> without(String user, String claim) {
    Map<String, Object> claims = DevIssuer.claims(user);
    claims.remove(claim);
    return claims;
  }

  private static String json(Map<String, Object> claims) {
    try {
      return new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(claims);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String b64(String s) {
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }
}
