package dev.todoevents.realtime.live;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.websockets.next.WebSocketConnection;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;

/**
 * The WebSocket clients connected to this instance, by user. An update is sent only to the
 * connections of the user it belongs to; a user with no client here costs a map lookup.
 */
@ApplicationScoped
public class LiveClients {

  private static final Logger LOG = Logger.getLogger(LiveClients.class);

  private final Map<String, Set<WebSocketConnection>> byUser = new ConcurrentHashMap<>();
  private final MeterRegistry metrics;

  public LiveClients(MeterRegistry metrics) {
    this.metrics = metrics;
    Gauge.builder("todo.realtime.connections", byUser, m -> m.values().stream().mapToInt(Set::size).sum())
        .description("WebSocket clients connected to this instance")
        .register(metrics);
  }

  public void add(String userId, WebSocketConnection c) {
    byUser.computeIfAbsent(userId, u -> ConcurrentHashMap.newKeySet()).add(c);
  }

  public void remove(String userId, WebSocketConnection c) {
    byUser.computeIfPresent(userId, (u, set) -> {
      set.remove(c);
      return set.isEmpty() ? null : set;
    });
  }

  /**
   * Sends one JSON frame to every open connection of {@code userId}. A client that is gone or
   * too slow misses the frame (live updates are best effort; the page reloads its list when it
   * reconnects), so a send failure never fails the delivery of the event.
   *
   * @return how many connections the frame was handed to
   */
  public int send(String userId, String eventId, String json) {
    Set<WebSocketConnection> targets = byUser.getOrDefault(userId, Set.of());
    int sent = 0;
    for (WebSocketConnection c : targets) {
      if (!c.isOpen()) {
        remove(userId, c);
        continue;
      }
      c.sendText(json)
          .subscribe()
          .with(
              ok -> {},
              e -> LOG.warnf("could not send event_id=%s to connection %s of user_id=%s: %s", eventId, c.id(), userId, e.toString()));
      sent++;
    }
    metrics.counter("todo.realtime.frames", "outcome", sent > 0 ? "sent" : "no_client").increment();
    return sent;
  }
}
