package dev.todoevents.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.StreamEntryID;

/**
 * On a real redis-server: what a start removes are the consumer groups live-pubsub made for
 * realtime-service instances ({appID}-{uuid}), never an app's own group.
 */
class RedisServerTest {

  @Test
  void removesThePerInstanceGroupsOfEarlierRunsAndKeepsTheOthers() throws Exception {
    Path dir = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "redis-");
    int port = Ports.free();
    try (RedisServer server = RedisServer.start(dir, port);
        Jedis jedis = new Jedis("127.0.0.1", port)) {
      String gone = "realtime-service-" + UUID.randomUUID();
      jedis.xadd("task-updates", StreamEntryID.NEW_ENTRY, Map.of("data", "{}"));
      jedis.xgroupCreate("task-updates", gone, new StreamEntryID(), false);
      jedis.xgroupCreate("task-updates", "audit-service", new StreamEntryID(), false);

      assertThat(server.dropPerInstanceGroups("task-updates")).containsExactly(gone);
      assertThat(jedis.xinfoGroups("task-updates"))
          .extracting(g -> g.getName())
          .containsExactly("audit-service");
      assertThat(server.dropPerInstanceGroups("no-such-stream")).isEmpty();
    }
  }
}
