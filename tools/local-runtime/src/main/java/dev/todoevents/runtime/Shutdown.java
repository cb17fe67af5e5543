package dev.todoevents.runtime;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;

/** Stops what a run started, in the given order (apps before sidecars before brokers). */
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
    List<AutoCloseable> order = new ArrayList<>(apps);
    order.addAll(sidecars);
    java.util.Arrays.stream(servers).filter(Objects::nonNull).forEach(order::add);
    inOrder(order);
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
