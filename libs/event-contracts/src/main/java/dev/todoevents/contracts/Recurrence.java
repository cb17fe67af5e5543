package dev.todoevents.contracts;

import java.time.Instant;
import java.time.ZoneOffset;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Next occurrences of a recurring task. Dates move by calendar rules in UTC (monthly: same day
 * of the next month, clamped to its last day). Ids of occurrences are name-based UUIDs of
 * (series, occurrence number), so creating "the next occurrence" twice names the same task.
 */
public final class Recurrence {
  private static final Pattern EVERY_N_DAYS = Pattern.compile("every_(\\d+)_days");

  private Recurrence() {}

  public static boolean repeats(String recurrence) {
    return recurrence != null && !"none".equals(recurrence);
  }

  /** {@code from} moved one period forward. */
  public static Instant next(String recurrence, Instant from) {
    var utc = from.atOffset(ZoneOffset.UTC);
    Matcher m = EVERY_N_DAYS.matcher(recurrence);
    return switch (recurrence) {
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
  }

  /** Id of occurrence {@code n} of a series: the same inputs always give the same id. */
  public static UUID occurrenceId(UUID seriesId, int n) {
    return UUID.nameUUIDFromBytes(
        ("todo-events/series/" + seriesId + "/occurrence/" + n).getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }
}
