package dev.todoevents.runtime;

import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.concurrent.CountDownLatch;

/**
 * Runs the local Kafka node for tools/run.sh: starts it on the given ports with data kept between
 * runs, creates the topics, prints a READY line, and stops the broker when this JVM is stopped
 * (SIGTERM or Ctrl-C).
 *
 * <p>Usage: {@code LocalKafka <data-dir> <port> <controller-port> [heap]}
 */
public final class LocalKafka {
  private LocalKafka() {}

  public static void main(String[] args) throws InterruptedException {
    if (args.length < 3) {
      System.err.println("usage: LocalKafka <data-dir> <port> <controller-port> [heap]");
      System.exit(2);
    }
    Path data = Paths.get(args[0]).toAbsolutePath();
    int port = Integer.parseInt(args[1]);
    int controller = Integer.parseInt(args[2]);
    String heap = args.length > 3 ? args[3] : "256m";
    KafkaBroker broker = KafkaBroker.start(data, port, controller, heap);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  broker.close();
                  stopped.countDown();
                }));
    TopicAdmin.ensureTopics(broker.bootstrapServers());
    System.out.println(
        "KAFKA READY " + broker.bootstrapServers() + " (log: " + broker.process().log() + ")");
    System.out.flush();
    // Stay up while the broker runs; if it dies, exit non-zero so the launcher notices.
    while (broker.process().isAlive()) {
      Thread.sleep(500);
    }
    if (stopped.getCount() == 1) {
      System.err.println("Kafka exited unexpectedly; see " + broker.process().log());
      Runtime.getRuntime().halt(1);
    }
  }
}
