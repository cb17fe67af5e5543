package dev.todoevents.runtime;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;

/** Stops what a run started: apps before sidecars before brokers. */
public final class Shutdown {

  private Shutdown() {}

  /**
   * A system's processes: the apps, then their sidecars, then the servers in the order given (e.g.
   * Sentry, brokers); nulls (never started) are skipped.
   */
  public static void system(
      Collection<? extends AutoCloseable> apps,
      Collection<? extends AutoCloseable> sidecars,
      AutoCloseable... servers) {
    // Each app (then each sidecar) stops on its own, so they stop at once: a system's stop takes
    // as long as its slowest app, not the sum of all (a Quarkus app may wait 10 s for requests).
    atOnce(apps);
    atOnce(sidecars);
    inOrder(java.util.Arrays.stream(servers).filter(Objects::nonNull).toList());
  }

  /** Closes all at once and returns when all are closed; a failure is reported, like inOrder. */
  public static void atOnce(Collection<? extends AutoCloseable> all) {
    List<Thread> closing = new ArrayList<>();
    for (AutoCloseable c : all) {
      Thread t = new Thread(() -> inOrder(List.of(c)), "stop " + c);
      t.start();
      closing.add(t);
    }
    for (Thread t : closing) {
      try {
        t.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  /**
   * Closes each, in order; one that fails to stop is reported and does not keep the rest running.
   */
  public static void inOrder(List<? extends AutoCloseable> order) {
    for (AutoCloseable c : order) {
      try {
        c.close();
      } catch (Exception e) {
        System.err.println("could not stop " + c + ": " + e);
      }
    }
  }
}
