package dev.todoevents.notification;

import static org.assertj.core.api.Assertions.assertThat;

import dev.todoevents.notification.domain.Notification;
import dev.todoevents.notification.domain.NotificationIndex;
import io.dapr.client.DaprClient;
import io.dapr.client.domain.State;
import java.lang.reflect.Proxy;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

/** Pages of a user's notifications: bounded reads and writes, each entry once, in order. */
class NotificationIndexTest {

  /** The state store as the index uses it: get and ETag-checked save, in memory; counts reads. */
  static final class Store {
    final Map<String, byte[]> values = new HashMap<>();
    final Map<String, Integer> versions = new HashMap<>();
    int reads;

    DaprClient client() {
      return (DaprClient)
          Proxy.newProxyInstance(
              DaprClient.class.getClassLoader(),
              new Class<?>[] {DaprClient.class},
              (proxy, method, args) ->
                  switch (method.getName()) {
                    case "getState" -> {
                      reads++;
                      String key = (String) args[1];
                      yield Mono.just(
                          new State<>(
                              key,
                              values.get(key),
                              String.valueOf(versions.getOrDefault(key, 0)),
                              null,
                              null));
                    }
                    case "saveState" -> {
                      String key = (String) args[1];
                      String etag = (String) args[2];
                      int version = versions.getOrDefault(key, 0);
                      if (etag != null && !etag.equals(String.valueOf(version))) {
                        yield Mono.error(new IllegalStateException("etag mismatch on " + key));
                      }
                      values.put(key, (byte[]) args[3]);
                      versions.put(key, version + 1);
                      yield Mono.empty();
                    }
                    default -> throw new UnsupportedOperationException(method.getName());
                  });
    }
  }

  private static Notification note(String user, int i) {
    return new Notification(
        UUID.randomUUID(), UUID.randomUUID(), user, "t" + i, null, Instant.EPOCH, Instant.EPOCH);
  }

  @Test
  void entriesArePagedInOrderAndAddedOnce() {
    Store store = new Store();
    NotificationIndex index = new NotificationIndex(store.client());
    int total = NotificationIndex.PAGE * 2 + 7;
    Notification[] all = new Notification[total];
    for (int i = 0; i < total; i++) {
      all[i] = note("alice", i);
      index.add(all[i]);
    }
    index.add(all[total - 1]); // a redelivery
    index.add(all[NotificationIndex.PAGE * 2 - 1]); // the one that filled the page before the last

    assertThat(store.values.keySet())
        .contains("notifications:alice:0", "notifications:alice:1", "notifications:alice:2");
    List<Notification> first = index.list("alice", 0, NotificationIndex.PAGE);
    assertThat(first).hasSize(NotificationIndex.PAGE).first().isEqualTo(all[0]);
    // Across a page boundary, and the short tail.
    List<Notification> middle = index.list("alice", NotificationIndex.PAGE - 5, 10);
    assertThat(middle)
        .containsExactly(
            java.util.Arrays.copyOfRange(
                all, NotificationIndex.PAGE - 5, NotificationIndex.PAGE + 5));
    assertThat(index.list("alice", NotificationIndex.PAGE * 2, 100))
        .hasSize(7)
        .last()
        .isEqualTo(all[total - 1]);
    assertThat(index.list("alice", total, 100)).isEmpty();
    assertThat(index.list("bob", 0, 100)).isEmpty();

    store.reads = 0;
    index.list("alice", NotificationIndex.PAGE * 2 - 1, 100);
    assertThat(store.reads).as("a read touches at most two pages").isLessThanOrEqualTo(2);
  }
}
