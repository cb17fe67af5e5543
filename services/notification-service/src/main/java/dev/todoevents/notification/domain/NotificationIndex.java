package dev.todoevents.notification.domain;

import com.fasterxml.jackson.databind.JavaType;
import dev.todoevents.contracts.DaprNames;
import dev.todoevents.contracts.Events;
import io.dapr.client.DaprClient;
import io.dapr.client.domain.State;
import io.dapr.client.domain.StateOptions;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * Each user's notifications in the state store, in pages of {@value #PAGE} so that neither a
 * delivery nor a read ever loads a user's whole history: {@code notifications:<user>:<k>} holds
 * page k (oldest first) and {@code notifications:<user>:head} the number of the last page. Pages
 * and the head are written with ETags (first write wins) and retried on a concurrent change.
 */
@ApplicationScoped
public class NotificationIndex {

  /** Entries per stored page; also the largest page the API serves. */
  public static final int PAGE = 100;

  private static final Logger LOG = Logger.getLogger(NotificationIndex.class);
  private static final Duration TIMEOUT = Duration.ofSeconds(10);
  private static final StateOptions FIRST_WRITE =
      new StateOptions(StateOptions.Consistency.STRONG, StateOptions.Concurrency.FIRST_WRITE);
  private static final JavaType LIST =
      Events.MAPPER.getTypeFactory().constructCollectionType(List.class, Notification.class);

  private final DaprClient dapr;

  public NotificationIndex(DaprClient dapr) {
    this.dapr = dapr;
  }

  /**
   * Appends {@code n} to its user's last page, once (an entry already there is not added again).
   */
  public void add(Notification n) {
    for (int attempt = 1; ; attempt++) {
      try {
        if (tryAdd(n)) {
          return;
        }
      } catch (RuntimeException e) {
        if (attempt >= 5) {
          throw e;
        }
        LOG.debugf("index of %s changed concurrently, retrying: %s", n.userId(), e.getMessage());
      }
    }
  }

  /**
   * @return false when the last page was full and the head moved on: try again
   */
  private boolean tryAdd(Notification n) {
    State<byte[]> head = get(headKey(n.userId()));
    int last = lastPage(head);
    State<byte[]> page = get(pageKey(n.userId(), last));
    List<Notification> entries = new ArrayList<>(parse(page));
    // A redelivery after a crash finds its entry on the last page (or the one before, if it filled
    // it).
    if (contains(entries, n)
        || (last > 0 && contains(parse(get(pageKey(n.userId(), last - 1))), n))) {
      return true;
    }
    if (entries.size() >= PAGE) {
      save(headKey(n.userId()), head, Events.toJson(new Head(last + 1)));
      return false;
    }
    entries.add(n);
    save(pageKey(n.userId(), last), page, Events.toJson(entries));
    if (isEmpty(head)) {
      save(headKey(n.userId()), head, Events.toJson(new Head(0)));
    }
    return true;
  }

  /**
   * Up to {@code limit} (at most {@value #PAGE}) notifications of {@code userId}, oldest first,
   * starting at position {@code from} (0 = the oldest). Reads at most two stored pages.
   */
  public List<Notification> list(String userId, long from, int limit) {
    List<Notification> out = new ArrayList<>(limit);
    long position = from;
    while (out.size() < limit) {
      long k = position / PAGE;
      if (k > Integer.MAX_VALUE) {
        break;
      }
      List<Notification> page = parse(get(pageKey(userId, (int) k)));
      int offset = (int) (position % PAGE);
      if (offset >= page.size()) {
        break;
      }
      List<Notification> taken =
          page.subList(offset, Math.min(page.size(), offset + limit - out.size()));
      out.addAll(taken);
      position += taken.size();
      if (page.size() < PAGE) {
        break;
      }
    }
    return out;
  }

  private static boolean contains(List<Notification> entries, Notification n) {
    return entries.stream().anyMatch(x -> x.eventId().equals(n.eventId()));
  }

  private State<byte[]> get(String key) {
    return dapr.getState(DaprNames.STATESTORE, key, byte[].class).block(TIMEOUT);
  }

  private void save(String key, State<byte[]> previous, byte[] value) {
    String etag = previous == null ? null : previous.getEtag();
    dapr.saveState(
            DaprNames.STATESTORE,
            key,
            etag == null || etag.isEmpty() ? null : etag,
            value,
            FIRST_WRITE)
        .block(TIMEOUT);
  }

  private static boolean isEmpty(State<byte[]> s) {
    return s == null || s.getValue() == null || s.getValue().length == 0;
  }

  private static int lastPage(State<byte[]> head) {
    if (isEmpty(head)) {
      return 0;
    }
    try {
      return Events.MAPPER.readValue(head.getValue(), Head.class).lastPage();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static List<Notification> parse(State<byte[]> page) {
    if (isEmpty(page)) {
      return List.of();
    }
    try {
      return Events.MAPPER.readValue(page.getValue(), LIST);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String headKey(String userId) {
    return "notifications:" + userId + ":head";
  }

  private static String pageKey(String userId, int k) {
    return "notifications:" + userId + ":" + k;
  }

  /** The stored head of a user's index. */
  record Head(@com.fasterxml.jackson.annotation.JsonProperty("last_page") int lastPage) {}
}
