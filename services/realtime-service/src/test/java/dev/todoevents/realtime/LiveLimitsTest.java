package dev.todoevents.realtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.todoevents.realtime.live.LiveClients;
import dev.todoevents.runtime.LiveClient;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.websockets.next.CloseReason;
import io.quarkus.websockets.next.WebSocketConnection;
import io.smallrye.jwt.build.Jwt;
import io.smallrye.mutiny.Uni;
import java.lang.reflect.Proxy;
import java.net.URL;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * The bounds of the live socket: its token's lifetime, sockets per user, a client that does not
 * read.
 */
@QuarkusTest
class LiveLimitsTest {

  @TestHTTPResource("/")
  URL base;

  private String baseUrl() {
    return base.toString().replaceAll("/$", "");
  }

  @Test
  void aSocketIsClosedWhenItsTokenExpires() {
    String user = "u-" + UUID.randomUUID();
    String shortLived =
        Jwt.subject(user).issuedAt(Instant.now()).expiresAt(Instant.now().plusSeconds(2)).sign();
    try (LiveClient client = LiveClient.connect(baseUrl(), shortLived)) {
      await().atMost(Duration.ofSeconds(15)).until(() -> client.closeCode() != null);
      assertThat(client.closeCode()).isEqualTo(LiveClients.POLICY_VIOLATION);
      assertThat(client.closeReason()).isEqualTo("token_expired");
    }
  }

  @Test
  void aUserHasAtMostFiveSockets() {
    String token = Jwt.subject("u-" + UUID.randomUUID()).sign();
    List<LiveClient> open = new ArrayList<>();
    try {
      for (int i = 0; i < 5; i++) {
        open.add(LiveClient.connect(baseUrl(), token));
      }
      try (LiveClient sixth = LiveClient.open(baseUrl(), token)) {
        assertThat(sixth.closeCode()).isEqualTo(LiveClients.POLICY_VIOLATION);
        assertThat(sixth.closeReason()).isEqualTo("too_many_sockets");
      }
      // Another user is not affected, and a closed socket frees its place.
      LiveClient.connect(baseUrl(), Jwt.subject("other-" + UUID.randomUUID()).sign()).close();
      open.remove(0).close();
      await()
          .atMost(Duration.ofSeconds(10))
          .ignoreExceptions()
          .until(
              () -> {
                open.add(LiveClient.connect(baseUrl(), token));
                return true;
              });
    } finally {
      open.forEach(LiveClient::close);
    }
  }

  @Test
  void aClientThatDoesNotReadIsDroppedInsteadOfBuffered() {
    AtomicReference<CloseReason> closed = new AtomicReference<>();
    // A connection whose writes never complete: the client's TCP window is full.
    WebSocketConnection stuck =
        (WebSocketConnection)
            Proxy.newProxyInstance(
                getClass().getClassLoader(),
                new Class<?>[] {WebSocketConnection.class},
                (proxy, m, args) ->
                    switch (m.getName()) {
                      case "isOpen" -> closed.get() == null;
                      case "id" -> "stuck";
                      case "sendText" -> Uni.createFrom().emitter(e -> {});
                      case "close" -> {
                        closed.set((CloseReason) args[0]);
                        yield Uni.createFrom().voidItem();
                      }
                      case "hashCode" -> System.identityHashCode(proxy);
                      case "equals" -> proxy == args[0];
                      default -> throw new UnsupportedOperationException(m.getName());
                    });
    LiveClients clients = new LiveClients(new SimpleMeterRegistry(), 5, 3);
    assertThat(clients.add("alice", stuck)).isTrue();
    for (int i = 0; i < 3; i++) {
      assertThat(clients.send("alice", "e" + i, "{}")).isEqualTo(1);
    }
    assertThat(closed.get()).isNull();
    assertThat(clients.send("alice", "e3", "{}")).as("the 4th frame finds 3 unwritten").isZero();
    assertThat(closed.get().getCode()).isEqualTo(LiveClients.POLICY_VIOLATION);
    assertThat(closed.get().getMessage()).isEqualTo("slow_client");
    assertThat(clients.send("alice", "e4", "{}")).as("dropped, no longer buffered").isZero();
  }
}
