package dev.todoevents.task.events;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** Typed settings for publishing (prefix {@code task.events}). */
@ConfigMapping(prefix = "task.events")
public interface TaskEventsConfig {

  /** CloudEvents source attribute: this app's Dapr app-id. */
  @WithDefault("task-service")
  String source();

  /** How long an API call waits for the broker's acknowledgement before it fails with 503. */
  @WithDefault("10s")
  Duration publishTimeout();
}
