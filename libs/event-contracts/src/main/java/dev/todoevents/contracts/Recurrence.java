package dev.todoevents.contracts;

import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Next occurrences of a recurring task. Dates move by calendar rules in UTC (monthly: same day of
 * the next month, clamped to its last day). Ids of occurrences are name-based UUIDs of (owner,
 * series, occurrence number), so creating "the next occurrence" twice names the same task, and no
 * other user's series can name it.
 */
public final class Recurrence {
  private static final Pattern EVERY_N_DAYS = Pattern.compile("every_(\\d+)_days");

  private Recurrence() {}

  public static boolean repeats(String recurrence) {
    return recurrence != null && !"none".equals(recurrence);
  }

  /**
   * {@code from} moved one period forward; empty when that leaves the {@link Timestamps} range (the
   * series can go no further).
   */
  public static Optional<Instant> next(String recurrence, Instant from) {
    Matcher m = EVERY_N_DAYS.matcher(recurrence);
    Instant next;
    try {
      var utc = from.atOffset(ZoneOffset.UTC);
      next =
          switch (recurrence) {
            case "daily" -> utc.plusDays(1).toInstant();
            case "weekly" -> utc.plusWeeks(1).toInstant();
            case "monthly" -> utc.plusMonths(1).toInstant();
            default -> {
              if (!m.matches()) {
                throw new IllegalArgumentException("not a recurrence: " + recurrence);
              }
              yield utc.plusDays(Integer.parseInt(m.group(1))).toInstant();
            }
          };
    } catch (DateTimeException | ArithmeticException beyondAnyCalendar) {
      return Optional.empty();
    }
    return Timestamps.contains(next) ? Optional.of(next) : Optional.empty();
  }

  /** Id of occurrence {@code n} of a user's series: the same inputs always give the same id. */
  public static UUID occurrenceId(String userId, UUID seriesId, int n) {
    // User ids may hold '/', UUIDs and numbers cannot: read from the end, the name is unambiguous.
    return UUID.nameUUIDFromBytes(
        ("todo-events/user/" + userId + "/series/" + seriesId + "/occurrence/" + n)
            .getBytes(StandardCharsets.UTF_8));
  }
}
