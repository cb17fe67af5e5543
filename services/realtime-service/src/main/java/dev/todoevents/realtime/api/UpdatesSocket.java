package dev.todoevents.realtime.api;

import dev.todoevents.realtime.live.LiveClients;
import io.quarkus.security.Authenticated;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.websockets.next.OnClose;
import io.quarkus.websockets.next.OnOpen;
import io.quarkus.websockets.next.OnTextMessage;
import io.quarkus.websockets.next.WebSocket;
import io.quarkus.websockets.next.WebSocketConnection;
import io.vertx.core.Vertx;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.jboss.logging.Logger;

/**
 * {@code ws://host:port/updates}: one client, one user, the user of the bearer token that the
 * handshake carries (refused with 401 without a valid one). After the hello frame ({@code
 * {"type":"hello","user_id":...}}) the client receives each TaskUpdateEvent of that user, as
 * published to task-updates, one JSON frame per event, and nothing of other users.
 *
 * <p>Browsers cannot set headers on a WebSocket, so they send the token as a subprotocol: {@code
 * new WebSocket(url, ["todo-events.v1", "quarkus-http-upgrade#Authorization#" +
 * encodeURIComponent("Bearer " + token)])}; Quarkus turns it into the Authorization header
 * (application.properties: propagate-subprotocol-headers). Other clients send the header.
 *
 * <p>A socket lives no longer than its token: it is closed (1008, reason {@code token_expired})
 * when the token expires, and the client reconnects with a fresh one. A user's sockets are capped
 * and a client that stops reading is dropped ({@link LiveClients}).
 */
@Authenticated
@WebSocket(path = "/updates")
public class UpdatesSocket {

  private static final Logger LOG = Logger.getLogger(UpdatesSocket.class);

  private final LiveClients clients;
  private final SecurityIdentity identity;
  private final Vertx vertx;

  /** The expiry timer of each open connection, by connection id. */
  private final Map<String, Long> expiryTimers = new ConcurrentHashMap<>();

  public UpdatesSocket(LiveClients clients, SecurityIdentity identity, Vertx vertx) {
    this.clients = clients;
    this.identity = identity;
    this.vertx = vertx;
  }

  /** Registered before the hello frame goes out: a client that saw hello misses no update. */
  @OnOpen
  public void onOpen(WebSocketConnection connection) {
    String userId = identity.getPrincipal().getName();
    if (!clients.add(userId, connection)) {
      return;
    }
    closeAtExpiry(userId, connection);
    connection.sendTextAndAwait(Map.of("type", "hello", "user_id", userId));
    LOG.debugf("client %s connected for user_id=%s", connection.id(), userId);
  }

  private void closeAtExpiry(String userId, WebSocketConnection connection) {
    if (!(identity.getPrincipal() instanceof JsonWebToken jwt) || jwt.getExpirationTime() <= 0) {
      return;
    }
    long millis = Math.max(1, jwt.getExpirationTime() * 1000 - System.currentTimeMillis());
    long timer =
        vertx.setTimer(
            millis,
            id -> {
              expiryTimers.remove(connection.id());
              clients.remove(userId, connection);
              clients.refuse(connection, userId, "token_expired", "its bearer token expired");
            });
    expiryTimers.put(connection.id(), timer);
  }

  /** Clients have nothing to say; a text frame is ignored (browsers may send keep-alives). */
  @OnTextMessage
  public void onText(String ignored) {}

  @OnClose
  public void onClose(WebSocketConnection connection) {
    String userId = identity.getPrincipal().getName();
    clients.remove(userId, connection);
    Long timer = expiryTimers.remove(connection.id());
    if (timer != null) {
      vertx.cancelTimer(timer);
    }
    LOG.debugf("client %s of user_id=%s left", connection.id(), userId);
  }
}
