package dev.todoevents.service;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.exporter.zipkin.ZipkinSpanExporter;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/**
 * Where the apps' spans go: a Zipkin server's span endpoint ({@code todo.tracing.zipkin-endpoint},
 * env TODO_ZIPKIN_ENDPOINT; tools/run.sh runs one on 9411), the same backend the sidecars export to
 * (tools/dapr/config.yaml, spec.tracing.zipkin). Quarkus' default exporter setting ("cdi") batches
 * the spans of this bean; its OTLP exporter is switched off
 * (META-INF/microprofile-config.properties).
 */
public class TraceExport {

  @Produces
  @Singleton
  SpanExporter zipkin(TodoConfig.Tracing config) {
    return ZipkinSpanExporter.builder().setEndpoint(config.zipkinEndpoint()).build();
  }

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
