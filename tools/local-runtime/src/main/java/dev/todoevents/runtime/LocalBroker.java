package dev.todoevents.runtime;

import dev.todoevents.contracts.Topic;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Runs the pubsub broker TODO_BROKER names, other than Kafka, for tools/run.sh: redis-server on
 * 6379, rabbitmq-server on 5672 (Erlang distribution 25672, its epmd on 4369) or nats-server with
 * JetStream on 4222, each with its data kept in {@code data-dir}; creates what the topics need
 * there (JetStream streams, RabbitMQ subscriber and dead-letter queues and the live policy),
 * removes what earlier runs' realtime-service instances left on Redis (their consumer groups),
 * prints a READY line with the environment the component reads, and stops the server when this JVM
 * is stopped.
 *
 * <p>Usage: {@code LocalBroker <redis|rabbitmq|jetstream> <data-dir>}
 */
public final class LocalBroker {
  private LocalBroker() {}

  public static void main(String[] args) throws InterruptedException {
    if (args.length != 2) {
      System.err.println("usage: LocalBroker <redis|rabbitmq|jetstream> <data-dir>");
      System.exit(2);
    }
    Path data = Paths.get(args[1]).toAbsolutePath();
    PubSubBroker broker =
        switch (args[0]) {
          case "redis" -> RedisServer.start(data, 6379);
          case "rabbitmq" -> RabbitMqServer.start(data, 5672, 25672, 4369);
          case "jetstream" -> NatsServer.start(data, 4222);
          default ->
              throw new IllegalArgumentException(
                  "LocalBroker runs redis, rabbitmq or jetstream, not " + args[0]);
        };
    Runtime.getRuntime().addShutdownHook(new Thread(broker::close));
    if (broker instanceof RedisServer redis) {
      // The live-pubsub groups of the realtime-service instances of earlier runs: none runs now.
      List<String> dropped = redis.dropPerInstanceGroups(Topic.TASK_UPDATES.topicName());
      if (!dropped.isEmpty()) {
        System.out.println(
            "removed the consumer groups of earlier realtime-service instances: " + dropped);
      }
    }
    StringBuilder env = new StringBuilder();
    for (Map.Entry<String, String> e : new TreeMap<>(broker.sidecarEnv()).entrySet()) {
      env.append(' ').append(e.getKey()).append('=').append(e.getValue());
    }
    System.out.println("BROKER READY " + broker + env);
    System.out.flush();
    while (true) {
      Thread.sleep(60_000);
    }
  }
}
