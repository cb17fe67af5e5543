package dev.todoevents.contracts;

import java.time.Instant;
import java.util.regex.Pattern;

/**
 * The one range of timestamps the system accepts, anywhere (due_at, remind_at, every event time):
 * years 2000 to 2199, UTC. Far outside it, date arithmetic overflows (a remind_at in year
 * -300000000 once broke every reminder tick) and some stores cannot even hold the value (PostgreSQL
 * ends at year 294276). The API checks {@link #contains}; the JSON Schemas carry {@link
 * #SCHEMA_PATTERN}, because JSON Schema cannot compare dates: both say the same, which ContractTest
 * checks at each edge.
 */
public final class Timestamps {

  public static final Instant FIRST = Instant.parse("2000-01-01T00:00:00Z");
  public static final Instant LAST = Instant.parse("2199-12-31T23:59:59.999999999Z");

  /** For error messages (a constant, for annotations; ContractTest checks it names both ends). */
  public static final String RANGE =
      "from 2000-01-01T00:00:00Z to 2199-12-31T23:59:59.999999999Z (UTC)";

  /**
   * Any instant of the range as {@link Instant#toString()} (and so the event mapper) writes it: UTC
   * with a 'Z', 0 to 9 fractional digits. Anchored at both ends for JSON Schema, whose patterns
   * match anywhere in the string.
   */
  public static final String SCHEMA_PATTERN =
      "^(20|21)[0-9]{2}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])T([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]"
          + "(\\.[0-9]{1,9})?Z"
          + Patterns.END;

  private static final Pattern COMPILED = Pattern.compile(SCHEMA_PATTERN);

  private Timestamps() {}

  public static boolean contains(Instant t) {
    return t != null && !t.isBefore(FIRST) && !t.isAfter(LAST);
  }

  /** Whether a date-time string is one the schemas accept (the format check aside). */
  public static boolean matchesSchema(String text) {
    return COMPILED.matcher(text).find();
  }
}
