package dev.todoevents.task.domain;

import jakarta.persistence.OptimisticLockException;
import java.util.UUID;
import java.util.function.Supplier;
import org.hibernate.StaleObjectStateException;
import org.jboss.logging.Logger;

/**
 * Runs a write of one task again when another transaction changed that task first (its version,
 * {@link Task}'s {@code @Version}, moved on), such as the reminder clock marking the task it just
 * reminded of while its user completes it. The losing transaction rolled back and stored and
 * published nothing, so running it again is safe; after {@link #ATTEMPTS} it is a 409.
 */
public final class ConcurrentChange {

  static final int ATTEMPTS = 3;
  private static final Logger LOG = Logger.getLogger(ConcurrentChange.class);

  private ConcurrentChange() {}

  /**
   * {@code write} (one transaction of TaskService) for task {@code id}, run again on a lost race.
   */
  public static <T> T retried(UUID id, Supplier<T> write) {
    for (int attempt = 1; ; attempt++) {
      try {
        return write.get();
      } catch (RuntimeException e) {
        if (!lostRace(e)) {
          throw e;
        }
        if (attempt == ATTEMPTS) {
          throw new TaskConflictException(
              id, "changed " + ATTEMPTS + " times while this request ran; read it and retry");
        }
        LOG.infof(
            "task_id=%s changed by another transaction meanwhile (attempt %d of %d): running the write again",
            id, attempt, ATTEMPTS);
      }
    }
  }

  /** Like {@link #retried(UUID, Supplier)}, for a write without a result. */
  public static void retried(UUID id, Runnable write) {
    retried(
        id,
        () -> {
          write.run();
          return null;
        });
  }

  private static boolean lostRace(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof OptimisticLockException || t instanceof StaleObjectStateException) {
        return true;
      }
    }
    return false;
  }
}
