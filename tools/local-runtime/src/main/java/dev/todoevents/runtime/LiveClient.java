package dev.todoevents.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import dev.todoevents.contracts.Events;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * A WebSocket client of realtime-service's {@code /updates}, as one user (a bearer token, sent as
 * the Authorization header of the handshake), that keeps every frame it receives. {@link #connect}
 * returns after the hello frame, i.e. once the server has registered the client, so an update
 * published afterwards must reach it.
 */
public final class LiveClient implements AutoCloseable {

  private final List<JsonNode> frames = new CopyOnWriteArrayList<>();
  private final StringBuilder partial = new StringBuilder();
  private WebSocket socket;
  private volatile Integer closeCode;
  private volatile String closeReason;

  private LiveClient() {}

  /**
   * @param bearerToken a JWT naming the user whose updates to receive
   */
  public static LiveClient connect(String baseHttpUrl, String bearerToken) {
    LiveClient client = open(baseHttpUrl, bearerToken);
    if (client.closeCode != null) {
      throw new IllegalStateException(
          "the server closed the socket before hello: "
              + client.closeCode
              + " "
              + client.closeReason);
    }
    return client;
  }

  /**
   * Opens a socket and waits for its hello frame or for the server to close it (a refusal after the
   * handshake, e.g. too many sockets): {@link #closeCode()} tells which.
   */
  public static LiveClient open(String baseHttpUrl, String bearerToken) {
    LiveClient client = new LiveClient();
    URI uri = updatesUri(baseHttpUrl);
    try {
      client.socket =
          builder(bearerToken).buildAsync(uri, client.listener()).get(15, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("could not open " + uri + ": " + e, e);
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
    while (client.closeCode == null
        && client.frames.stream().noneMatch(f -> "hello".equals(f.path("type").asText()))) {
      if (System.nanoTime() > deadline) {
        client.close();
        throw new IllegalStateException("no hello frame from " + uri + " within 15 s");
      }
      Pause.millis(20);
    }
    return client;
  }

  private WebSocket.Listener listener() {
    return new WebSocket.Listener() {
      @Override
      public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
        synchronized (partial) {
          partial.append(data);
          if (last) {
            try {
              frames.add(Events.MAPPER.readTree(partial.toString()));
            } catch (java.io.IOException e) {
              throw new UncheckedIOException("frame is not JSON: " + partial, e);
            } finally {
              partial.setLength(0);
            }
          }
        }
        ws.request(1);
        return null;
      }

      @Override
      public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
        closeReason = reason;
        closeCode = statusCode;
        return null;
      }
    };
  }

  /**
   * Tries a handshake that the server should refuse, and returns the HTTP status it answered.
   *
   * @param bearerToken a JWT, or null for none
   */
  public static int refusedHandshakeStatus(String baseHttpUrl, String bearerToken) {
    URI uri = updatesUri(baseHttpUrl);
    try {
      WebSocket accepted =
          builder(bearerToken)
              .buildAsync(uri, new WebSocket.Listener() {})
              .get(15, TimeUnit.SECONDS);
      accepted.abort();
      throw new AssertionError(
          "the server accepted a WebSocket to "
              + uri
              + (bearerToken == null ? " without a token" : ""));
    } catch (java.util.concurrent.ExecutionException e) {
      if (e.getCause() instanceof java.net.http.WebSocketHandshakeException h) {
        return h.getResponse().statusCode();
      }
      throw new IllegalStateException("handshake with " + uri + " failed: " + e.getCause(), e);
    } catch (Exception e) {
      throw new IllegalStateException("handshake with " + uri + " failed: " + e, e);
    }
  }

  private static URI updatesUri(String baseHttpUrl) {
    return URI.create(baseHttpUrl.replaceFirst("^http", "ws") + "/updates");
  }

  private static WebSocket.Builder builder(String bearerToken) {
    WebSocket.Builder b =
        HttpClient.newHttpClient().newWebSocketBuilder().connectTimeout(Duration.ofSeconds(10));
    return bearerToken == null ? b : b.header("Authorization", "Bearer " + bearerToken);
  }

  /** The close code the server sent (1008: refused by policy), null while the socket is open. */
  public Integer closeCode() {
    return closeCode;
  }

  /** The reason that came with {@link #closeCode()}, e.g. token_expired or too_many_sockets. */
  public String closeReason() {
    return closeReason;
  }

  /** Every frame but hello, in arrival order. */
  public List<JsonNode> updates() {
    return frames.stream().filter(f -> !f.has("type")).toList();
  }

  /** The updates about one task. */
  public List<JsonNode> updatesOf(String taskId) {
    return updates().stream().filter(f -> taskId.equals(f.path("task_id").asText())).toList();
  }

  @Override
  public void close() {
    if (socket != null) {
      socket.abort();
    }
  }
}
