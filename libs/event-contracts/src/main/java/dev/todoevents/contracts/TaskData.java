package dev.todoevents.contracts;

import java.time.Instant;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Snapshot of a task as carried by a {@link TaskEvent} (the state after the change).
 *
 * @param status pending, in_progress or completed
 * @param priority low, medium or high
 * @param recurrence none, daily, weekly, monthly or every_N_days (N from 1 to 365)
 * @param seriesId id of the first task of a recurring series (the task's own id if it is the first)
 * @param occurrence 1 for the first task of a series, then 2, 3, ... up to {@value #MAX_OCCURRENCE}
 */
public record TaskData(
    String title,
    String description,
    String status,
    String priority,
    Instant dueAt,
    Instant remindAt,
    String recurrence,
    Instant createdAt,
    Instant updatedAt,
    Instant completedAt,
    UUID seriesId,
    Integer occurrence) {

  public static final String PENDING = "pending";
  public static final String IN_PROGRESS = "in_progress";
  public static final String COMPLETED = "completed";

  /** Regular expressions shared by the API's validation and the JSON Schema. */
  public static final String STATUSES = "pending|in_progress|completed";

  public static final String PRIORITIES = "low|medium|high";
  public static final String RECURRENCES =
      "none|daily|weekly|monthly|every_([1-9]|[1-9][0-9]|[12][0-9][0-9]|3[0-5][0-9]|36[0-5])_days";
  public static final String RECURRENCES_SCHEMA_PATTERN = "^(" + RECURRENCES + ")" + Patterns.END;

  /** The last occurrence of a series: a series that reaches it ends there. */
  public static final int MAX_OCCURRENCE = 100_000;

  public static final int TITLE_MAX_LENGTH = 200;
  public static final int DESCRIPTION_MAX_LENGTH = 4000;

  /*
   * Text rules. Each is a character class that the JSON Schemas use unanchored ("contains one"),
   * which means the same in Java, Python and ECMA-262 regular expressions.
   */

  /** Control characters (C0, DEL, C1): none in a title. */
  public static final String TITLE_FORBIDDEN = "[\\u0000-\\u001f\\u007f-\\u009f]";

  /** The same, except tab, line feed and carriage return, which a description may hold. */
  public static final String DESCRIPTION_FORBIDDEN =
      "[\\u0000-\\u0008\\u000b\\u000c\\u000e-\\u001f\\u007f-\\u009f]";

  /**
   * A character that is neither a control nor a space (Unicode's spaces listed one by one, as
   * {@code \s} means different things in Java and Python): a title needs one.
   */
  public static final String VISIBLE =
      "[^\\u0000-\\u0020\\u007f-\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000\\ufeff]";

  public static final String TITLE_RULE =
      "must contain a visible character and no control characters";
  public static final String DESCRIPTION_RULE =
      "must not contain control characters other than tab, CR and LF";

  private static final Pattern TITLE_FORBIDDEN_PATTERN = Pattern.compile(TITLE_FORBIDDEN);
  private static final Pattern DESCRIPTION_FORBIDDEN_PATTERN =
      Pattern.compile(DESCRIPTION_FORBIDDEN);
  private static final Pattern VISIBLE_PATTERN = Pattern.compile(VISIBLE);

  /** Whether a title passes the text rules (its length aside); the schema says the same. */
  public static boolean isValidTitle(String title) {
    return VISIBLE_PATTERN.matcher(title).find() && !TITLE_FORBIDDEN_PATTERN.matcher(title).find();
  }

  /** Whether a description passes the text rules (its length aside); the schema says the same. */
  public static boolean isValidDescription(String description) {
    return !DESCRIPTION_FORBIDDEN_PATTERN.matcher(description).find();
  }
}
