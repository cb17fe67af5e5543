package dev.todoevents.runtime;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.AccessMode;
import com.github.dockerjava.api.model.Bind;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.Volume;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.output.OutputFrame;
import org.testcontainers.containers.wait.strategy.AbstractWaitStrategy;
import org.testcontainers.utility.DockerImageName;

/**
 * A container started through Testcontainers' Docker client ({@code TODO_CONTAINERS=
 * testcontainers}), seen as a {@link Process} so a {@link ManagedProcess} drives it like a host
 * process: SIGTERM and SIGKILL through the engine, its output appended to the process's log. The
 * engine is the one Testcontainers finds (DOCKER_HOST, or a {@code DOCKER_HOST} system property set
 * before the first container). Ryuk, Testcontainers' reaper, is an image that cannot be pulled
 * here: run with {@code TESTCONTAINERS_RYUK_DISABLED=true}; the containers are removed when their
 * process is stopped, and by ManagedProcess's shutdown hook.
 */
final class TestcontainersProcess extends Process {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** The name of each image tarball loaded into the engine (a JVM talks to one engine). */
  private static final Map<Path, String> LOADED = new ConcurrentHashMap<>();

  private final GenericContainer<?> container;
  private final DockerClient docker;
  private final String id;

  private TestcontainersProcess(GenericContainer<?> container) {
    this.container = container;
    this.docker = container.getDockerClient();
    this.id = container.getContainerId();
  }

  /**
   * Starts {@code image} (a tarball of tools/images.sh, loaded into the engine on first use) on the
   * host's network, read-only with a tmpfs /tmp, as {@link Containers} does with runc.
   *
   * @param args the whole command line (entrypoint included), or null for the image's own
   * @param mounts host paths mounted at the same path, {@code path::ro} or {@code path::rw}
   */
  static TestcontainersProcess start(
      String name,
      Path imageTar,
      List<String> args,
      Map<String, String> env,
      List<String> mounts,
      Path workDir,
      Path log) {
    String tag = load(imageTar);
    GenericContainer<?> c =
        new GenericContainer<>(DockerImageName.parse(tag))
            // Loaded above, never pulled: no registry has the project's images.
            .withImagePullPolicy(image -> false)
            .withNetworkMode("host")
            .withTmpFs(Map.of("/tmp", "rw"))
            .withEnv(env)
            .withWorkingDirectory(workDir.toString())
            .withCreateContainerCmdModifier(
                cmd -> {
                  cmd.withName(name);
                  HostConfig host = cmd.getHostConfig();
                  host.withReadonlyRootfs(true);
                  // Binds set here, not with withFileSystemBind: that one first asks whether the
                  // engine can mount files by running a helper image from Docker Hub.
                  host.withBinds(mounts.stream().map(TestcontainersProcess::bind).toList());
                  if (args != null) {
                    cmd.withEntrypoint(args.get(0));
                    cmd.withCmd(args.subList(1, args.size()));
                  }
                })
            .withLogConsumer(appendTo(log))
            // ManagedProcess waits for the process's own readiness (HTTP or a log line).
            .waitingFor(
                new AbstractWaitStrategy() {
                  @Override
                  protected void waitUntilReady() {}
                });
    c.start();
    return new TestcontainersProcess(c);
  }

  /** {@code path::ro} or {@code path::rw}: that path at the same path in the container. */
  private static Bind bind(String mount) {
    String[] p = mount.split("::");
    return new Bind(p[0], new Volume(p[0]), p[1].equals("rw") ? AccessMode.rw : AccessMode.ro);
  }

  /**
   * Loads the tarball once and returns the image's name (its manifest's RepoTags); sidecars
   * starting at once wait for the one load of their image.
   */
  private static String load(Path tar) {
    return LOADED.computeIfAbsent(
        tar,
        t -> {
          try (InputStream in = Files.newInputStream(t)) {
            String tag =
                JSON.readTree(Containers.imageFile(t, "manifest.json"))
                    .get(0)
                    .get("RepoTags")
                    .get(0)
                    .asText();
            DockerClientFactory.instance().client().loadImageCmd(in).exec();
            return tag;
          } catch (IOException e) {
            throw new UncheckedIOException("cannot load " + t, e);
          }
        });
  }

  private static java.util.function.Consumer<OutputFrame> appendTo(Path log) {
    return frame -> {
      byte[] bytes = frame.getBytes();
      if (bytes == null) {
        return;
      }
      synchronized (TestcontainersProcess.class) {
        try {
          Files.write(log, bytes, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
    };
  }

  /** Removes the container (after it exited or was killed). */
  void remove() {
    container.stop();
  }

  @Override
  public long pid() {
    Long pid = state().getPidLong();
    return pid == null ? -1 : pid;
  }

  @Override
  public boolean isAlive() {
    try {
      return Boolean.TRUE.equals(state().getRunning());
    } catch (NotFoundException e) {
      return false; // removed
    }
  }

  @Override
  public int exitValue() {
    if (isAlive()) {
      throw new IllegalThreadStateException(id + " is running");
    }
    try {
      Long code = state().getExitCodeLong();
      return code == null ? -1 : code.intValue();
    } catch (NotFoundException e) {
      return -1;
    }
  }

  @Override
  public int waitFor() throws InterruptedException {
    while (!waitFor(1, TimeUnit.HOURS)) {
      // keep waiting
    }
    return exitValue();
  }

  @Override
  public boolean waitFor(long timeout, TimeUnit unit) throws InterruptedException {
    long deadline = System.nanoTime() + unit.toNanos(timeout);
    while (isAlive()) {
      if (System.nanoTime() >= deadline) {
        return false;
      }
      Thread.sleep(100); // the engine notifies through an event stream; polling is simpler here
    }
    return true;
  }

  @Override
  public void destroy() {
    signal("TERM");
  }

  @Override
  public Process destroyForcibly() {
    signal("KILL");
    return this;
  }

  private void signal(String signal) {
    if (isAlive()) {
      try {
        docker.killContainerCmd(id).withSignal(signal).exec();
      } catch (RuntimeException e) {
        // exited meanwhile
      }
    }
  }

  /** The container's processes are the engine's to stop: it has none the host JVM started. */
  @Override
  public Stream<ProcessHandle> descendants() {
    return Stream.empty();
  }

  @Override
  public Stream<ProcessHandle> children() {
    return Stream.empty();
  }

  @Override
  public OutputStream getOutputStream() {
    return OutputStream.nullOutputStream();
  }

  @Override
  public InputStream getInputStream() {
    return InputStream.nullInputStream();
  }

  @Override
  public InputStream getErrorStream() {
    return InputStream.nullInputStream();
  }

  private com.github.dockerjava.api.command.InspectContainerResponse.ContainerState state() {
    return docker.inspectContainerCmd(id).exec().getState();
  }
}
