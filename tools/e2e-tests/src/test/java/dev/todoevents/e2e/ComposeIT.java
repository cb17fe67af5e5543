package dev.todoevents.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.todoevents.contracts.DaprNames.AppIds;
import dev.todoevents.runtime.DevIssuer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The Docker path: tools/compose.sh on Debian's docker.io engine, started here on its own socket
 * and folders (so a Docker the machine already runs is left alone), with the images of
 * tools/images.sh; every app with its daprd sidecar container, Sentry, Kafka, PostgreSQL. The same
 * user flow as on the cluster, through the published ports (free ones). The engine, its containers,
 * volumes and images are removed at the end, whatever happens.
 */
@Tag("containers")
class ComposeIT {

  private static final Pattern READY =
      Pattern.compile("\\[compose\\] (\\S+) ready at (http://\\S+)");

  @Test
  void theSystemRunsOnDockerCompose() throws Exception {
    Path work = WorkDirs.create("compose");
    Map<String, String> env = new HashMap<>();
    env.put("TODO_AUTH_KEY", DevIssuer.shared().publicKeyFile().toString());
    env.put("TODO_COMPOSE_DIR", work.resolve("compose").toString());
    for (String app : AppIds.ALL) {
      env.put(app.toUpperCase().replace('-', '_') + "_PORT", "0");
    }
    long t0 = System.nanoTime();
    List<String> images = new ArrayList<>(List.of("tools/images.sh"));
    images.addAll(AppIds.ALL);
    images.addAll(List.of("kafka", "postgres", "daprd", "dapr"));
    Scripts.run(work, env, "images", Duration.ofMinutes(15), images);
    double imagesS = seconds(t0);
    DockerEngine engine = DockerEngine.start(work);
    env.put("DOCKER_HOST", engine.host);
    Throwable failed = null;
    try {
      long t1 = System.nanoTime();
      String up =
          Scripts.run(
              work, env, "compose-up", Duration.ofMinutes(12), List.of("tools/compose.sh", "up"));
      double upS = seconds(t1);
      Map<String, String> urls = new HashMap<>();
      Matcher m = READY.matcher(up);
      while (m.find()) {
        urls.put(m.group(1), m.group(2));
      }
      assertThat(urls).as("tools/compose.sh up said:%n%s", up).hasSize(6);
      long t2 = System.nanoTime();
      UserFlow.run(
          urls.get(AppIds.TASK_SERVICE),
          urls.get(AppIds.AUDIT_SERVICE),
          urls.get(AppIds.NOTIFICATION_SERVICE),
          urls.get(AppIds.REALTIME_SERVICE));
      double flowS = seconds(t2);
      String ps =
          Scripts.run(
              work, env, "compose-ps", Duration.ofMinutes(1), List.of("tools/compose.sh", "ps"));
      System.out.print(ps);
      System.out.printf(
          "[compose] images %.1f s, up (load + start until every app is ready) %.1f s, flow %.1f s%n",
          imagesS, upS, flowS);
    } catch (Throwable t) {
      failed = t;
      throw t;
    } finally {
      try {
        Scripts.cleanUp(
            work,
            env,
            "compose-down",
            Duration.ofMinutes(3),
            List.of("tools/compose.sh", "down"),
            failed);
      } finally {
        engine.close();
      }
    }
  }

  private static double seconds(long t0) {
    return (System.nanoTime() - t0) / 1e9;
  }
}
