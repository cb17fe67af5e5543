package dev.todoevents.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * dapr.yaml read as the local run's plan: each app's id, ports, environment, JVM flags and
 * Configuration, and the resources folders. It stays a valid {@code dapr run -f .} file; the local
 * run starts the same processes with {@link Daprd} and {@link ServiceApp}, as the tests do.
 */
public record RunFile(List<Path> resourcesPaths, List<App> apps) {

  /**
   * One app of dapr.yaml.
   *
   * @param jvmFlags the flags between "java" and "-jar" of its command (empty for a Python app)
   * @param config its Dapr Configuration (its own configFilePath, else the common one)
   */
  public record App(
      String appId,
      int appPort,
      int daprHttpPort,
      int daprGrpcPort,
      int metricsPort,
      Map<String, String> env,
      List<String> jvmFlags,
      Path config) {}

  /** The project's dapr.yaml. */
  public static RunFile read() {
    return read(ProjectPaths.root().resolve("dapr.yaml"));
  }

  public static RunFile read(Path file) {
    Path dir = file.toAbsolutePath().getParent();
    JsonNode root;
    try {
      root = new ObjectMapper(new YAMLFactory()).readTree(file.toFile());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
    JsonNode common = root.path("common");
    List<Path> resources = new ArrayList<>();
    common.path("resourcesPaths").forEach(p -> resources.add(dir.resolve(p.asText()).normalize()));
    Path commonConfig = dir.resolve(common.path("configFilePath").asText()).normalize();
    List<App> apps = new ArrayList<>();
    for (JsonNode a : root.path("apps")) {
      Path appDir = dir.resolve(a.path("appDirPath").asText()).normalize();
      Map<String, String> env = new LinkedHashMap<>();
      a.path("env").properties().forEach(e -> env.put(e.getKey(), e.getValue().asText()));
      List<String> command = new ArrayList<>();
      a.path("command").forEach(c -> command.add(c.asText()));
      List<String> jvmFlags =
          !command.isEmpty() && command.get(0).equals("java") && command.contains("-jar")
              ? List.copyOf(command.subList(1, command.indexOf("-jar")))
              : List.of();
      Path config =
          a.hasNonNull("configFilePath")
              ? appDir.resolve(a.path("configFilePath").asText()).normalize()
              : commonConfig;
      apps.add(
          new App(
              a.path("appID").asText(),
              a.path("appPort").asInt(),
              a.path("daprHTTPPort").asInt(),
              a.path("daprGRPCPort").asInt(),
              a.path("metricsPort").asInt(),
              Map.copyOf(env),
              jvmFlags,
              config));
    }
    return new RunFile(List.copyOf(resources), List.copyOf(apps));
  }

  /** The resources folders with {@code broker}'s pubsub folder in place of the one listed. */
  public List<Path> resourcesPaths(String broker) {
    Path brokers = ProjectPaths.root().resolve("components/brokers");
    return resourcesPaths.stream()
        .map(p -> p.getParent().equals(brokers) ? ProjectPaths.brokerComponents(broker) : p)
        .toList();
  }

  public App app(String appId) {
    return apps.stream()
        .filter(a -> a.appId().equals(appId))
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException(appId + " is not an app of dapr.yaml"));
  }

  public List<String> appIds() {
    return apps.stream().map(App::appId).toList();
  }

  /** Every port the apps and their sidecars listen on. */
  public List<Integer> ports() {
    List<Integer> all = new ArrayList<>();
    for (App a : apps) {
      all.addAll(List.of(a.appPort(), a.daprHttpPort(), a.daprGrpcPort(), a.metricsPort()));
    }
    return all;
  }
}
