package dev.todoevents.task.events;

import com.fasterxml.jackson.databind.JsonNode;
import dev.todoevents.contracts.Event;
import dev.todoevents.contracts.EventSchemas;
import dev.todoevents.contracts.Events;
import dev.todoevents.contracts.ReminderEvent;
import dev.todoevents.contracts.TaskEvent;
import dev.todoevents.contracts.TaskUpdateEvent;
import dev.todoevents.contracts.Topic;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.LaunchMode;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import org.jboss.logging.Logger;

/**
 * Publishes the outbox and deletes each entry once the sidecar acknowledged it.
 *
 * <p>One relay thread per process runs the passes: woken by each commit that wrote to the outbox,
 * and every {@code poll-interval} for whatever is left (entries of a process that died after its
 * commit, or of a time the sidecar or broker was down). The request thread only wakes it, so an API
 * call returns once its change and events are committed, without waiting for the broker; commits
 * that arrive during a pass are taken by the next one, in one batch. Entries are row-locked while
 * they are sent, so a second instance waits instead of sending them again.
 *
 * <p>Order is per key, as consumers see it: Kafka keeps order per partition, and the key is the
 * user. A batch is split into chains, one per topic and user, each in outbox sequence order. The
 * first entries of all chains are published concurrently, then the second ones, and so on; a failed
 * publish ends its chain for this pass, so nothing overtakes an unsent event of the same user,
 * while other users' events go on. (Before, a pass published one event at a time and stopped at the
 * first failure: the same order per user, but one broker round trip per event for the whole
 * process.)
 *
 * <p>An entry that can never be published - unreadable, or breaking the envelope or event schema
 * that every consumer checks - would stop its chain at every pass. It is set aside instead: marked
 * {@code failed} with its error (it stays in the table for an operator), logged with its ids and
 * counted ({@code todo.outbox.failed{reason}}), and the entries after it go on. (task-service
 * publishes only its own topics, not a dead-letter topic, so the table is where such an entry
 * waits.)
 *
 * <p>A crash after the broker's acknowledgement and before the delete sends that event again on the
 * next pass: the same event_id, which every consumer deduplicates.
 *
 * <p>Two transactions that commit out of sequence order (changes to two different tasks of one user
 * at the same moment) can be published in commit order instead; changes to one task are serialised
 * by its version column and keep their order.
 */
@ApplicationScoped
public class OutboxRelay {

  private static final Logger LOG = Logger.getLogger(OutboxRelay.class);

  @ConfigMapping(prefix = "task.outbox")
  public interface Settings {
    /** How often the relay looks for entries left over (the commit itself triggers a pass). */
    @WithDefault("1s")
    Duration pollInterval();

    /** Entries one pass reads (and locks) at a time; their chains are published concurrently. */
    @WithDefault("200")
    int batchSize();

    /**
     * Once publishing has failed for this long, writes are refused with 503 + Retry-After instead
     * of piling up in the outbox: callers learn that the event bus is down.
     */
    @WithDefault("5s")
    Duration refuseWritesAfter();
  }

  private final EventPublisher publisher;
  private final Settings settings;
  private final MeterRegistry metrics;
  private final ReentrantLock onePass = new ReentrantLock();
  private final AtomicLong failingSinceMs = new AtomicLong(0);
  private final AtomicLong pending = new AtomicLong(0);
  private final Object wake = new Object();
  private boolean wanted; // guarded by wake: a commit asked for a pass
  private volatile boolean running;
  private Thread relayThread;

  public OutboxRelay(EventPublisher publisher, Settings settings, MeterRegistry metrics) {
    this.publisher = publisher;
    this.settings = settings;
    this.metrics = metrics;
    // Kept up to date by the relay: a scrape runs on an I/O thread, where no query may run.
    Gauge.builder("todo.outbox.pending", pending, AtomicLong::get)
        .description("events written but not yet acknowledged by the broker")
        .register(metrics);
  }

  void start(@Observes StartupEvent e) {
    if (LaunchMode.current() == LaunchMode.TEST) {
      return; // unit tests run passes themselves (afterCommit, relay())
    }
    running = true;
    relayThread = new Thread(this::loop, "outbox-relay");
    relayThread.setDaemon(true);
    relayThread.start();
  }

  void stop(@Observes ShutdownEvent e) throws InterruptedException {
    running = false;
    wakeUp();
    if (relayThread != null) {
      // Let a pass in progress finish: its events are acknowledged and deleted, not sent twice.
      relayThread.join(settings.refuseWritesAfter().toMillis() + 5_000);
    }
  }

  void afterCommit(@Observes(during = TransactionPhase.AFTER_SUCCESS) Outbox.Written written) {
    if (LaunchMode.current() == LaunchMode.TEST) {
      runQuietly();
      return;
    }
    if (failingSinceMs.get() != 0) {
      // While publishing fails, the relay's passes fail too: count here, so the backlog the
      // caller just added shows at once.
      countPending();
    }
    wakeUp();
  }

  private void wakeUp() {
    synchronized (wake) {
      wanted = true;
      wake.notifyAll();
    }
  }

  private void loop() {
    long pollMs = settings.pollInterval().toMillis();
    while (running) {
      synchronized (wake) {
        if (!wanted) {
          try {
            wake.wait(pollMs);
          } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            return;
          }
        }
        wanted = false;
      }
      runQuietly();
    }
  }

  /** True while publishing has been failing for longer than {@code refuse-writes-after}. */
  public boolean refusingWrites() {
    long since = failingSinceMs.get();
    return since != 0
        && System.currentTimeMillis() - since > settings.refuseWritesAfter().toMillis();
  }

  private void runQuietly() {
    try {
      relay();
    } catch (RuntimeException ex) {
      LOG.warnf("outbox pass failed, the next one retries: %s", ex.toString());
    }
  }

  /** One pass: until the outbox is empty or a publish fails. @return events published */
  public int relay() {
    onePass.lock();
    try {
      int sent = 0;
      while (true) {
        Batch batch = QuarkusTransaction.requiringNew().call(this::sendBatch);
        sent += batch.sent();
        if (batch.failed()) {
          return sent; // a chain stopped at a failed publish: the next pass retries it first
        }
        if (batch.seen() < settings.batchSize()) {
          failingSinceMs.set(0);
          return sent;
        }
      }
    } finally {
      // One count per pass, not per request: passes batch whatever committed meanwhile.
      countPending();
      onePass.unlock();
    }
  }

  /** What one batch did: entries it looked at, how many it sent, whether a publish failed. */
  private record Batch(int seen, int sent, boolean failed) {}

  private Batch sendBatch() {
    List<OutboxEntry> entries = OutboxEntry.oldest(settings.batchSize());
    Map<String, Deque<OutboxEntry>> chains = new LinkedHashMap<>();
    for (OutboxEntry e : entries) {
      Problem problem = check(e);
      if (problem != null) {
        setAside(e, problem);
      } else {
        chains.computeIfAbsent(chainOf(e), k -> new ArrayDeque<>()).add(e);
      }
    }
    List<Long> published = new ArrayList<>();
    boolean failed = false;
    while (!chains.isEmpty()) {
      List<OutboxEntry> wave = new ArrayList<>(chains.size());
      for (Deque<OutboxEntry> chain : chains.values()) {
        wave.add(chain.poll());
      }
      chains.values().removeIf(Deque::isEmpty);
      List<EventPublisher.Outgoing> outgoing =
          wave.stream().map(EventPublisher.Outgoing::of).toList();
      Map<UUID, RuntimeException> failures = publisher.publishAll(outgoing);
      for (OutboxEntry e : wave) {
        RuntimeException ex = failures.get(e.eventId);
        if (ex == null) {
          published.add(e.seq);
        } else if (ex instanceof PublishFailedException) {
          failed = true;
          chains.remove(chainOf(e)); // nothing overtakes it
          e.attempts++;
          e.lastError =
              truncate(
                  ex.getMessage()
                      + (ex.getCause() == null ? "" : ": " + ex.getCause().getMessage()));
          failingSinceMs.compareAndSet(0, System.currentTimeMillis());
          LOG.warnf(
              "outbox: event_id=%s not published (attempt %d), retrying in the next pass: %s",
              e.eventId, e.attempts, e.lastError);
        } else {
          // Not the sidecar or the broker (those are PublishFailedException): this entry itself.
          setAside(e, new Problem("error", ex.toString()));
        }
      }
    }
    if (!published.isEmpty()) {
      OutboxEntry.delete("seq in ?1", published);
    }
    return new Batch(entries.size(), published.size(), failed);
  }

  /** The order that matters: per topic and key (the user), as Kafka keeps it per partition. */
  private static String chainOf(OutboxEntry e) {
    return e.topic + '|' + e.partitionKey;
  }

  private static final Map<String, Class<? extends Event>> EVENT_TYPES =
      Map.of(
          Topic.TASK_EVENTS.topicName(), TaskEvent.class,
          Topic.REMINDERS.topicName(), ReminderEvent.class,
          Topic.TASK_UPDATES.topicName(), TaskUpdateEvent.class);

  /** Why an entry can never be published: a metric tag and the error. */
  record Problem(String reason, String error) {}

  /** What every consumer will check, checked before publishing; null when the entry is fine. */
  static Problem check(OutboxEntry e) {
    Class<? extends Event> type = EVENT_TYPES.get(e.topic);
    if (type == null) {
      return new Problem("topic", "not a topic task-service publishes: " + e.topic);
    }
    JsonNode envelope;
    try {
      envelope = Events.MAPPER.readTree(e.cloudEvent);
    } catch (IOException | RuntimeException ex) {
      return new Problem("unreadable", "the stored CloudEvent is not JSON: " + ex.getMessage());
    }
    if (envelope == null || !envelope.isObject()) {
      return new Problem("unreadable", "the stored CloudEvent is not a JSON object");
    }
    List<String> problems = new ArrayList<>(EventSchemas.validateEnvelope(envelope));
    problems.addAll(EventSchemas.validate(type, envelope.path("data")));
    return problems.isEmpty()
        ? null
        : new Problem("schema", "schema violation: " + String.join("; ", problems));
  }

  private void setAside(OutboxEntry e, Problem problem) {
    e.status = OutboxEntry.FAILED;
    e.failedAt = Instant.now();
    e.lastError = truncate(problem.error());
    metrics.counter("todo.outbox.failed", "reason", problem.reason()).increment();
    LOG.errorf(
        "outbox: event_id=%s seq=%d topic=%s type=%s user_id=%s can never be published, set aside as failed"
            + " (the entries after it go on): %s",
        e.eventId, e.seq, e.topic, e.eventType, e.partitionKey, e.lastError);
  }

  private void countPending() {
    try {
      pending.set(QuarkusTransaction.requiringNew().call(OutboxEntry::pending));
    } catch (RuntimeException e) {
      LOG.warnf("could not count the outbox: %s", e.toString());
    }
  }

  private static String truncate(String s) {
    return s == null ? null : s.length() <= 1000 ? s : s.substring(0, 1000);
  }
}
