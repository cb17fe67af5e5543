package dev.todoevents.contracts;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * CloudEvents 1.0 envelope as published through and delivered by Dapr. {@code id} is the event_id;
 * {@code correlationid} / {@code causationid} are extension attributes that tie an event to the
 * request or event that caused it. Dapr adds {@code topic}, {@code pubsubname} and {@code
 * traceparent} on delivery.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record CloudEvent(
    String specversion,
    String id,
    String source,
    String type,
    String datacontenttype,
    String time,
    String subject,
    String correlationid,
    String causationid,
    String traceparent,
    String topic,
    String pubsubname,
    JsonNode data) {

  public static final String SPEC_VERSION = "1.0";
  public static final String CONTENT_TYPE = "application/cloudevents+json";
}
