package dev.todoevents.e2e;

import dev.todoevents.runtime.ManagedProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Debian's dockerd started for one test on its own socket, data and exec folders, with no default
 * bridge (docker0 may be another engine's): an engine the machine already runs is left alone.
 * {@link #close()} stops it and deletes its folders, with whatever containers and images it held.
 */
final class DockerEngine implements AutoCloseable {

  private final ManagedProcess dockerd;
  private final Path data;
  private final Path exec;

  /** DOCKER_HOST for clients of this engine. */
  final String host;

  private DockerEngine(ManagedProcess dockerd, Path data, Path exec) {
    this.dockerd = dockerd;
    this.data = data;
    this.exec = exec;
    this.host = "unix://" + exec.resolve("docker.sock");
  }

  /** Starts an engine with its data in {@code work}/docker and waits until its API listens. */
  static DockerEngine start(Path work) throws IOException {
    // The exec folder holds containerd's socket: a short path (the unix socket limit).
    Path exec = Files.createTempDirectory("todo-dockerd-");
    Path data = work.resolve("docker");
    ManagedProcess dockerd =
        ManagedProcess.start(
            "dockerd",
            List.of(
                "dockerd",
                "--data-root",
                data.toString(),
                "--exec-root",
                exec.resolve("x").toString(),
                "--pidfile",
                exec.resolve("docker.pid").toString(),
                "-H",
                "unix://" + exec.resolve("docker.sock"),
                "--bridge",
                "none"),
            Map.of(),
            work,
            work.resolve("logs").resolve("dockerd.log"));
    DockerEngine engine = new DockerEngine(dockerd, data, exec);
    try {
      dockerd.awaitLog("API listen on", Duration.ofSeconds(60));
    } catch (RuntimeException e) {
      engine.close();
      throw e;
    }
    return engine;
  }

  @Override
  public void close() throws IOException {
    dockerd.stop(Duration.ofSeconds(30));
    // A stopped dockerd leaves its default network namespace mounted (exec/x/netns/default), and
    // rm cannot remove a mount point: unmount what is left under its folders, deepest first.
    List<String> left =
        Files.readAllLines(Path.of("/proc/self/mountinfo")).stream()
            .map(l -> l.split(" ")[4])
            .filter(m -> m.startsWith(exec + "/") || m.startsWith(data + "/"))
            .sorted(java.util.Comparator.reverseOrder())
            .toList();
    for (String m : left) {
      run("umount", m);
    }
    run("rm", "-rf", data.toString(), exec.toString());
  }

  private static void run(String... cmd) throws IOException {
    try {
      new ProcessBuilder(cmd).inheritIO().start().waitFor();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
