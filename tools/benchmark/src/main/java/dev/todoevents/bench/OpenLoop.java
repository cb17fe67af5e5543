package dev.todoevents.bench;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Recorder;

/**
 * One open-loop run at a constant rate: message {@code seq} is due at {@code start + seq * period}
 * and is sent then, whether or not earlier ones have arrived (the sender never waits for the
 * system, so a stall shows up as latency, not as fewer messages). Latency is measured from that due
 * time to the handler's receipt, in the same JVM ({@link System#nanoTime()}), so it is corrected
 * for coordinated omission by construction. Messages of the warm-up are counted but not recorded.
 */
final class OpenLoop {

  /** Sends message {@code seq} (async; must not block for the round trip). */
  interface Sender {
    void send(long seq) throws Exception;
  }

  private final int rate;
  private final long periodNanos;
  private final long warmup;
  private final long total;
  private final Recorder latencies = new Recorder(3);
  private final AtomicLong received = new AtomicLong();
  private final AtomicLong sent = new AtomicLong();
  private final AtomicLong sendErrors = new AtomicLong();
  private volatile long start;
  private volatile long maxLag;
  private volatile long receivedWhileSending;
  private volatile long sendNanos;

  OpenLoop(int rate, double warmupSeconds, double measureSeconds) {
    this.rate = rate;
    this.periodNanos = 1_000_000_000L / rate;
    this.warmup = Math.round(rate * warmupSeconds);
    this.total = warmup + Math.round(rate * measureSeconds);
  }

  /** The handler got message {@code seq} now. */
  void received(long seq) {
    received(seq, System.nanoTime());
  }

  /**
   * The handler got message {@code seq} at {@code now} ({@link System#nanoTime()}, also of another
   * JVM on this machine).
   */
  void received(long seq, long now) {
    received.incrementAndGet();
    if (seq >= warmup && seq < total) {
      latencies.recordValue(Math.max(0, now - (start + seq * periodNanos)));
    }
  }

  /** A send that failed after it left (an async publish answered with an error). */
  void failed() {
    sendErrors.incrementAndGet();
  }

  /** Sends every message on schedule, sampling the backlog (sent - received) as it goes. */
  void run(Sender sender) {
    start = System.nanoTime() + 50_000_000L;
    for (long seq = 0; seq < total; seq++) {
      long due = start + seq * periodNanos;
      long wait;
      while ((wait = due - System.nanoTime()) > 0) {
        LockSupport.parkNanos(Math.min(wait, 200_000L));
      }
      try {
        sender.send(seq);
        sent.incrementAndGet();
      } catch (Exception e) {
        sendErrors.incrementAndGet();
      }
      if (seq >= warmup && seq % Math.max(1, rate / 20) == 0) {
        maxLag = Math.max(maxLag, sent.get() - received.get());
      }
    }
    receivedWhileSending = received.get();
    sendNanos = System.nanoTime() - start;
  }

  /**
   * After {@link #drain}: waits while late messages still arrive (an overloaded path delivers its
   * backlog for a while, and would load the next row), until all arrived, nothing came for 3 s, or
   * {@code maxSeconds} passed.
   */
  void settle(double maxSeconds) throws InterruptedException {
    long deadline = System.nanoTime() + (long) (maxSeconds * 1e9);
    long last = received.get();
    long lastChange = System.nanoTime();
    while (received.get() < sent.get()
        && System.nanoTime() < deadline
        && System.nanoTime() - lastChange < 3_000_000_000L) {
      Thread.sleep(100);
      if (received.get() != last) {
        last = received.get();
        lastChange = System.nanoTime();
      }
    }
  }

  /**
   * Messages per second that arrived while sending (the path's throughput when it falls behind).
   */
  double deliveredPerSecond() {
    return sendNanos == 0 ? 0 : receivedWhileSending / (sendNanos / 1e9);
  }

  /** Waits until everything sent has arrived, or {@code seconds} passed; true if it all did. */
  boolean drain(double seconds) throws InterruptedException {
    long deadline = System.nanoTime() + (long) (seconds * 1e9);
    while (received.get() < sent.get() && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    return received.get() >= sent.get();
  }

  Recorder latencies() {
    return latencies;
  }

  long sent() {
    return sent.get();
  }

  long received() {
    return received.get();
  }

  long sendErrors() {
    return sendErrors.get();
  }

  long maxLag() {
    return maxLag;
  }

  int rate() {
    return rate;
  }
}
