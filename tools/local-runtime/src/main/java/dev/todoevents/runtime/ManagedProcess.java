package dev.todoevents.runtime;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * A real child process with its output in a log file. Whoever starts one stops it ({@link
 * #close()}); a JVM shutdown hook also stops any left running, so a crashed or interrupted test run
 * leaves nothing behind.
 */
public final class ManagedProcess implements AutoCloseable {

  private static final Set<ManagedProcess> RUNNING = ConcurrentHashMap.newKeySet();
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  static {
    Runtime.getRuntime()
        .addShutdownHook(new Thread(() -> RUNNING.forEach(p -> p.stop(Duration.ofSeconds(5)))));
  }

  private final String name;
  private final Process process;
  private final Path log;
  private volatile Runnable afterExit = () -> {};

  /** Where this run's output starts: a restarted process appends to the same log. */
  private final long logStart;

  private ManagedProcess(String name, Process process, Path log, long logStart) {
    this.name = name;
    this.process = process;
    this.log = log;
    this.logStart = logStart;
  }

  public static ManagedProcess start(
      String name, List<String> command, Map<String, String> env, Path workDir, Path log) {
    try {
      Files.createDirectories(workDir);
      ProcessBuilder pb =
          new ProcessBuilder(command)
              .directory(workDir.toFile())
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
      pb.environment().putAll(env);
      long logStart = logSize(log);
      return running(new ManagedProcess(name, pb.start(), log, logStart));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + name + ": " + command, e);
    }
  }

  /**
   * A process someone else started that writes its output to {@code log} (a container, {@link
   * TestcontainersProcess}); {@code logStart} is the log's size before it started.
   */
  static ManagedProcess of(String name, Process process, Path log, long logStart) {
    return running(new ManagedProcess(name, process, log, logStart));
  }

  static long logSize(Path log) {
    try {
      Files.createDirectories(log.getParent());
      return Files.exists(log) ? Files.size(log) : 0;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static ManagedProcess running(ManagedProcess p) {
    RUNNING.add(p);
    return p;
  }

  /**
   * Starts the process and waits until GET {@code readyUrl} answers 2xx; if it does not within
   * {@code timeout}, stops it again and throws (so a failed start leaves nothing running).
   */
  public static ManagedProcess startReady(
      String name,
      List<String> command,
      Map<String, String> env,
      Path workDir,
      Path log,
      String readyUrl,
      Duration timeout) {
    ManagedProcess p = start(name, command, env, workDir, log);
    try {
      return p.awaitHttp(readyUrl, timeout);
    } catch (RuntimeException e) {
      p.close();
      throw e;
    }
  }

  public String name() {
    return name;
  }

  public Path log() {
    return log;
  }

  public long pid() {
    return process.pid();
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /**
   * Waits until this run's output contains {@code needle}; fails early, with the log's tail, if the
   * process exits.
   */
  public ManagedProcess awaitLog(String needle, Duration timeout) {
    return await(() -> readLog().contains(needle), "log line '" + needle + "'", timeout);
  }

  /** Waits until GET {@code url} answers with a 2xx status. */
  public ManagedProcess awaitHttp(String url, Duration timeout) {
    HttpRequest req =
        HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(2)).GET().build();
    return await(
        () -> {
          try {
            int code = HTTP.send(req, HttpResponse.BodyHandlers.discarding()).statusCode();
            return code >= 200 && code < 300;
          } catch (IOException e) {
            return false;
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
          }
        },
        "2xx from " + url,
        timeout);
  }

  /** Waits for the process to exit by itself and returns its exit code. */
  public int awaitExit(Duration timeout) {
    try {
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new IllegalStateException(name + " did not exit within " + timeout + "\n" + tail(40));
      }
      RUNNING.remove(this);
      return process.exitValue();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** SIGKILL: the process dies at once, without any shutdown work (a crash). */
  public void kill() {
    process.descendants().forEach(ProcessHandle::destroyForcibly);
    process.destroyForcibly();
    waitQuietly(Duration.ofSeconds(10));
    RUNNING.remove(this);
    afterExit.run();
  }

  /** Runs after {@link #kill()} or {@link #stop} (a container's runtime state is removed so). */
  ManagedProcess afterExit(Runnable cleanup) {
    this.afterExit = cleanup;
    return this;
  }

  /**
   * SIGTERM, then SIGKILL if it has not exited within {@code grace}.
   *
   * @return whether it exited by itself (not killed here)
   */
  public boolean stop(Duration grace) {
    boolean inOrder = true;
    if (process.isAlive()) {
      List<ProcessHandle> children = new ArrayList<>(process.descendants().toList());
      process.destroy();
      if (!waitQuietly(grace)) {
        inOrder = false;
        process.destroyForcibly();
        waitQuietly(Duration.ofSeconds(5));
      }
      children.forEach(ProcessHandle::destroyForcibly);
    }
    RUNNING.remove(this);
    afterExit.run();
    return inOrder;
  }

  @Override
  public void close() {
    stop(Duration.ofSeconds(15));
  }

  public String tail(int lines) {
    String[] all = readLog().split("\n");
    int from = Math.max(0, all.length - lines);
    return String.join("\n", java.util.Arrays.copyOfRange(all, from, all.length));
  }

  /**
   * Everything this run has printed so far (e.g. a short command's whole output, after it exited).
   */
  public String output() {
    return readLog();
  }

  /** This run's output (decoded leniently: the last UTF-8 sequence may be half-written). */
  private String readLog() {
    if (!Files.exists(log)) {
      return "";
    }
    try (var in = Files.newInputStream(log)) {
      in.skipNBytes(logStart);
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private boolean waitQuietly(Duration d) {
    try {
      return process.waitFor(d.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private ManagedProcess await(Check check, String what, Duration timeout) {
    Instant deadline = Instant.now().plus(timeout);
    while (Instant.now().isBefore(deadline)) {
      if (check.ok()) {
        return this;
      }
      if (!process.isAlive()) {
        throw new IllegalStateException(
            name
                + " exited with "
                + process.exitValue()
                + " while waiting for "
                + what
                + " (log "
                + log
                + "):\n"
                + tail(60));
      }
      try {
        Thread.sleep(200); // polling a child process; there is nothing to be notified by
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
    throw new IllegalStateException(
        name + ": no " + what + " within " + timeout + " (log " + log + "):\n" + tail(60));
  }

  @FunctionalInterface
  private interface Check {
    boolean ok();
  }
}
