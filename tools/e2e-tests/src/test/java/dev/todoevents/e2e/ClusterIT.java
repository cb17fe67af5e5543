package dev.todoevents.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.todoevents.contracts.DaprNames.AppIds;
import dev.todoevents.contracts.Topic;
import dev.todoevents.runtime.DevIssuer;
import dev.todoevents.runtime.ManagedProcess;
import dev.todoevents.runtime.ProjectPaths;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The system on a real single-node Kubernetes (tools/cluster.sh: etcd, the control plane, kubelet,
 * containerd and runc, Dapr's control plane from its Helm chart) from the images of
 * tools/images.sh, applied with {@code kubectl apply -k k8s/overlays/node}: Dapr's injector adds
 * the sidecars from the annotations, the operator serves the components, Sentry gives each its mTLS
 * identity. Reached only through {@code kubectl port-forward}, as a user would. The node is its own
 * (TODO_CLUSTER_DIR in /tmp, short for kubelet's unix sockets; its logs are copied to this test's
 * folder) and is taken down and deleted at the end, whatever happens.
 */
@Tag("cluster")
class ClusterIT {

  private static final List<String> APPS = AppIds.ALL;
  private static final ObjectMapper JSON = new ObjectMapper();

  /** The span daprd makes for each delivery to its app (its postman), under the app-id. */
  private static final String DAPR_DELIVERY_SPAN = "pubsub/" + Topic.TASK_EVENTS.topicName();

  private static final Pattern FORWARDING =
      Pattern.compile("Forwarding from 127\\.0\\.0\\.1:(\\d+)");

  @Test
  void theSystemRunsOnASingleNodeClusterWithDaprInjected() throws Exception {
    Path work = WorkDirs.create("cluster");
    // The node's folder is short: kubelet makes unix sockets in it (104-byte paths at most).
    Path node = Files.createTempDirectory(Path.of("/tmp"), "todo-node-");
    Map<String, String> env =
        Map.of(
            "TODO_CLUSTER_DIR", node.toString(),
            "TODO_AUTH_KEY", DevIssuer.shared().publicKeyFile().toString());
    long t0 = System.nanoTime();
    List<String> images = new ArrayList<>(List.of("tools/images.sh"));
    images.addAll(APPS);
    images.addAll(List.of("kafka", "postgres", "daprd", "dapr", "coredns", "jaeger"));
    Scripts.run(work, env, "images", Duration.ofMinutes(15), images);
    double imagesS = seconds(t0);
    Throwable failed = null;
    try {
      long t1 = System.nanoTime();
      Scripts.run(
          work, env, "cluster-up", Duration.ofMinutes(10), List.of("tools/cluster.sh", "up"));
      double upS = seconds(t1);
      long t2 = System.nanoTime();
      Scripts.run(
          work, env, "deploy", Duration.ofMinutes(15), List.of("tools/cluster.sh", "deploy"));
      double readyS = seconds(t2);
      System.out.printf(
          "[cluster] images %.1f s, cluster up %.1f s, system ready %.1f s%n",
          imagesS, upS, readyS);

      assertInjected(work, env);

      long t3 = System.nanoTime();
      try (Forward tasks = Forward.open(work, env, AppIds.TASK_SERVICE, 8081);
          Forward audit = Forward.open(work, env, AppIds.AUDIT_SERVICE, 8082);
          Forward notifications = Forward.open(work, env, AppIds.NOTIFICATION_SERVICE, 8084);
          Forward live = Forward.open(work, env, AppIds.REALTIME_SERVICE, 8085)) {
        UserFlow.run(tasks.url(), audit.url(), notifications.url(), live.url());
      }
      System.out.printf("[cluster] flow %.1f s%n", seconds(t3));
      tracesReachJaeger(work, env);

      long t4 = System.nanoTime();
      auditPodDeletedMidStream(work, env);
      System.out.printf(
          "[cluster] audit pod deleted mid-stream, all audited once in %.1f s%n", seconds(t4));
      String status =
          Scripts.run(
              work, env, "status", Duration.ofMinutes(1), List.of("tools/cluster.sh", "status"));
      System.out.println(
          "[cluster] "
              + status.lines().filter(l -> l.startsWith("RSS")).findFirst().orElse(status));
      System.out.print(kubectl(work, env, "pods-all", "get", "pods", "-A"));
    } catch (Throwable t) {
      failed = t;
      throw t;
    } finally {
      Scripts.cleanUp(
          work,
          env,
          "cluster-down",
          Duration.ofMinutes(3),
          List.of("tools/cluster.sh", "down"),
          failed);
      // Its logs stay with the test's; the rest (etcd, images, pod volumes) goes.
      new ProcessBuilder(
              "cp", "-r", node.resolve("logs").toString(), work.resolve("node-logs").toString())
          .start()
          .waitFor();
      new ProcessBuilder("rm", "-rf", node.toString()).start().waitFor();
    }
  }

  /**
   * The base's OTLP address works in the cluster: the apps and their sidecars (Dapr's spans have
   * their own operation names) exported the flow's spans to the overlay's Jaeger.
   */
  private static void tracesReachJaeger(Path work, Map<String, String> env) {
    try (Forward jaeger = Forward.open(work, env, "jaeger-collector", 16686)) {
      await("the flow's spans in Jaeger")
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofSeconds(1))
          .untilAsserted(
              () -> {
                JsonNode services = Http.get(jaeger.url() + "/api/services").body().path("data");
                assertThat(services.toString())
                    .contains(AppIds.TASK_SERVICE, AppIds.AUDIT_SERVICE, AppIds.REALTIME_SERVICE);
                String ops =
                    Http.get(jaeger.url() + "/api/services/" + AppIds.AUDIT_SERVICE + "/operations")
                        .body()
                        .path("data")
                        .toString();
                assertThat(ops).as("audit-service's operations").contains(DAPR_DELIVERY_SPAN);
              });
      System.out.printf("[cluster] traces: apps and sidecars export to Jaeger in the cluster%n");
    }
  }

  /** Each app's pod has Dapr's sidecar, added by the injector with the app's annotations. */
  private static void assertInjected(Path work, Map<String, String> env) throws Exception {
    JsonNode pods =
        JSON.readTree(kubectl(work, env, "pods", "-n", "todo-events", "get", "pods", "-o", "json"));
    for (String app : APPS) {
      JsonNode pod =
          StreamSupport.stream(pods.get("items").spliterator(), false)
              .filter(p -> app.equals(p.at("/metadata/labels/app.kubernetes.io~1name").asText()))
              .findFirst()
              .orElseThrow(() -> new AssertionError("no pod of " + app));
      JsonNode daprd =
          StreamSupport.stream(pod.at("/spec/containers").spliterator(), false)
              .filter(c -> c.get("name").asText().equals("daprd"))
              .findFirst()
              .orElseThrow(() -> new AssertionError(app + " has no injected daprd: " + pod));
      String args = daprd.get("args").toString();
      assertThat(args)
          .as("%s's sidecar", app)
          .contains("\"--app-id\",\"" + app + "\"")
          .contains("\"--enable-mtls\"")
          .contains(app.equals(AppIds.TASK_SERVICE) ? "task-service-config" : "todo-config");
      assertThat(daprd.get("image").asText()).isEqualTo("todo-events/daprd:0.1.0-SNAPSHOT");
      assertThat(pod.at("/status/phase").asText()).isEqualTo("Running");
    }
  }

  /**
   * Tasks keep coming while audit-service's pod is deleted; Kubernetes starts a new one, which
   * reads on from the group's committed offsets: every created event is audited exactly once.
   */
  private static void auditPodDeletedMidStream(Path work, Map<String, String> env)
      throws Exception {
    String user = "cluster-stream-" + UUID.randomUUID();
    int total = 40;
    Set<String> created = new HashSet<>();
    try (Forward tasks = Forward.open(work, env, AppIds.TASK_SERVICE, 8081)) {
      AtomicInteger sent = new AtomicInteger();
      for (int i = 0; i < total; i++) {
        created.add(SystemApi.createTask(tasks.url(), user, "stream " + sent.incrementAndGet()));
        if (i == total / 2) {
          kubectl(
              work,
              env,
              "delete-audit-pod",
              "-n",
              "todo-events",
              "delete",
              "pod",
              "-l",
              "app.kubernetes.io/name=audit-service",
              "--wait=false");
        }
        Thread.sleep(100);
      }
    }
    kubectl(
        work,
        env,
        "audit-rollout",
        "-n",
        "todo-events",
        "rollout",
        "status",
        "deployment/audit-service",
        "--timeout=300s");
    try (Forward audit = Forward.open(work, env, AppIds.AUDIT_SERVICE, 8082)) {
      await("every created event audited")
          .atMost(Duration.ofSeconds(180))
          .pollInterval(Duration.ofSeconds(1))
          .until(
              () ->
                  UserFlow.audited(audit.url(), user, "event_type=todo.task.created").size()
                      >= total);
      List<JsonNode> entries = UserFlow.audited(audit.url(), user, "event_type=todo.task.created");
      List<String> events = entries.stream().map(e -> e.get("event_id").asText()).toList();
      assertThat(events).as("each event once").doesNotHaveDuplicates().hasSize(total);
      assertThat(entries.stream().map(e -> e.get("task_id").asText()).toList())
          .containsExactlyInAnyOrderElementsOf(created);
    }
  }

  /** {@code kubectl port-forward svc/APP :PORT} on a free local port, stopped on close. */
  private record Forward(ManagedProcess process, String url) implements AutoCloseable {
    static Forward open(Path work, Map<String, String> env, String app, int port) {
      ManagedProcess p =
          ManagedProcess.start(
              "port-forward-" + app,
              List.of(
                  root("tools/cluster.sh"),
                  "kubectl",
                  "-n",
                  "todo-events",
                  "port-forward",
                  "svc/" + app,
                  ":" + port),
              env,
              work,
              work.resolve("logs")
                  .resolve("port-forward-" + app + "-" + UUID.randomUUID() + ".log"));
      p.awaitLog("Forwarding from 127.0.0.1:", Duration.ofSeconds(30));
      Matcher m = FORWARDING.matcher(p.output());
      assertThat(m.find()).as("port-forward said: %s", p.output()).isTrue();
      return new Forward(p, "http://127.0.0.1:" + m.group(1));
    }

    @Override
    public void close() {
      process.close();
    }
  }

  private static String kubectl(Path work, Map<String, String> env, String what, String... args) {
    List<String> cmd = new ArrayList<>(List.of("tools/cluster.sh", "kubectl"));
    cmd.addAll(List.of(args));
    return Scripts.run(work, env, "kubectl-" + what, Duration.ofMinutes(6), cmd);
  }

  private static String root(String relative) {
    return ProjectPaths.root().resolve(relative).toString();
  }

  private static double seconds(long t0) {
    return (System.nanoTime() - t0) / 1e9;
  }
}
