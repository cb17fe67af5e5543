package dev.todoevents.runtime;

import java.nio.file.Files;
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

  /**
   * The JVM flags a Java app runs with unless {@link #jvmFlags(List)} says otherwise: app-jvm.flags
   * beside this class, which the images' entrypoint (tools/images.sh) reads too.
   */
  public static final List<String> DEFAULT_JVM_FLAGS = readFlags("app-jvm.flags");

  /** The package in an app's image (tools/images.sh) where it is not {@code quarkus-app}. */
  private static final Map<String, String> IMAGE_PACKAGES =
      Map.of("task-service", "quarkus-app-postgresql", "audit-service", "quarkus-app-postgresql");

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
    Map<String, String> all = new HashMap<>(environment());
    all.putAll(extraEnv);
    Path log = workDir.resolve(appId + ".log");
    ManagedProcess p =
        Containers.enabled()
            ? Containers.start(appId, image(), null, all, List.of(workDir), List.of(), workDir, log)
            : ManagedProcess.start(appId, hostCommand(), all, workDir, log);
    try {
      process = p.awaitHttp(baseUrl() + "/q/health/ready", Duration.ofSeconds(90));
    } catch (RuntimeException e) {
      p.close();
      exited(false); // startReady stopped it: no archive from a start that failed
      throw e;
    }
    return this;
  }

  /**
   * The environment the app runs with on its port: what {@link #start()} passes (tools/dev.sh gives
   * it to the app under quarkus dev instead).
   */
  public Map<String, String> environment() {
    Map<String, String> all = new HashMap<>(env);
    all.put("QUARKUS_HTTP_PORT", Integer.toString(port));
    all.put("APP_PORT", Integer.toString(port));
    return all;
  }

  /**
   * Writes {@link #environment()} to {@code file} as shell assignments, readable by its owner only
   * (it holds the app's tokens): tools/dev.sh runs the app under quarkus dev with it.
   */
  public Path writeEnvironment(Path file) {
    StringBuilder lines = new StringBuilder();
    new java.util.TreeMap<>(environment())
        .forEach(
            (k, v) -> lines.append(k).append("='").append(v.replace("'", "'\\''")).append("'\n"));
    try {
      Files.createDirectories(file.getParent());
      Files.deleteIfExists(file);
      Files.createFile(
          file,
          java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
              java.nio.file.attribute.PosixFilePermissions.fromString("rw-------")));
      Files.writeString(file, lines);
      return file;
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
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

  /** The app as a host process: the Python venv, or a JVM with its flags and class archive. */
  private List<String> hostCommand() {
    if (python(appId)) {
      // A Python app (stats-service): the project's venv, as dapr.yaml runs it.
      return List.of(ProjectPaths.python().toString(), pythonApp(appId).toString());
    }
    Path jar = ProjectPaths.serviceJar(appId, packageDir);
    archive = ClassDataArchive.of(jar);
    return java.util.stream.Stream.of(
            List.of(ProjectPaths.java().toString()),
            jvmFlags,
            archive.flags(),
            List.of("-jar", jar.toString()))
        .flatMap(List::stream)
        .toList();
  }

  /**
   * The app's image, with the image's own command: its JVM flags are app-jvm.flags ({@link
   * #jvmFlags} does not apply), its package the one tools/images.sh put in.
   */
  private String image() {
    String imagePackage = IMAGE_PACKAGES.getOrDefault(appId, "quarkus-app");
    if (!python(appId) && !imagePackage.equals(packageDir)) {
      throw new IllegalStateException(
          appId
              + "'s image holds its "
              + imagePackage
              + " package, not "
              + packageDir
              + ": in containers it runs on PostgreSQL (LocalSystem.Options.databases)");
    }
    return appId;
  }

  private static Path pythonApp(String appId) {
    return ProjectPaths.root().resolve("services").resolve(appId).resolve("app.py");
  }

  private static boolean python(String appId) {
    return java.nio.file.Files.exists(pythonApp(appId));
  }

  private static List<String> readFlags(String resource) {
    try (var in = ServiceApp.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("no " + resource + " beside " + ServiceApp.class);
      }
      return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8)
          .lines()
          .map(String::strip)
          .filter(l -> !l.isEmpty() && !l.startsWith("#"))
          .toList();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
