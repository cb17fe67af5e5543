package dev.todoevents.runtime;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A real Dapr Sentry (the certificate authority of the Dapr control plane) on free ports, with
 * tools/dapr/sentry.yaml. On its first start it creates its own root and issuer certificates in
 * {@code workDir/credentials}; sidecars started with {@link #sidecarArgs()} and {@link
 * #sidecarEnv()} get a workload certificate from it and talk to each other over mTLS, which is what
 * Dapr access control needs to know the calling app.
 */
public final class Sentry implements AutoCloseable {

  /** The namespace every local sidecar claims: the Kubernetes one, so one ACL holds in both. */
  public static final String NAMESPACE = "todo-events";

  private final int port;
  private final Path credentials;
  private final ManagedProcess process;

  private Sentry(int port, Path credentials, ManagedProcess process) {
    this.port = port;
    this.credentials = credentials;
    this.process = process;
  }

  public static Sentry start(Path workDir) {
    return start(workDir, Ports.free(), Ports.free(), Ports.free());
  }

  /** On the given ports (the local run's: {@link DevPorts}). */
  public static Sentry start(Path workDir, int port, int healthz, int metrics) {
    Path credentials = workDir.resolve("credentials");
    try {
      Files.createDirectories(credentials); // Sentry watches the folder, so it must exist
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    ManagedProcess p =
        ManagedProcess.startReady(
            "sentry",
            List.of(
                ProjectPaths.sentry().toString(),
                "--config",
                ProjectPaths.root().resolve("tools/dapr/sentry.yaml").toString(),
                "--issuer-credentials",
                credentials.toString(),
                "--trust-domain",
                "localhost",
                "--listen-address",
                "127.0.0.1",
                "--port",
                Integer.toString(port),
                "--healthz-listen-address",
                "127.0.0.1",
                "--healthz-port",
                Integer.toString(healthz),
                "--metrics-listen-address",
                "127.0.0.1",
                "--metrics-port",
                Integer.toString(metrics),
                "--log-level",
                "info"),
            Map.of(),
            workDir,
            workDir.resolve("sentry.log"),
            "http://127.0.0.1:" + healthz + "/healthz",
            Duration.ofSeconds(30));
    return new Sentry(port, credentials, p);
  }

  /** The daprd flags that make it ask this Sentry for its identity and use mTLS. */
  public List<String> sidecarArgs() {
    return List.of("--enable-mtls", "--sentry-address", "127.0.0.1:" + port);
  }

  /** The root certificate the sidecars trust, and the namespace they claim. */
  public Map<String, String> sidecarEnv() {
    try {
      return Map.of(
          "DAPR_TRUST_ANCHORS",
          Files.readString(credentials.resolve("ca.crt")),
          "NAMESPACE",
          NAMESPACE);
    } catch (IOException e) {
      throw new UncheckedIOException("Sentry wrote no root certificate in " + credentials, e);
    }
  }

  /** The process id (the benchmark reads its CPU and memory). */
  public long pid() {
    return process.pid();
  }

  @Override
  public void close() {
    process.stop(Duration.ofSeconds(10));
  }
}
