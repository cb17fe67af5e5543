package dev.todoevents.service;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import java.util.List;
import org.jboss.logging.MDC;

/**
 * The ids a log line about one event carries, in the logging MDC: with TODO_LOG_JSON=true each line
 * has them under "mdc" (quarkus-logging-json), so a log pipeline finds every line of an event, a
 * user, a correlation or a trace. Set while a delivered event is handled ({@link EventDelivery}),
 * on the thread that handles it, and removed after.
 */
public final class LogContext {

  public static final String EVENT_ID = "event_id";
  public static final String USER_ID = "user_id";
  public static final String CORRELATION_ID = "correlation_id";
  public static final String TRACE_ID = "trace_id";
  public static final String SPAN_ID = "span_id";

  private static final List<String> KEYS =
      List.of(EVENT_ID, USER_ID, CORRELATION_ID, TRACE_ID, SPAN_ID);

  private LogContext() {}

  /** Puts the event's ids (null ones left out) and the current span's, if there is one. */
  static void put(String eventId, String userId, String correlationId) {
    putIfPresent(EVENT_ID, eventId);
    putIfPresent(USER_ID, userId);
    putIfPresent(CORRELATION_ID, correlationId);
    SpanContext span = Span.current().getSpanContext();
    if (span.isValid()) {
      MDC.put(TRACE_ID, span.getTraceId());
      MDC.put(SPAN_ID, span.getSpanId());
    }
  }

  /** Removes what {@link #put} set: the thread serves other requests next. */
  static void clear() {
    KEYS.forEach(MDC::remove);
  }

  private static void putIfPresent(String key, String value) {
    if (value != null && !value.isBlank()) {
      MDC.put(key, value);
    }
  }
}
