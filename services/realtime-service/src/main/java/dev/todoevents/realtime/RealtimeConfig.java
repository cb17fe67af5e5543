package dev.todoevents.realtime;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** realtime-service's limits ({@code todo.realtime.*}, set in application.properties). */
@ConfigMapping(prefix = "todo.realtime")
public interface RealtimeConfig {

  /** Open sockets one user may have on one instance; one more is closed with 1008. */
  @WithDefault("5")
  int maxSocketsPerUser();

  /** Frames a client may leave unwritten before it is dropped (it stopped reading). */
  @WithDefault("256")
  int maxUnsentFrames();

  /** An update stamped more than this before the process started is history and is not sent. */
  @WithDefault("30s")
  Duration historySlack();
}
