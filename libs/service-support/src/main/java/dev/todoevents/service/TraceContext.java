package dev.todoevents.service;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;

/**
 * The trace context an app hands on. Its spans themselves leave through quarkus-opentelemetry's
 * OTLP exporter (META-INF/microprofile-config.properties), to the backend the sidecars export to.
 */
public final class TraceContext {

  private TraceContext() {}

  /**
   * The W3C traceparent of the span this thread is in (the server span of the request or delivery
   * being handled), or {@code fallback} when there is none (tracing off, or a thread outside any
   * request). What this app hands on, through its sidecar, to the next hop.
   */
  public static String traceparent(String fallback) {
    SpanContext c = Span.current().getSpanContext();
    if (!c.isValid()) {
      return fallback;
    }
    return "00-" + c.getTraceId() + "-" + c.getSpanId() + "-" + c.getTraceFlags().asHex();
  }
}
