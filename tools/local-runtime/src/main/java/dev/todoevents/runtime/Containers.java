package dev.todoevents.runtime;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * The container mode of the local system ({@code TODO_CONTAINERS=runc} or {@code
 * -Dtodo.containers=runc}): Kafka, every app and every daprd run from their images
 * (tools/images.sh) under runc, as user 10001 on a read-only root, instead of as host processes.
 * {@code testcontainers} instead starts the same containers, with the same mounts, on a Docker
 * engine through Testcontainers ({@link TestcontainersProcess}). The containers share the host's
 * network, as a pod's containers share theirs, so ports, mDNS and the tests' clients work
 * unchanged. Folders a process reads or writes (its work folder, the project's YAML, Sentry's
 * certificates) are mounted at their own paths, so its command line stays the host one's (a file in
 * the host's /tmp is mounted as that file). Sentry, Jaeger and Prometheus stay host processes.
 */
public final class Containers {

  public static final String PROPERTY = "todo.containers";
  private static final int APP_UID = 10001;
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Set<String> SHARED_PATHS = Set.of("/", "/tmp", "/dev", "/proc", "/sys");

  private Containers() {}

  /** The container runtimes: runc itself, or a Docker engine through Testcontainers. */
  public static final Set<String> MODES = Set.of("runc", "testcontainers");

  /** Whether processes start in containers (the system property, else TODO_CONTAINERS). */
  public static boolean enabled() {
    return !mode().isEmpty();
  }

  private static String mode() {
    String mode = System.getProperty(PROPERTY, System.getenv().getOrDefault("TODO_CONTAINERS", ""));
    if (!mode.isEmpty() && !MODES.contains(mode)) {
      throw new IllegalStateException(
          "TODO_CONTAINERS / " + PROPERTY + ": one of " + MODES + ", got " + mode);
    }
    return mode;
  }

  /** The image tarball tools/images.sh built, or an error that says how to build it. */
  public static Path image(String name) {
    Path tar = ProjectPaths.runtime().resolve("images").resolve(name + ".tar");
    if (!Files.exists(tar)) {
      throw new IllegalStateException(
          "no image " + tar + ": build it with tools/images.sh " + name + " (as root)");
    }
    return tar;
  }

  /**
   * A file of an image tarball (it is a docker save archive too), e.g. manifest.json, as a runtime
   * reads it; an error if the tarball has none.
   */
  public static byte[] imageFile(Path tar, String name) throws IOException {
    try (TarArchiveInputStream t = new TarArchiveInputStream(Files.newInputStream(tar))) {
      for (TarArchiveEntry e = t.getNextEntry(); e != null; e = t.getNextEntry()) {
        if (e.getName().equals(name)) {
          return t.readAllBytes();
        }
      }
    }
    throw new IllegalStateException("no " + name + " in " + tar + ": not a docker save archive");
  }

  /**
   * Starts {@code args} (null: the image's own command) in image {@code image} as a process named
   * {@code name}; {@code writable} folders are mounted read-write (and given to the image's user),
   * the project and every other absolute path in {@code args} or {@code env} read-only. {@code
   * shared} folders are ones several containers write in (a sidecar's state-store file and
   * notifications folder, in the system's folder): mounted read-write, and they and the folders of
   * {@code env} in them made writable for everyone (as /tmp), since their other files stay the
   * host's.
   */
  public static ManagedProcess start(
      String name,
      String image,
      List<String> args,
      Map<String, String> env,
      List<Path> writable,
      List<Path> shared,
      Path workDir,
      Path log) {
    try {
      String id =
          name.replaceAll("[^A-Za-z0-9_.-]", "-")
              + "-"
              + UUID.randomUUID().toString().substring(0, 8);
      List<Path> rw = new ArrayList<>(writable);
      rw.addAll(shared);
      List<String> mounts = mounts(args, env, rw);
      for (Path w : writable) {
        chown(w);
      }
      for (Path s : shared) {
        shareable(s);
        for (String v : env.values()) {
          if (v.startsWith("/") && Files.isDirectory(Path.of(v)) && Path.of(v).startsWith(s)) {
            shareable(Path.of(v));
          }
        }
      }
      if (mode().equals("testcontainers")) {
        long logStart = ManagedProcess.logSize(log);
        TestcontainersProcess c =
            TestcontainersProcess.start(id, image(image), args, env, mounts, workDir, log);
        return ManagedProcess.of(name, c, log, logStart).afterExit(c::remove);
      }
      Path bundle = workDir.resolve("containers").resolve(id);
      Files.createDirectories(bundle);
      Path envFile = bundle.resolve("env.json");
      Files.writeString(envFile, JSON.writeValueAsString(env));
      List<String> cmd = new ArrayList<>();
      cmd.addAll(
          List.of(
              "python3",
              ProjectPaths.root().resolve("tools/images/image.py").toString(),
              "bundle",
              image(image).toString(),
              bundle.toString(),
              "--rootfs",
              ProjectPaths.runtime().resolve("images").resolve(image + ".rootfs").toString(),
              "--env-file",
              envFile.toString(),
              "--cwd",
              workDir.toString()));
      if (args != null) {
        cmd.add("--args");
        cmd.add(JSON.writeValueAsString(args));
      }
      for (String m : mounts) {
        cmd.add("--mount");
        cmd.add(m);
      }
      run(cmd, "bundle of " + name);
      ManagedProcess p =
          ManagedProcess.start(
              name,
              List.of("runc", "run", "--bundle", bundle.toString(), id),
              Map.of(),
              workDir,
              log);
      // runc removes the container when it exits by itself; after a SIGKILL of runc it stays.
      return p.afterExit(() -> quietly(List.of("runc", "delete", "--force", id)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static List<String> mounts(
      List<String> args, Map<String, String> env, List<Path> writable) {
    Set<String> mounts = new LinkedHashSet<>();
    Path root = ProjectPaths.root();
    mounts.add(root + "::ro");
    List<String> values = new ArrayList<>(env.values());
    if (args != null) {
      values.addAll(args);
    }
    for (String v : values) {
      for (String part : v.split("[=,]")) {
        if (part.startsWith("/") && Files.exists(Path.of(part))) {
          // The file or folder itself: its parent may be /tmp, which is the container's own.
          Path p = Path.of(part).toAbsolutePath().normalize();
          if (!p.startsWith(root)
              && writable.stream().noneMatch(p::startsWith)
              && !SHARED_PATHS.contains(p.toString())) {
            mounts.add(p + "::ro");
          }
        }
      }
    }
    for (Path w : writable) {
      mounts.add(w.toAbsolutePath().normalize() + "::rw");
    }
    return List.copyOf(mounts);
  }

  private static void chown(Path folder) throws IOException {
    Files.createDirectories(folder);
    run(List.of("chown", "-R", APP_UID + ":" + APP_UID, folder.toString()), "chown of " + folder);
  }

  private static void shareable(Path folder) {
    run(List.of("chmod", "1777", folder.toString()), "chmod of " + folder);
  }

  private static void run(List<String> cmd, String what) {
    try {
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      String out =
          new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
      if (p.waitFor() != 0) {
        throw new IllegalStateException(what + " failed: " + cmd + "\n" + out);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static void quietly(List<String> cmd) {
    try {
      new ProcessBuilder(cmd)
          .redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.DISCARD)
          .start()
          .waitFor();
    } catch (IOException e) {
      // nothing to remove, or runc is gone
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
