package dev.todoevents.runtime;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Stream;

/**
 * tools/run.sh's launcher: the whole system in the foreground on the dev ports (dapr.yaml's for the
 * apps and sidecars, {@link DevPorts} for the rest) with {@link LocalSystem}, Jaeger and
 * Prometheus, data kept in .runtime/data. Prints {@code [run] ready} once every app answers its
 * health check; SIGINT/SIGTERM stops everything it started.
 *
 * <p>Usage: {@code LocalRun [--clean] [--dev APP]}; TODO_BROKER=redis|rabbitmq|jetstream puts that
 * broker in Kafka's place. {@code --dev APP} starts APP's sidecar but not APP, and writes the
 * environment APP would have run with to .runtime/dev/APP.env, for tools/dev.sh, which runs APP
 * under quarkus dev (live reload) on APP's port, next to everything else. Every app's environment
 * is written there (tools/replay.sh reads the consumer's sidecar port and token from it).
 */
public final class LocalRun {
  private LocalRun() {}

  private static void say(String line) {
    System.err.println("[run] " + line);
  }

  public static void main(String[] args) throws Exception {
    boolean clean = false;
    String dev = null;
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--clean")) {
        clean = true;
      } else if (args[i].equals("--dev") && i + 1 < args.length) {
        dev = args[++i];
      } else {
        System.err.println("usage: LocalRun [--clean] [--dev APP]");
        System.exit(2);
      }
    }
    Path root = ProjectPaths.root();
    Path rt = ProjectPaths.runtime();
    Path data = rt.resolve("data");
    Path logs = rt.resolve("logs");
    String broker;
    try {
      broker = PubSubBroker.selected();
    } catch (IllegalArgumentException e) {
      fail(e.getMessage());
      return;
    }
    RunFile runFile = RunFile.read();
    if (dev != null
        && (!runFile.appIds().contains(dev)
            || !Files.exists(root.resolve("services/" + dev + "/pom.xml")))) {
      fail("--dev " + dev + ": not a Java app of dapr.yaml (quarkus dev runs those only)");
    }
    List<Integer> ports = new ArrayList<>(DevPorts.infra(broker));
    ports.addAll(runFile.ports());
    for (int port : ports) {
      if (inUse(port)) {
        fail(
            "port "
                + port
                + " is in use (ss -ltnp 'sport = :"
                + port
                + "' shows by whom). Stop that process (or an earlier tools/run.sh) and try again.");
      }
    }
    if (clean) {
      say("removing " + data);
      deleteTree(data);
    }
    Files.createDirectories(data.resolve("notifications"));
    Files.createDirectories(logs);
    Path secrets = root.resolve("tools/dapr/secrets.json");
    if (!Files.exists(secrets)) {
      Files.copy(root.resolve("tools/dapr/secrets.example.json"), secrets);
    }
    // Users: the apps accept bearer tokens of the dev issuer (tools/dev-token.sh <user>).
    DevIssuer issuer = DevIssuer.persistent(rt.resolve("dev-issuer"));

    List<AutoCloseable> started = new ArrayList<>();
    CountDownLatch stopped = new CountDownLatch(1);
    Thread hook =
        new Thread(
            () -> {
              List<AutoCloseable> order;
              synchronized (started) {
                order = new ArrayList<>(started);
              }
              java.util.Collections.reverse(order);
              Shutdown.inOrder(order);
              say("stopped");
              stopped.countDown();
            });
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      // Jaeger, the OTLP trace backend of every sidecar (tools/dapr/config.yaml) and app. In
      // memory.
      say(
          "starting Jaeger, OTLP on "
              + DevPorts.JAEGER.otlpGrpc()
              + " (log: "
              + logs
              + "/jaeger.log)");
      JaegerServer jaeger = JaegerServer.start(logs, DevPorts.JAEGER);
      add(started, jaeger);
      // Prometheus scrapes every sidecar, app and Sentry and evaluates the cluster's alert rules.
      say("starting Prometheus on 127.0.0.1:" + DevPorts.PROMETHEUS);
      add(
          started,
          PrometheusServer.start(
              root.resolve("tools/prometheus/prometheus.yml"),
              data.resolve("prometheus"),
              logs,
              DevPorts.PROMETHEUS));
      say(
          "starting "
              + broker
              + ", Sentry and the apps with their sidecars (data: "
              + data
              + ", logs: "
              + logs
              + ") ...");
      LocalSystem system =
          LocalSystem.startDev(
              data,
              logs,
              runFile,
              broker,
              jaeger.otlpEndpoint(),
              issuer,
              secrets,
              dev == null ? Set.of() : Set.of(dev));
      add(started, system);
      // Each app's environment (its sidecar's port and tokens, owner-only): tools/dev.sh runs the
      // --dev app with it, tools/replay.sh reaches a consumer's sidecar with it.
      for (String instance : system.instances()) {
        system.app(instance).writeEnvironment(rt.resolve("dev").resolve(instance + ".env"));
      }
      if (dev != null) {
        Path env = rt.resolve("dev").resolve(dev + ".env");
        say(
            dev
                + "'s sidecar is up, "
                + dev
                + " is yours: tools/dev.sh "
                + dev
                + " (env: "
                + env
                + ")");
      }
      say("pubsub: " + system.pubsub() + "; Sentry on 127.0.0.1:" + DevPorts.SENTRY);
    } catch (RuntimeException e) {
      System.err.println(e.getMessage());
      fail("the system did not start (logs: " + logs + ")");
      return;
    }
    say(
        "as a user: curl -H \"Authorization: Bearer $(tools/dev-token.sh alice)\""
            + " localhost:8081/tasks");
    say("live page: http://localhost:8085/#token=$(tools/dev-token.sh alice)");
    say(
        "traces: curl localhost:"
            + DevPorts.JAEGER.queryHttp()
            + "/api/traces/<trace-id> (Jaeger's API; metrics: localhost:808x/q/metrics, sidecars"
            + " localhost:910x/metrics; Prometheus: http://localhost:9490/graph)");
    say("Ctrl-C stops everything");
    say("ready");
    System.err.flush();
    stopped.await();
  }

  private static void add(List<AutoCloseable> started, AutoCloseable c) {
    synchronized (started) {
      started.add(c);
    }
  }

  /** Exits non-zero; the shutdown hook stops whatever was started. */
  private static void fail(String message) {
    System.err.println("[run] ERROR: " + message);
    System.exit(1);
  }

  private static boolean inUse(int port) {
    try (ServerSocket s = new ServerSocket()) {
      s.setReuseAddress(true);
      s.bind(new InetSocketAddress(port));
      return false;
    } catch (IOException e) {
      return true;
    }
  }

  private static void deleteTree(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> all = Files.walk(dir)) {
      for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
