package dev.todoevents.task.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quarkus.arc.ArcUndeclaredThrowableException;
import jakarta.persistence.OptimisticLockException;
import jakarta.transaction.RollbackException;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** A write that lost its task to a concurrent one runs again; anything else is not retried. */
class ConcurrentChangeTest {

  private final UUID id = UUID.randomUUID();
  private final AtomicInteger calls = new AtomicInteger();

  /** As Quarkus delivers it: the commit's RollbackException, wrapped by the interceptor. */
  private RuntimeException lostRace() {
    RollbackException rollback = new RollbackException("ARJUNA016053: Could not commit");
    rollback.initCause(new OptimisticLockException("Unexpected row count"));
    return new ArcUndeclaredThrowableException("Error invoking subclass method", rollback);
  }

  @Test
  void aLostRaceRunsAgainAndReturnsTheResult() {
    String result =
        ConcurrentChange.retried(
            id,
            () -> {
              if (calls.incrementAndGet() < ConcurrentChange.ATTEMPTS) {
                throw lostRace();
              }
              return "done";
            });
    assertThat(result).isEqualTo("done");
    assertThat(calls).hasValue(ConcurrentChange.ATTEMPTS);
  }

  @Test
  void losingEveryTimeIsAConflictThatNamesTheTask() {
    assertThatThrownBy(
            () ->
                ConcurrentChange.retried(
                    id,
                    () -> {
                      calls.incrementAndGet();
                      throw lostRace();
                    }))
        .isInstanceOf(TaskConflictException.class)
        .hasMessageContaining(id.toString())
        .hasMessageContaining("read it and retry");
    assertThat(calls).hasValue(ConcurrentChange.ATTEMPTS);
  }

  @Test
  void otherFailuresAreNotRetried() {
    assertThatThrownBy(
            () ->
                ConcurrentChange.retried(
                    id,
                    () -> {
                      calls.incrementAndGet();
                      throw new TaskNotFoundException(id);
                    }))
        .isInstanceOf(TaskNotFoundException.class);
    assertThat(calls).hasValue(1);
  }
}
