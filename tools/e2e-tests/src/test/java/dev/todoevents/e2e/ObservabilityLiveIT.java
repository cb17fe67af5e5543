package dev.todoevents.e2e;

import static dev.todoevents.e2e.SystemApi.auditEntries;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.todoevents.contracts.DaprNames.AppIds;
import dev.todoevents.contracts.Recurrence;
import dev.todoevents.runtime.JaegerServer;
import dev.todoevents.runtime.PrometheusServer;
import dev.todoevents.runtime.ServiceApp;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * What a person watches, on real servers: the metrics of every sidecar and app scraped by a real
 * Prometheus, and one trace, from a REST call to its last effect, in a real Jaeger (v2, OTLP in)
 * that the sidecars (tools/dapr/config.yaml, spec.tracing.otel) and the apps
 * (quarkus-opentelemetry's OTLP exporter) export to: completing a weekly task (task-service's
 * server span, no traceparent from the client, so the trace starts there) -> its publish by
 * task-service's sidecar -> the deliveries to audit-service and recurring-task-service ->
 * recurring-task-service's service invocation of task-service -> the next occurrence's publish and
 * its deliveries. The test reads the trace back from Jaeger's query API and checks that it is one
 * tree rooted at the REST call; then asks Prometheus for the sidecars' and apps' figures of that
 * flow.
 */
class ObservabilityLiveIT {

  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void oneTraceAndTheScrapedMetricsOfACompletedRecurringTask() throws Exception {
    Path work = WorkDirs.create("tracing");
    try (JaegerServer jaeger = JaegerServer.start(work.resolve("jaeger"));
        Stack stack =
            Stack.startTraced(
                work,
                jaeger.otlpEndpoint(),
                AppIds.TASK_SERVICE,
                AppIds.AUDIT_SERVICE,
                AppIds.RECURRING_TASK_SERVICE);
        PrometheusServer prometheus =
            PrometheusServer.start(
                work.resolve("prometheus"),
                Map.of(
                    "dapr-sidecars", Map.entry("/metrics", sidecarTargets(stack)),
                    "apps", Map.entry("/q/metrics", appTargets(stack))))) {
      ServiceApp tasks = stack.app(AppIds.TASK_SERVICE);
      ServiceApp audit = stack.app(AppIds.AUDIT_SERVICE);
      String user = "tia-" + UUID.randomUUID();

      Http.Reply created =
          Http.post(
              tasks.baseUrl() + "/tasks",
              "{\"title\":\"Water plants\",\"recurrence\":\"weekly\",\"due_at\":\"2026-12-01T08:00:00Z\"}",
              "application/json",
              Stack.auth(user));
      assertThat(created.status()).isEqualTo(201);
      String first = created.body().get("id").asText();
      Http.Reply completed =
          Http.post(
              tasks.baseUrl() + "/tasks/" + first + "/complete",
              "",
              "application/json",
              Stack.auth(user));
      assertThat(completed.status()).isEqualTo(200);
      String next = Recurrence.occurrenceId(user, UUID.fromString(first), 2).toString();
      await("the next occurrence audited")
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(250))
          .untilAsserted(() -> assertThat(auditEntries(audit, "task_id=" + next)).hasSize(1));

      // The trace id the completion's events carry (audit-service records their traceparent).
      JsonNode completion =
          auditEntries(audit, "task_id=" + first + "&event_type=todo.task.completed").get(0);
      String traceId = completion.get("traceparent").asText().split("-")[1];
      assertThat(auditEntries(audit, "task_id=" + next).get(0).get("traceparent").asText())
          .contains(traceId);

      // Spans arrive within a second or two from the apps, within ~5 s from the sidecars (their
      // batches); wait for the whole tree.
      long waited = System.nanoTime();
      await("the complete trace " + traceId + " in Jaeger")
          .atMost(Duration.ofSeconds(30))
          .pollInterval(Duration.ofMillis(500))
          .until(() -> isComplete(spans(jaeger, traceId)));
      List<Span> spans = spans(jaeger, traceId);
      System.out.printf(
          "[trace] %s: %d spans in Jaeger after %d ms (%s)%n",
          traceId,
          spans.size(),
          Duration.ofNanos(System.nanoTime() - waited).toMillis(),
          jaeger.baseUrl() + "/api/traces/" + traceId);
      for (Span s : spans) {
        System.out.printf(
            "[trace]   %-24s %-8s %-45s id=%s parent=%s%n",
            s.service(), s.kind(), s.name(), s.id(), s.parent() == null ? "-" : s.parent());
      }
      // One tree: a single root, task-service's server span of the REST call, and every other
      // span's parent in the trace.
      List<Span> roots = spans.stream().filter(s -> s.parent() == null).toList();
      assertThat(roots).as("roots").hasSize(1);
      assertThat(roots.get(0).service()).isEqualTo(AppIds.TASK_SERVICE);
      assertThat(roots.get(0).kind()).isEqualTo("server");
      assertThat(roots.get(0).name()).contains("/complete");
      Set<String> ids = new HashSet<>();
      spans.forEach(s -> ids.add(s.id()));
      for (Span s : spans) {
        if (s.parent() != null) {
          assertThat(ids).as("parent of %s", s).contains(s.parent());
        }
      }
      // Each hop is there: both consumers' apps handled a delivery (their server spans), and
      // task-service served recurring-task-service's invocation of /internal/tasks.
      assertThat(serverSpans(spans, AppIds.AUDIT_SERVICE)).isNotEmpty();
      assertThat(serverSpans(spans, AppIds.RECURRING_TASK_SERVICE)).isNotEmpty();
      assertThat(serverSpans(spans, AppIds.TASK_SERVICE))
          .anyMatch(s -> s.name().contains("/internal/tasks"));

      // The same flow in Prometheus: every sidecar and app scraped, Dapr's publish and delivery
      // counters and the apps' own histograms and counters there.
      await("every target up in Prometheus")
          .atMost(Duration.ofSeconds(30))
          .pollInterval(Duration.ofMillis(500))
          .until(() -> value(prometheus, "count(up == 1)") == 6);
      String[] queries = {
        "sum(dapr_component_pubsub_egress_count{app_id=\"task-service\",success=\"true\"})",
        "sum(dapr_component_pubsub_ingress_bulk_event_count{app_id=\"recurring-task-service\"}) or sum(dapr_component_pubsub_ingress_count{app_id=\"recurring-task-service\"})",
        "sum(dapr_component_pubsub_ingress_bulk_event_count{app_id=\"audit-service\"}) or sum(dapr_component_pubsub_ingress_count{app_id=\"audit-service\"})",
        "sum(dapr_http_server_request_count{app_id=\"task-service\"}) or sum(dapr_grpc_io_server_completed_rpcs{app_id=\"task-service\"})",
        "sum(todo_events_published_total{job=\"apps\"})",
        "sum(todo_events_processing_seconds_count{job=\"apps\",result=\"processed\"})",
      };
      for (String q : queries) {
        await("a figure for " + q)
            .atMost(Duration.ofSeconds(30))
            .pollInterval(Duration.ofMillis(500))
            .until(() -> value(prometheus, q) > 0);
        System.out.printf("[metrics] %s = %.0f%n", q, value(prometheus, q));
      }
    }
  }

  private static List<String> sidecarTargets(Stack stack) {
    return Stream.of(AppIds.TASK_SERVICE, AppIds.AUDIT_SERVICE, AppIds.RECURRING_TASK_SERVICE)
        .map(id -> "127.0.0.1:" + stack.sidecar(id).metricsPort())
        .toList();
  }

  private static List<String> appTargets(Stack stack) {
    return Stream.of(AppIds.TASK_SERVICE, AppIds.AUDIT_SERVICE, AppIds.RECURRING_TASK_SERVICE)
        .map(id -> "127.0.0.1:" + stack.app(id).port())
        .toList();
  }

  /** An instant query's single value (-1 when it has no result yet). */
  private static double value(PrometheusServer prometheus, String promql) throws Exception {
    JsonNode result = JSON.readTree(prometheus.query(promql)).at("/data/result");
    return result.size() == 0 ? -1 : result.get(0).at("/value/1").asDouble();
  }

  /**
   * Complete: every span's parent has arrived (the sidecars and apps export in batches, each on its
   * own schedule), with a server span in each consumer and the invocation's.
   */
  private static boolean isComplete(List<Span> spans) {
    Set<String> ids = new HashSet<>();
    spans.forEach(s -> ids.add(s.id()));
    return spans.stream().allMatch(s -> s.parent() == null || ids.contains(s.parent()))
        && spans.stream().anyMatch(s -> s.parent() == null)
        && !serverSpans(spans, AppIds.AUDIT_SERVICE).isEmpty()
        && !serverSpans(spans, AppIds.RECURRING_TASK_SERVICE).isEmpty()
        && serverSpans(spans, AppIds.TASK_SERVICE).stream()
            .anyMatch(s -> s.name().contains("/internal/tasks"));
  }

  private static List<Span> serverSpans(List<Span> spans, String service) {
    return spans.stream()
        .filter(s -> s.service().equals(service) && s.kind().equals("server"))
        .toList();
  }

  /** A span as this test reads it; parent null for a root. */
  private record Span(String service, String kind, String name, String id, String parent) {}

  /**
   * The trace's spans from Jaeger's query API (v1 JSON: the service is the span's process', the
   * kind its span.kind tag, the parent its CHILD_OF reference).
   */
  private static List<Span> spans(JaegerServer jaeger, String traceId) throws Exception {
    List<Span> out = new ArrayList<>();
    JsonNode trace = JSON.readTree(jaeger.trace(traceId)).path("data").path(0);
    for (JsonNode s : trace.path("spans")) {
      String kind = "-";
      for (JsonNode tag : s.path("tags")) {
        if (tag.path("key").asText().equals("span.kind")) {
          kind = tag.path("value").asText();
        }
      }
      String parent = null;
      for (JsonNode ref : s.path("references")) {
        if (ref.path("refType").asText().equals("CHILD_OF")) {
          parent = ref.path("spanID").asText();
        }
      }
      out.add(
          new Span(
              trace.at("/processes/" + s.path("processID").asText() + "/serviceName").asText(),
              kind,
              s.path("operationName").asText(),
              s.path("spanID").asText(),
              parent));
    }
    return out;
  }
}
