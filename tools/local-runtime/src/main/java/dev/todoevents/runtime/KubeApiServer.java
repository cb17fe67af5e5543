package dev.todoevents.runtime;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A real Kubernetes API server for manifest tests: etcd and kube-apiserver (built from their Go
 * modules by tools/bootstrap.sh --with-k8s) on free ports, an admin token, and kubectl pointed at
 * them. No controllers, no kubelet: objects are stored and validated (schemas, CRDs, admission),
 * nothing runs. {@link #close()} stops both.
 */
public final class KubeApiServer implements AutoCloseable {

  /** What one kubectl call printed, and its exit code. */
  public record Result(int exitCode, String output) {
    public boolean ok() {
      return exitCode == 0;
    }
  }

  private final Path work;
  private final Path kubeconfig;
  private ManagedProcess etcd;
  private ManagedProcess apiserver;

  private KubeApiServer(Path work) {
    this.work = work;
    this.kubeconfig = work.resolve("kubeconfig");
  }

  public static KubeApiServer start(Path work) {
    KubeApiServer k = new KubeApiServer(work);
    try {
      k.launch();
      return k;
    } catch (RuntimeException e) {
      k.close();
      throw e;
    }
  }

  private void launch() {
    try {
      Files.createDirectories(work);
      int client = Ports.free();
      int peer = Ports.free();
      int metrics = Ports.free();
      etcd =
          ManagedProcess.start(
              "etcd",
              List.of(
                  ProjectPaths.k8sBin("etcd").toString(),
                  "--name",
                  "default",
                  "--data-dir",
                  work.resolve("etcd-data").toString(),
                  "--listen-client-urls",
                  "http://127.0.0.1:" + client,
                  "--advertise-client-urls",
                  "http://127.0.0.1:" + client,
                  "--listen-peer-urls",
                  "http://127.0.0.1:" + peer,
                  "--initial-advertise-peer-urls",
                  "http://127.0.0.1:" + peer,
                  "--initial-cluster",
                  "default=http://127.0.0.1:" + peer,
                  "--listen-metrics-urls",
                  "http://127.0.0.1:" + metrics,
                  "--unsafe-no-fsync"),
              Map.of(),
              work,
              work.resolve("etcd.log"));
      etcd.awaitHttp("http://127.0.0.1:" + client + "/health", Duration.ofSeconds(30));

      // Service-account tokens need a key pair; an admin token authenticates kubectl.
      KeyPair keys = Pem.rsaKeyPair();
      Path key = write("sa.key", Pem.encode("PRIVATE KEY", keys.getPrivate().getEncoded()));
      Path pub = write("sa.pub", Pem.encode("PUBLIC KEY", keys.getPublic().getEncoded()));
      String token = UUID.randomUUID().toString();
      Path tokens = write("tokens.csv", token + ",admin,admin,\"system:masters\"\n");
      int port = Ports.free();
      apiserver =
          ManagedProcess.start(
              "kube-apiserver",
              List.of(
                  ProjectPaths.k8sBin("kube-apiserver").toString(),
                  "--etcd-servers",
                  "http://127.0.0.1:" + client,
                  "--bind-address",
                  "127.0.0.1",
                  "--advertise-address",
                  "127.0.0.1",
                  // No "kubernetes" Service endpoints to keep (a loopback address is refused
                  // there).
                  "--endpoint-reconciler-type",
                  "none",
                  "--secure-port",
                  Integer.toString(port),
                  "--cert-dir",
                  work.resolve("certs").toString(),
                  "--token-auth-file",
                  tokens.toString(),
                  "--authorization-mode",
                  "RBAC",
                  "--service-account-issuer",
                  "https://kubernetes.default.svc.cluster.local",
                  "--service-account-key-file",
                  pub.toString(),
                  "--service-account-signing-key-file",
                  key.toString(),
                  "--service-cluster-ip-range",
                  "10.0.0.0/24",
                  // No controller manager creates the default ServiceAccount; nothing runs pods
                  // here.
                  "--disable-admission-plugins",
                  "ServiceAccount",
                  "--allow-privileged=false"),
              Map.of(),
              work,
              work.resolve("kube-apiserver.log"));
      write(
          "kubeconfig",
          """
          apiVersion: v1
          kind: Config
          clusters:
            - name: local
              cluster:
                server: https://127.0.0.1:%d
                insecure-skip-tls-verify: true
          users:
            - name: admin
              user:
                token: %s
          contexts:
            - name: local
              context:
                cluster: local
                user: admin
          current-context: local
          """
              .formatted(port, token));
      awaitReady(Duration.ofSeconds(90));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void awaitReady(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    Result last = null;
    while (System.nanoTime() < deadline) {
      if (!apiserver.isAlive()) {
        throw new IllegalStateException("kube-apiserver exited:\n" + apiserver.tail(40));
      }
      last = kubectl(Duration.ofSeconds(10), "get", "--raw", "/readyz");
      if (last.ok()) {
        return;
      }
      Pause.millis(500);
    }
    throw new IllegalStateException(
        "kube-apiserver not ready within " + timeout + ": " + last + "\n" + apiserver.tail(40));
  }

  /** kubectl against this API server; waits at most two minutes. */
  public Result kubectl(String... args) {
    return kubectl(Duration.ofMinutes(2), args);
  }

  /** kubectl against this API server; its output is also kept in kubectl.log. */
  public Result kubectl(Duration timeout, String... args) {
    List<String> cmd =
        new ArrayList<>(
            List.of(
                ProjectPaths.k8sBin("kubectl").toString(), "--kubeconfig", kubeconfig.toString()));
    cmd.addAll(List.of(args));
    ManagedProcess p =
        ManagedProcess.start("kubectl", cmd, Map.of(), work, work.resolve("kubectl.log"));
    try {
      return new Result(p.awaitExit(timeout), p.output());
    } catch (IllegalStateException timedOut) {
      return new Result(-1, "timed out after " + timeout + ": " + cmd + "\n" + p.output());
    } finally {
      p.close(); // only does something if it is still running (a timeout)
    }
  }

  private Path write(String name, String content) throws IOException {
    return Files.writeString(work.resolve(name), content);
  }

  @Override
  public void close() {
    if (apiserver != null) {
      apiserver.close();
    }
    if (etcd != null) {
      etcd.close();
    }
  }
}
