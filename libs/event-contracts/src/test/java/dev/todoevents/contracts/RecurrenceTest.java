package dev.todoevents.contracts;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class RecurrenceTest {
  private static final Instant T = Instant.parse("2026-01-31T09:00:00Z");

  @Test
  void periodsMoveByCalendarRulesInUtc() {
    assertThat(Recurrence.next("daily", T)).contains(Instant.parse("2026-02-01T09:00:00Z"));
    assertThat(Recurrence.next("weekly", T)).contains(Instant.parse("2026-02-07T09:00:00Z"));
    assertThat(Recurrence.next("monthly", T)).contains(Instant.parse("2026-02-28T09:00:00Z"));
    assertThat(Recurrence.next("every_3_days", T)).contains(Instant.parse("2026-02-03T09:00:00Z"));
    assertThat(Recurrence.repeats("none")).isFalse();
    assertThat(Recurrence.repeats("every_2_days")).isTrue();
  }

  @Test
  void aNextDateOutsideTheTimestampRangeIsNone() {
    assertThat(Recurrence.next("daily", Instant.parse("2199-12-30T23:59:59Z")))
        .contains(Instant.parse("2199-12-31T23:59:59Z"));
    assertThat(Recurrence.next("daily", Instant.parse("2199-12-31T00:00:00Z"))).isEmpty();
    assertThat(Recurrence.next("every_365_days", Timestamps.LAST)).isEmpty();
    assertThat(Recurrence.next("monthly", Instant.MAX))
        .as("no overflow even beyond the range")
        .isEmpty();
  }

  @Test
  void occurrenceIdsAreDeterministicDistinctAndScopedToTheOwner() {
    UUID series = UUID.fromString("6f1c2b3a-4d5e-4f60-8a7b-9c0d1e2f3a41");
    assertThat(Recurrence.occurrenceId("alice", series, 2))
        .isEqualTo(Recurrence.occurrenceId("alice", series, 2));
    assertThat(Recurrence.occurrenceId("alice", series, 2))
        .isNotEqualTo(Recurrence.occurrenceId("alice", series, 3));
    assertThat(Recurrence.occurrenceId("alice", series, 2))
        .isNotEqualTo(Recurrence.occurrenceId("mallory", series, 2));
    assertThat(Recurrence.occurrenceId("alice", series, 2).version()).isEqualTo(3);
  }
}
