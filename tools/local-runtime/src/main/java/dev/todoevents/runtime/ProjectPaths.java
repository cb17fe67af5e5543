package dev.todoevents.runtime;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;

/**
 * Where the project and its bootstrapped runtime live. The runtime (daprd, Kafka jars) is installed
 * by tools/bootstrap.sh into {@code .runtime/}; a missing piece fails with a message that says how
 * to get it.
 */
public final class ProjectPaths {
  private ProjectPaths() {}

  public static Path root() {
    String prop = System.getProperty("todo.project.root");
    if (prop != null && !prop.isBlank()) {
      return Paths.get(prop).toAbsolutePath().normalize();
    }
    Path dir = Paths.get("").toAbsolutePath();
    while (dir != null) {
      if (Files.exists(dir.resolve("dapr.yaml")) && Files.exists(dir.resolve("pom.xml"))) {
        return dir;
      }
      dir = dir.getParent();
    }
    throw new IllegalStateException(
        "cannot find the project root (a folder with dapr.yaml and pom.xml) above "
            + Paths.get("").toAbsolutePath()
            + "; set -Dtodo.project.root");
  }

  public static Path runtime() {
    String env = System.getenv("TODO_RUNTIME_DIR");
    return env != null && !env.isBlank() ? Paths.get(env) : root().resolve(".runtime");
  }

  public static Path daprd() {
    return require(runtime().resolve("dapr/.dapr/bin/daprd"), "daprd");
  }

  /** Dapr's Sentry (mTLS certificate authority), built beside daprd by tools/bootstrap.sh. */
  public static Path sentry() {
    return require(runtime().resolve("dapr/.dapr/bin/sentry"), "sentry");
  }

  /**
   * promtool, from Debian's prometheus package (tools/bootstrap.sh --with-promtool) or
   * $TODO_PROMTOOL.
   */
  public static Path promtool() {
    String env = System.getenv("TODO_PROMTOOL");
    return require(
        Paths.get(env != null && !env.isBlank() ? env : "/usr/bin/promtool"),
        "promtool (run: tools/bootstrap.sh --with-promtool)");
  }

  /** The Python of the venv tools/bootstrap.sh makes for stats-service. */
  public static Path python() {
    return require(runtime().resolve("python/bin/python"), "the Python venv (.runtime/python)");
  }

  public static Path kafkaLibs() {
    return require(runtime().resolve("kafka/libs"), "Kafka broker jars");
  }

  /** Jaeger, which tools/bootstrap.sh builds from tools/jaeger's Go module. */
  public static Path jaeger() {
    return require(runtime().resolve("jaeger/jaeger"), "Jaeger");
  }

  /** Apicurio Registry: the Java 21+ that runs it and its fast-jar (quarkus-run.jar). */
  public record Apicurio(Path java, Path jar) {}

  /**
   * What tools/bootstrap.sh --with-registry installed: .runtime/apicurio/launch names the Java and
   * the jar of the version it fetched, a line each.
   */
  public static Apicurio apicurio() {
    Path launch =
        require(
            runtime().resolve("apicurio/launch"),
            "Apicurio Registry (run: tools/bootstrap.sh --with-registry)");
    try {
      List<String> lines = Files.readAllLines(launch);
      return new Apicurio(Paths.get(lines.get(0).strip()), Paths.get(lines.get(1).strip()));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** kube-apiserver, kubectl or etcd, built by tools/bootstrap.sh --with-k8s. */
  public static Path k8sBin(String name) {
    return require(
        runtime().resolve("k8s/bin").resolve(name), name + " (run: tools/bootstrap.sh --with-k8s)");
  }

  /** The official CRDs the manifests use: crds/dapr (from the dapr module), crds/strimzi. */
  public static Path k8sCrds() {
    return require(
        runtime().resolve("k8s/crds"),
        "Dapr, Strimzi, RabbitMQ topology and KEDA CRDs (run: tools/bootstrap.sh --with-k8s)");
  }

  /**
   * The Dapr Configuration of an app's sidecar, as in dapr.yaml: tools/dapr/{appId}-config.yaml
   * where the app has its own (task-service: access control), else the common config.yaml.
   */
  public static Path daprConfig(String appId) {
    Path own = root().resolve("tools/dapr/" + appId + "-config.yaml");
    return Files.exists(own) ? own : root().resolve("tools/dapr/config.yaml");
  }

  /**
   * The resources folders that dapr.yaml gives every sidecar, with {@code broker}'s pubsub
   * component (dapr.yaml: Kafka's).
   */
  public static Path[] resourcesPaths(String broker) {
    Path r = root();
    return new Path[] {
      r.resolve("components"),
      brokerComponents(broker),
      r.resolve("subscriptions"),
      r.resolve("resiliency")
    };
  }

  /**
   * The folder with the component file of {@code broker}'s pubsub (components/brokers/<broker>).
   */
  public static Path brokerComponents(String broker) {
    return require(
            root().resolve("components/brokers").resolve(broker).resolve("pubsub.yaml"),
            "the component file of broker " + broker)
        .getParent();
  }

  /** The fast-jar of a packaged service, e.g. services/task-service/target/quarkus-app. */
  public static Path serviceJar(String appId) {
    return serviceJar(appId, "quarkus-app");
  }

  /**
   * The fast-jar in another package folder of a service, e.g. {@code quarkus-app-postgresql}
   * (task-service and audit-service built for PostgreSQL, see their pom.xml).
   */
  public static Path serviceJar(String appId, String packageDir) {
    return require(
        root()
            .resolve("services")
            .resolve(appId)
            .resolve("target")
            .resolve(packageDir)
            .resolve("quarkus-run.jar"),
        appId + " package " + packageDir + " (run: mvn -DskipTests package)");
  }

  public static Path java() {
    return Paths.get(System.getProperty("java.home"), "bin", "java");
  }

  /**
   * A program from the system's packages (PATH, then /usr/sbin and /usr/lib/rabbitmq/bin, where
   * Debian puts some servers), as a path string.
   *
   * @param install how to get it, for the error message
   */
  public static String requireCommand(String name, String install) {
    List<String> dirs =
        new java.util.ArrayList<>(List.of(System.getenv().getOrDefault("PATH", "").split(":")));
    dirs.addAll(List.of("/usr/sbin", "/usr/bin", "/usr/lib/rabbitmq/bin"));
    for (String d : dirs) {
      Path p = Paths.get(d.isBlank() ? "." : d, name);
      if (Files.isExecutable(p)) {
        return p.toString();
      }
    }
    throw new IllegalStateException(
        name + " is not installed: run tools/bootstrap.sh --with-brokers (or " + install + ")");
  }

  private static Path require(Path p, String what) {
    if (!Files.exists(p)) {
      throw new IllegalStateException(
          what
              + " not found at "
              + p
              + ": run tools/bootstrap.sh (installs the runtime into .runtime/)");
    }
    return p;
  }
}
