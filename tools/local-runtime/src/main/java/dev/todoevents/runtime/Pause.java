package dev.todoevents.runtime;

/** Waiting between polls in the test helpers. */
final class Pause {
  private Pause() {}

  /** Sleeps; an interrupt is restored and turned into an exception, so a poll loop stops. */
  static void millis(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
