package dev.todoevents.contracts;

import java.util.regex.Pattern;

/**
 * The ids that tie events to what caused them ({@code correlationid} and {@code causationid} on the
 * envelope, from the headers X-Correlation-Id, X-Request-Id, X-Causation-Id) and the W3C trace
 * context. They are stored (audit_log.correlation_id / causation_id are varchar(128)) and
 * forwarded, so every producer, the envelope schema ({@value #ENVELOPE_SCHEMA}) and every store
 * take the same bounded set: an id that one of them refuses would never reach the others.
 */
public final class Causality {

  /** HTTP headers that carry these ids into task-service (and from service to service). */
  public static final String CORRELATION_HEADER = "X-Correlation-Id";

  public static final String REQUEST_HEADER = "X-Request-Id";
  public static final String CAUSATION_HEADER = "X-Causation-Id";
  public static final String TRACEPARENT_HEADER = "traceparent";

  /** Longest id; the audit log's columns hold exactly this much. */
  public static final int ID_MAX_LENGTH = 128;

  /** What an id may be: 1 to {@value #ID_MAX_LENGTH} of these characters, no spaces or controls. */
  public static final String ID = "[A-Za-z0-9._:@+=/-]{1," + ID_MAX_LENGTH + "}";

  public static final String ID_RULE =
      "must be 1 to " + ID_MAX_LENGTH + " characters of A-Z a-z 0-9 . _ : @ + = / -";

  /** A W3C trace context, version 00; all-zero trace and parent ids are invalid (W3C). */
  public static final String TRACEPARENT =
      "00-(?!0{32})[0-9a-f]{32}-(?!0{16})[0-9a-f]{16}-[0-9a-f]{2}";

  /** JSON Schema of the envelope's causality attributes (the event schemas cover its data). */
  public static final String ENVELOPE_SCHEMA = "schemas/cloud-event.v1.schema.json";

  private static final Pattern ID_PATTERN = Pattern.compile(ID);
  private static final Pattern TRACEPARENT_PATTERN = Pattern.compile(TRACEPARENT);

  private Causality() {}

  public static boolean isValidId(String id) {
    return id != null && ID_PATTERN.matcher(id).matches();
  }

  /**
   * The header if it is a valid version-00 traceparent, else null: W3C says a receiver that cannot
   * parse it starts a new trace, so it is never passed on or stored as it came.
   */
  public static String validTraceparent(String header) {
    return header != null && TRACEPARENT_PATTERN.matcher(header).matches() ? header : null;
  }
}
