package dev.todoevents.runtime;

import dev.todoevents.contracts.Topic;
import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.api.MessageInfo;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A nats-server (Debian's package) with JetStream on a free loopback port, its file store in {@code
 * dir}, for the JetStream pubsub component. The component does not create streams, so this makes
 * one file-backed stream per topic and per dead-letter topic (named like the topic, capturing that
 * subject), with the topic's retention as the stream's max age: the JetStream counterpart of the
 * Kafka topics TopicAdmin creates.
 */
final class NatsServer implements PubSubBroker {
  private final int port;
  private final ManagedProcess process;

  private NatsServer(int port, ManagedProcess process) {
    this.port = port;
    this.process = process;
  }

  static NatsServer start(Path dir) {
    return start(dir, Ports.free());
  }

  static NatsServer start(Path dir, int port) {
    String bin = ProjectPaths.requireCommand("nats-server", "apt-get install nats-server");
    ManagedProcess p =
        ManagedProcess.start(
            "nats-server",
            List.of(
                bin,
                "-a",
                "127.0.0.1",
                "-p",
                Integer.toString(port),
                "-js",
                "-sd",
                dir.resolve("jetstream").toString()),
            Map.of(),
            dir,
            dir.resolve("nats.log"));
    try {
      p.awaitLog("Server is ready", Duration.ofSeconds(30));
      NatsServer server = new NatsServer(port, p);
      server.ensureStreams();
      return server;
    } catch (RuntimeException e) {
      p.close();
      throw e;
    }
  }

  /**
   * One stream per topic and DLQ (same name as its subject), file storage, the topic's retention.
   */
  static List<StreamConfiguration> streams() {
    List<StreamConfiguration> out = new ArrayList<>();
    for (Topic t : Topic.values()) {
      out.add(stream(t.topicName(), t.retention()));
      out.add(stream(t.dlqName(), Topic.DLQ_RETENTION));
    }
    return out;
  }

  private static StreamConfiguration stream(String subject, Duration retention) {
    return StreamConfiguration.builder()
        .name(subject)
        .subjects(subject)
        .storageType(StorageType.File)
        .maxAge(retention)
        .build();
  }

  /** Creates missing streams and re-applies the retention of existing ones. */
  void ensureStreams() {
    try (Connection nc = connect()) {
      JetStreamManagement jsm = nc.jetStreamManagement();
      List<String> existing = jsm.getStreamNames();
      for (StreamConfiguration s : streams()) {
        if (existing.contains(s.getName())) {
          jsm.updateStream(s);
        } else {
          jsm.addStream(s);
        }
      }
    } catch (IOException | JetStreamApiException e) {
      throw new IllegalStateException(
          "cannot create the JetStream streams on " + url() + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private Connection connect() throws IOException, InterruptedException {
    return Nats.connect(
        new Options.Builder().server(url()).connectionTimeout(Duration.ofSeconds(10)).build());
  }

  String url() {
    return "nats://127.0.0.1:" + port;
  }

  @Override
  public String name() {
    return "jetstream";
  }

  @Override
  public Map<String, String> sidecarEnv() {
    return Map.of("TODO_NATS_URL", url());
  }

  /** The stream's messages by sequence (a direct read: no consumer is created or advanced). */
  @Override
  public List<String> messages(String topic) {
    try (Connection nc = connect()) {
      JetStreamManagement jsm = nc.jetStreamManagement();
      long last = jsm.getStreamInfo(topic).getStreamState().getLastSequence();
      List<String> out = new ArrayList<>();
      long seq = 1;
      while (seq <= last) {
        MessageInfo m = jsm.getNextMessage(topic, seq, topic);
        out.add(new String(m.getData(), StandardCharsets.UTF_8));
        seq = m.getSeq() + 1;
      }
      return out;
    } catch (IOException | JetStreamApiException e) {
      throw new IllegalStateException(
          "cannot read stream " + topic + " from " + url() + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    process.stop(Duration.ofSeconds(10));
  }

  @Override
  public String toString() {
    return "nats-server " + url();
  }
}
