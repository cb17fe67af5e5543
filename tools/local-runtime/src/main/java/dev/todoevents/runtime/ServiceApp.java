package dev.todoevents.runtime;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A packaged Quarkus service (fast-jar) run as its own JVM on a given port, or a Python one
 * (app.py).
 */
public final class ServiceApp implements AutoCloseable {

  private final String appId;
  private final int port;
  private final Path workDir;
  private final Map<String, String> env;
  private List<String> jvmFlags = DEFAULT_JVM_FLAGS;
  private String packageDir = "quarkus-app";
  private ManagedProcess process;
  private ClassDataArchive archive; // of the Java app's last start

  /** The JVM flags a Java app runs with unless {@link #jvmFlags(List)} says otherwise. */
  public static final List<String> DEFAULT_JVM_FLAGS = List.of("-Xmx160m", "-XX:+UseSerialGC");

  public ServiceApp(String appId, int port, Path workDir, Map<String, String> env) {
    this.appId = appId;
    this.port = port;
    this.workDir = workDir;
    this.env = Map.copyOf(env);
  }

  /** Other JVM flags for the next {@link #start()} of a Java app (the benchmark compares some). */
  public ServiceApp jvmFlags(List<String> flags) {
    this.jvmFlags = List.copyOf(flags);
    return this;
  }

  /**
   * Another package folder of the service for the next {@link #start()}, e.g. {@code
   * quarkus-app-postgresql}: the same app built with other build-time settings.
   */
  public ServiceApp packageDir(String dir) {
    this.packageDir = dir;
    return this;
  }

  /** Starts the JVM and waits for /q/health/ready. Can be called again after {@link #kill()}. */
  public ServiceApp start() {
    return start(Map.of());
  }

  /**
   * Like {@link #start()}, with settings for this run only on top of the app's environment (e.g.
   * {@code TODO_EVENTS_FAULT_INJECTION_FAIL_ATTEMPTS}).
   */
  public ServiceApp start(Map<String, String> extraEnv) {
    Map<String, String> all = new HashMap<>(env);
    all.putAll(extraEnv);
    all.put("QUARKUS_HTTP_PORT", Integer.toString(port));
    all.put("APP_PORT", Integer.toString(port));
    Path python = ProjectPaths.root().resolve("services").resolve(appId).resolve("app.py");
    List<String> cmd;
    if (java.nio.file.Files.exists(python)) {
      // A Python app (stats-service): the project's venv, as dapr.yaml runs it.
      cmd = List.of(ProjectPaths.python().toString(), python.toString());
    } else {
      Path jar = ProjectPaths.serviceJar(appId, packageDir);
      archive = ClassDataArchive.of(jar);
      cmd =
          java.util.stream.Stream.of(
                  List.of(ProjectPaths.java().toString()),
                  jvmFlags,
                  archive.flags(),
                  List.of("-jar", jar.toString()))
              .flatMap(List::stream)
              .toList();
    }
    try {
      process =
          ManagedProcess.startReady(
              appId,
              cmd,
              all,
              workDir,
              workDir.resolve(appId + ".log"),
              baseUrl() + "/q/health/ready",
              Duration.ofSeconds(90));
    } catch (RuntimeException e) {
      exited(false); // startReady stopped it: no archive from a start that failed
      throw e;
    }
    return this;
  }

  public String baseUrl() {
    return "http://127.0.0.1:" + port;
  }

  public int port() {
    return port;
  }

  public ManagedProcess process() {
    return process;
  }

  /** SIGKILL, as when the process dies. */
  public void kill() {
    process.kill();
    exited(false);
  }

  /** SIGTERM and wait, as an orderly stop; {@link #start()} runs it again. */
  public void stop() {
    close();
  }

  @Override
  public void close() {
    if (process != null) {
      // 30 s: Quarkus waits up to 10 s for open requests, then a first run writes its archive.
      exited(process.stop(Duration.ofSeconds(30)));
    }
  }

  private void exited(boolean inOrder) {
    if (archive != null) {
      archive.exited(inOrder);
    }
  }
}
