package dev.todoevents.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.todoevents.testsupport.KubeApiServer;
import dev.todoevents.testsupport.ProjectPaths;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Every overlay in k8s/ renders with kubectl's kustomize and a real kube-apiserver (with etcd,
 * both built from their Go modules) accepts all of it in a server-side dry run, with strict field
 * validation against the Kubernetes built-in schemas and the official Dapr and Strimzi CRDs. A
 * broken manifest is refused, so the check is not a formality.
 */
class KubernetesManifestsIT {

  private static final List<String> OVERLAYS = List.of("local", "redpanda", "confluent-cloud");

  @Test
  void everyOverlayRendersAndIsAcceptedByARealApiServer() throws Exception {
    Path work = WorkDirs.create("k8s-manifests");
    Path k8s = ProjectPaths.root().resolve("k8s");
    try (KubeApiServer api = KubeApiServer.start(work.resolve("apiserver"))) {
      Path crds = ProjectPaths.k8sCrds();
      // Server-side: Strimzi's Kafka CRD is too large for client-side apply's annotation.
      KubeApiServer.Result installed = api.kubectl("apply", "--server-side",
          "-f", crds.resolve("dapr").toString(), "-f", crds.resolve("strimzi").toString());
      assertThat(installed.ok()).as("CRDs installed: %s", installed.output()).isTrue();
      // kubectl wait errors out on a CRD that has no status yet (right after the apply): ask again.
      KubeApiServer.Result established = null;
      for (int i = 0; i < 30 && (established == null || !established.ok()); i++) {
        if (established != null) {
          Thread.sleep(1000);
        }
        established = api.kubectl("wait", "--for=condition=Established", "--timeout=60s", "crd", "--all");
      }
      assertThat(established.ok()).as("CRDs established: %s", established.output()).isTrue();
      // A dry run does not create the namespace its objects go into.
      assertThat(api.kubectl("create", "namespace", "todo-events").ok()).isTrue();

      for (String overlay : OVERLAYS) {
        Path dir = k8s.resolve("overlays").resolve(overlay);
        KubeApiServer.Result rendered = api.kubectl("kustomize", dir.toString());
        assertThat(rendered.ok()).as("kubectl kustomize %s: %s", overlay, rendered.output()).isTrue();
        Files.writeString(work.resolve(overlay + ".yaml"), rendered.output());

        KubeApiServer.Result dryRun = api.kubectl("apply", "--dry-run=server", "--validate=strict", "-k", dir.toString());
        assertThat(dryRun.ok()).as("server-side dry run of %s:%n%s", overlay, dryRun.output()).isTrue();
        long objects = dryRun.output().lines().filter(l -> l.endsWith("(server dry run)")).count();
        System.out.printf("[k8s] overlay %s: %d objects accepted by kube-apiserver (dry run, strict)%n", overlay, objects);
        assertThat(objects).as("objects in %s", overlay).isGreaterThanOrEqualTo(OVERLAYS.indexOf(overlay) == 0 ? 30 : 20);
      }

      // The schemas bite: an unknown field in a Dapr Component and a wrong type in a Deployment.
      Path broken = work.resolve("broken.yaml");
      Files.writeString(broken, """
          apiVersion: dapr.io/v1alpha1
          kind: Component
          metadata:
            name: broken
            namespace: todo-events
          spec:
            type: pubsub.kafka
            version: v1
            metadta: []
          """);
      KubeApiServer.Result refused = api.kubectl("apply", "--dry-run=server", "--validate=strict", "-f", broken.toString());
      assertThat(refused.ok()).as("a misspelt field is refused: %s", refused.output()).isFalse();
      assertThat(refused.output()).contains("metadta");
      Files.writeString(broken, """
          apiVersion: apps/v1
          kind: Deployment
          metadata:
            name: broken
            namespace: todo-events
          spec:
            replicas: "two"
            selector:
              matchLabels: {app: broken}
            template:
              metadata:
                labels: {app: broken}
              spec:
                containers:
                  - name: app
                    image: example/app
          """);
      refused = api.kubectl("apply", "--dry-run=server", "--validate=strict", "-f", broken.toString());
      assertThat(refused.ok()).as("a wrong type is refused: %s", refused.output()).isFalse();
      System.out.println("[k8s] a misspelt Component field and a wrongly typed Deployment field were refused");
    }
  }
}
