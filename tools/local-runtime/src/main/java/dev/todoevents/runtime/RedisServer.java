package dev.todoevents.runtime;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.resps.StreamEntry;

/**
 * A redis-server (Debian's package) on a free loopback port, with an append-only file in {@code
 * dir} that is fsynced every second, for the Redis Streams pubsub component.
 */
final class RedisServer implements PubSubBroker {
  /** A per-instance consumer group (live-pubsub's consumerID {appID}-{uuid}). */
  private static final Pattern PER_INSTANCE =
      Pattern.compile(".+-[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}");

  private final int port;
  private final ManagedProcess process;

  private RedisServer(int port, ManagedProcess process) {
    this.port = port;
    this.process = process;
  }

  static RedisServer start(Path dir) {
    return start(dir, Ports.free());
  }

  static RedisServer start(Path dir, int port) {
    String bin = ProjectPaths.requireCommand("redis-server", "apt-get install redis-server");
    ManagedProcess p =
        ManagedProcess.start(
            "redis-server",
            List.of(
                bin,
                "--port",
                Integer.toString(port),
                "--bind",
                "127.0.0.1",
                "--dir",
                dir.toString(),
                "--appendonly",
                "yes",
                "--appendfsync",
                "everysec",
                "--save",
                "",
                "--protected-mode",
                "no"),
            Map.of(),
            dir,
            dir.resolve("redis.log"));
    try {
      p.awaitLog("Ready to accept connections", Duration.ofSeconds(30));
    } catch (RuntimeException e) {
      p.close();
      throw e;
    }
    return new RedisServer(port, p);
  }

  @Override
  public String name() {
    return "redis";
  }

  @Override
  public Map<String, String> sidecarEnv() {
    return Map.of("TODO_REDIS_HOST", "127.0.0.1:" + port);
  }

  /**
   * Removes the per-instance consumer groups of {@code stream} (live-pubsub's, named
   * {appID}-{uuid}): Redis keeps a group until it is destroyed, so every realtime-service instance
   * that ever ran would leave one behind. Only for a start when none of them runs any more.
   *
   * @return the groups removed
   */
  List<String> dropPerInstanceGroups(String stream) {
    try (Jedis jedis = new Jedis("127.0.0.1", port)) {
      if (!jedis.exists(stream)) {
        return List.of();
      }
      List<String> stale =
          jedis.xinfoGroups(stream).stream()
              .map(g -> g.getName())
              .filter(n -> PER_INSTANCE.matcher(n).matches())
              .toList();
      stale.forEach(g -> jedis.xgroupDestroy(stream, g));
      return stale;
    }
  }

  /** XRANGE over the topic's stream: the component writes each message as the field "data". */
  @Override
  public List<String> messages(String topic) {
    try (Jedis jedis = new Jedis("127.0.0.1", port)) {
      List<StreamEntry> entries = jedis.xrange(topic, (StreamEntryID) null, (StreamEntryID) null);
      return entries.stream().map(e -> e.getFields().get("data")).toList();
    }
  }

  @Override
  public void close() {
    process.stop(Duration.ofSeconds(10));
  }

  @Override
  public String toString() {
    return "redis-server 127.0.0.1:" + port;
  }
}
