package dev.todoevents.service;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import jakarta.ws.rs.container.ContainerRequestContext;
import java.security.Principal;
import java.util.List;
import org.jboss.logging.MDC;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;
import org.jboss.resteasy.reactive.server.ServerResponseFilter;

/**
 * The ids a log line about one event carries, in the logging MDC: with TODO_LOG_JSON=true each line
 * has them under "mdc" (quarkus-logging-json), so a log pipeline finds every line of an event, a
 * user, a correlation or a trace. Set while a delivered event is handled ({@link EventDelivery}),
 * on the thread that handles it, and removed after; for a REST request, the user of its bearer
 * token ({@link Requests}).
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

  /**
   * The bearer token's user on every line logged while a REST request is served. Quarkus keeps the
   * MDC in the request's Vert.x context, so it follows the request from the event loop to a worker
   * thread. Runs after authentication (proactive): an anonymous request has no user_id.
   */
  public static class Requests {
    @ServerRequestFilter
    public void put(ContainerRequestContext request) {
      Principal user = request.getSecurityContext().getUserPrincipal();
      LogContext.put(null, user == null ? null : user.getName(), null);
    }

    @ServerResponseFilter
    public void clear() {
      LogContext.clear();
    }
  }

  private static void putIfPresent(String key, String value) {
    if (value != null && !value.isBlank()) {
      MDC.put(key, value);
    }
  }
}
