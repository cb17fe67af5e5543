package dev.todoevents.realtime.api;

import dev.todoevents.realtime.live.LiveClients;
import io.quarkus.security.Authenticated;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.websockets.next.OnClose;
import io.quarkus.websockets.next.OnOpen;
import io.quarkus.websockets.next.OnTextMessage;
import io.quarkus.websockets.next.WebSocket;
import io.quarkus.websockets.next.WebSocketConnection;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * {@code ws://host:port/updates}: one client, one user, the user of the bearer token that the
 * handshake carries (refused with 401 without a valid one). After the hello frame
 * ({@code {"type":"hello","user_id":...}}) the client receives each TaskUpdateEvent of that user,
 * as published to task-updates, one JSON frame per event, and nothing of other users.
 *
 * <p>Browsers cannot set headers on a WebSocket, so they send the token as a subprotocol:
 * {@code new WebSocket(url, ["todo-events.v1", "quarkus-http-upgrade#Authorization#" +
 * encodeURIComponent("Bearer " + token)])}; Quarkus turns it into the Authorization header
 * (application.properties: propagate-subprotocol-headers). Other clients send the header.
 */
@Authenticated
@WebSocket(path = "/updates")
public class UpdatesSocket {

  private static final Logger LOG = Logger.getLogger(UpdatesSocket.class);

  private final LiveClients clients;
  private final SecurityIdentity identity;

  public UpdatesSocket(LiveClients clients, SecurityIdentity identity) {
    this.clients = clients;
    this.identity = identity;
  }

  /** Registered before the hello frame goes out: a client that saw hello misses no update. */
  @OnOpen
  public Map<String, String> onOpen(WebSocketConnection connection) {
    String userId = identity.getPrincipal().getName();
    clients.add(userId, connection);
    LOG.debugf("client %s connected for user_id=%s", connection.id(), userId);
    return Map.of("type", "hello", "user_id", userId);
  }

  /** Clients have nothing to say; a text frame is ignored (browsers may send keep-alives). */
  @OnTextMessage
  public void onText(String ignored) {}

  @OnClose
  public void onClose(WebSocketConnection connection) {
    String userId = identity.getPrincipal().getName();
    clients.remove(userId, connection);
    LOG.debugf("client %s of user_id=%s left", connection.id(), userId);
  }
}
