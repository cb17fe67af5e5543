package dev.todoevents.notification.domain;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.time.Instant;
import java.util.UUID;

/** One delivered reminder, as recorded in the state store and listed by the API. */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Notification(
    UUID eventId,
    UUID taskId,
    String userId,
    String title,
    Instant dueAt,
    Instant remindAt,
    Instant deliveredAt) {}
