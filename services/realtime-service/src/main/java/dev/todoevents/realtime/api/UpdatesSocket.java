package dev.todoevents.realtime.api;

import dev.todoevents.realtime.live.LiveClients;
import io.quarkus.websockets.next.OnClose;
import io.quarkus.websockets.next.OnOpen;
import io.quarkus.websockets.next.OnTextMessage;
import io.quarkus.websockets.next.PathParam;
import io.quarkus.websockets.next.WebSocket;
import io.quarkus.websockets.next.WebSocketConnection;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * {@code ws://host:port/updates/{userId}}: one client, one user. After the hello frame
 * ({@code {"type":"hello","user_id":...}}) the client receives each TaskUpdateEvent of that
 * user, as published to task-updates, one JSON frame per event, and nothing of other users.
 * (Who may watch which user is issue 6's bearer-token work; here the path names the user.)
 */
@WebSocket(path = "/updates/{userId}")
public class UpdatesSocket {

  private static final Logger LOG = Logger.getLogger(UpdatesSocket.class);

  private final LiveClients clients;

  public UpdatesSocket(LiveClients clients) {
    this.clients = clients;
  }

  /** Registered before the hello frame goes out: a client that saw hello misses no update. */
  @OnOpen
  public Map<String, String> onOpen(@PathParam String userId, WebSocketConnection connection) {
    clients.add(userId, connection);
    LOG.debugf("client %s connected for user_id=%s", connection.id(), userId);
    return Map.of("type", "hello", "user_id", userId);
  }

  /** Clients have nothing to say; a text frame is ignored (browsers may send keep-alives). */
  @OnTextMessage
  public void onText(String ignored) {}

  @OnClose
  public void onClose(@PathParam String userId, WebSocketConnection connection) {
    clients.remove(userId, connection);
    LOG.debugf("client %s of user_id=%s left", connection.id(), userId);
  }
}
