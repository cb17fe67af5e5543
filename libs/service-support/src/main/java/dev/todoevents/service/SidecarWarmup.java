package dev.todoevents.service;

import io.dapr.client.DaprClient;
import io.quarkus.runtime.LaunchMode;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import org.jboss.logging.Logger;

/**
 * Opens the gRPC channel to the sidecar right after start, off the main thread. The first call of a
 * fresh JVM otherwise pays for connecting and class loading (~1 s, measured in ReminderFlowIT: the
 * first reminder after a restart was published 0.9 s after its time and notified 2.5 s after it),
 * and that first call is often a user's request or a due reminder.
 */
@ApplicationScoped
public class SidecarWarmup {

  private static final Logger LOG = Logger.getLogger(SidecarWarmup.class);

  void onStart(@Observes StartupEvent e, DaprClient dapr) {
    if (LaunchMode.current() == LaunchMode.TEST) {
      return; // unit tests have no sidecar
    }
    Thread t = new Thread(() -> warm(dapr), "sidecar-warmup");
    t.setDaemon(true);
    t.start();
  }

  private static void warm(DaprClient dapr) {
    long start = System.nanoTime();
    try {
      dapr.waitForSidecar(60_000).block(Duration.ofSeconds(65));
      dapr.getMetadata().block(Duration.ofSeconds(10));
      LOG.infof("sidecar reachable over gRPC after %d ms", (System.nanoTime() - start) / 1_000_000);
    } catch (RuntimeException ex) {
      // Not fatal: the sidecar may come later; the first real call connects then.
      LOG.warnf("sidecar not reachable yet: %s", ex.toString());
    }
  }
}
