package dev.todoevents.task.domain;

import io.quarkus.runtime.ShutdownEvent;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.jboss.logging.Logger;

/**
 * When {@link Reminders#sendDue} runs. Two triggers, one at a time (a lock), so no reminder is
 * looked at by two runs:
 *
 * <ul>
 *   <li>the cron input binding's tick, every second (components/reminder-tick.yaml): durable,
 *       survives restarts, catches up on anything missed; on its own it would be up to 1 s late.
 *   <li>a wake-up timer in this process at each remind_at that falls within the next {@code
 *       lookahead}: each tick schedules the ones it sees coming, and a task created or rescheduled
 *       to a time that close schedules its own once committed. This makes a reminder fire at its
 *       time rather than at the next tick. A wake-up for a task that was completed, deleted or
 *       rescheduled since simply finds nothing due.
 * </ul>
 *
 * Wake-ups live in memory only: after a restart the first tick schedules them again.
 */
@ApplicationScoped
public class ReminderClock {

  private static final Logger LOG = Logger.getLogger(ReminderClock.class);

  @ConfigMapping(prefix = "task.reminders")
  public interface Settings {
    /** Precise wake-ups at remind_at; off, reminders go out on the ticks only. */
    @WithDefault("true")
    boolean timer();

    /** How far ahead each tick looks for reminders to wake up for (more than the tick period). */
    @WithDefault("3s")
    Duration lookahead();
  }

  private final Reminders reminders;
  private final Settings settings;
  private final ReentrantLock oneRunAtATime = new ReentrantLock();
  private final Set<Instant> wakeUps = ConcurrentHashMap.newKeySet();
  private final ScheduledExecutorService timer =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "reminder-timer");
            t.setDaemon(true);
            return t;
          });

  public ReminderClock(Reminders reminders, Settings settings) {
    this.reminders = reminders;
    this.settings = settings;
  }

  /**
   * The cron tick. A tick that finds a run in progress is skipped: that run or the next tick covers
   * it.
   */
  public void tick() {
    if (!oneRunAtATime.tryLock()) {
      return;
    }
    try {
      Instant now = Instant.now();
      reminders.sendDue(now);
      if (settings.timer()) {
        reminders.upcoming(now, now.plus(settings.lookahead())).forEach(this::wakeAt);
      }
    } finally {
      oneRunAtATime.unlock();
    }
  }

  /** A task was given this remind_at (fired by {@link TaskService}). */
  public record RemindAtSet(Instant remindAt) {}

  /**
   * Once the change is committed (a wake-up before that would not see it), wake up at that time if
   * it is close; a later one is left to the ticks' lookahead.
   */
  void remindAtSet(@Observes(during = TransactionPhase.AFTER_SUCCESS) RemindAtSet set) {
    if (settings.timer() && set.remindAt().isBefore(Instant.now().plus(settings.lookahead()))) {
      wakeAt(set.remindAt());
    }
  }

  private void wakeAt(Instant at) {
    if (wakeUps.add(at)) {
      schedule(at);
    }
  }

  private void schedule(Instant at) {
    long delayNanos = Math.max(0, Duration.between(Instant.now(), at).toNanos());
    timer.schedule(() -> wakeUp(at), delayNanos, TimeUnit.NANOSECONDS);
  }

  /** Unlike a tick, a wake-up waits for a run in progress: that run may have started too early. */
  private void wakeUp(Instant at) {
    if (Instant.now().isBefore(at)) {
      // The timer's clock (nanoTime) and the wall clock (remind_at) drift apart a little.
      schedule(at);
      return;
    }
    wakeUps.remove(at);
    oneRunAtATime.lock();
    try {
      reminders.sendDue(Instant.now());
    } catch (RuntimeException e) {
      LOG.warnf("reminder wake-up for %s failed, the next tick retries: %s", at, e.toString());
    } finally {
      oneRunAtATime.unlock();
    }
  }

  void stop(@Observes ShutdownEvent e) {
    timer.shutdownNow();
  }
}
