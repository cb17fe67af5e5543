package dev.todoevents.realtime.live;

import dev.todoevents.realtime.RealtimeConfig;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.websockets.next.CloseReason;
import io.quarkus.websockets.next.WebSocketConnection;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.jboss.logging.Logger;

/**
 * The WebSocket clients connected to this instance, by user. An update is sent only to the
 * connections of the user it belongs to; a user with no client here costs a map lookup.
 *
 * <p>Bounded both ways: a user has at most {@code todo.realtime.max-sockets-per-user} sockets here
 * (one more is closed at once), and a client that stops reading is dropped once {@code
 * todo.realtime.max-unsent-frames} frames wait to be written to it, instead of buffering without
 * bound. Both close with 1008 (policy violation) and a reason; the page reconnects and reloads its
 * list.
 */
@ApplicationScoped
public class LiveClients {

  private static final Logger LOG = Logger.getLogger(LiveClients.class);

  /** RFC 6455 close code: the endpoint refuses the client for breaking a rule of ours. */
  public static final int POLICY_VIOLATION = 1008;

  /** Per connection, the frames handed to it that are not yet written. */
  private final Map<String, Map<WebSocketConnection, AtomicInteger>> byUser =
      new ConcurrentHashMap<>();

  private final MeterRegistry metrics;
  private final int maxPerUser;
  private final int maxUnsent;

  @Inject
  public LiveClients(MeterRegistry metrics, RealtimeConfig config) {
    this(metrics, config.maxSocketsPerUser(), config.maxUnsentFrames());
  }

  public LiveClients(MeterRegistry metrics, int maxPerUser, int maxUnsent) {
    this.metrics = metrics;
    this.maxPerUser = maxPerUser;
    this.maxUnsent = maxUnsent;
    Gauge.builder(
            "todo.realtime.connections", byUser, m -> m.values().stream().mapToInt(Map::size).sum())
        .description("WebSocket clients connected to this instance")
        .register(metrics);
  }

  /**
   * @return false when the user already has the most sockets allowed (this one is not added)
   */
  public boolean add(String userId, WebSocketConnection c) {
    boolean[] added = {false};
    byUser.compute(
        userId,
        (u, conns) -> {
          Map<WebSocketConnection, AtomicInteger> m =
              conns != null ? conns : new ConcurrentHashMap<>();
          m.keySet().removeIf(x -> !x.isOpen());
          if (m.size() < maxPerUser) {
            m.put(c, new AtomicInteger());
            added[0] = true;
          }
          return m.isEmpty() ? null : m;
        });
    if (!added[0]) {
      refuse(
          c, userId, "too_many_sockets", "more than " + maxPerUser + " open sockets for this user");
    }
    return added[0];
  }

  public void remove(String userId, WebSocketConnection c) {
    byUser.computeIfPresent(
        userId,
        (u, m) -> {
          m.remove(c);
          return m.isEmpty() ? null : m;
        });
  }

  /**
   * Sends one JSON frame to every open connection of {@code userId}. A client that is gone misses
   * the frame (live updates are best effort; the page reloads its list when it reconnects), so a
   * send failure never fails the delivery of the event.
   *
   * @return how many connections the frame was handed to
   */
  public int send(String userId, String eventId, String json) {
    Map<WebSocketConnection, AtomicInteger> targets = byUser.getOrDefault(userId, Map.of());
    int sent = 0;
    for (Map.Entry<WebSocketConnection, AtomicInteger> t : targets.entrySet()) {
      WebSocketConnection c = t.getKey();
      AtomicInteger unsent = t.getValue();
      if (!c.isOpen()) {
        remove(userId, c);
        continue;
      }
      if (unsent.get() >= maxUnsent) {
        remove(userId, c);
        refuse(
            c, userId, "slow_client", "the client did not read its last " + maxUnsent + " updates");
        continue;
      }
      unsent.incrementAndGet();
      c.sendText(json)
          .subscribe()
          .with(
              ok -> unsent.decrementAndGet(),
              e -> {
                unsent.decrementAndGet();
                LOG.warnf(
                    "could not send event_id=%s to connection %s of user_id=%s: %s",
                    eventId, c.id(), userId, e.toString());
              });
      sent++;
    }
    metrics.counter("todo.realtime.frames", "outcome", sent > 0 ? "sent" : "no_client").increment();
    return sent;
  }

  /** Closes a connection for a reason of ours (policy violation), counted per reason. */
  public void refuse(WebSocketConnection c, String userId, String reason, String why) {
    metrics.counter("todo.realtime.closed", "reason", reason).increment();
    LOG.infof("closing connection %s of user_id=%s: %s", c.id(), userId, why);
    c.close(new CloseReason(POLICY_VIOLATION, reason)).subscribe().with(ok -> {}, e -> {});
  }
}
