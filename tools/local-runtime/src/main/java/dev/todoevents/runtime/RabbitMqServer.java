package dev.todoevents.runtime;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.GetResponse;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A rabbitmq-server (Debian's package) run as this user on free loopback ports: AMQP, Erlang
 * distribution and its own epmd, so that several can run side by side; its database in {@code dir}.
 * Debian's /usr/sbin wrapper switches to the rabbitmq user, so this runs the script behind it.
 *
 * <p>RabbitMQ keeps nothing for an exchange without a bound queue, and the component makes an app's
 * queue only when the app first subscribes. So before {@link #start} returns, this declares {@link
 * RabbitMqTopology}: every subscriber's queue ({@code <app-id>-<topic>}, as the component declares
 * it) and a queue per dead-letter topic, bound to their exchanges, and the policy that removes
 * live-pubsub's per-instance queues. On Kubernetes, k8s/rabbitmq does it.
 */
final class RabbitMqServer implements PubSubBroker {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path dir;
  private final String nodeName;
  private final int amqpPort;
  private final int epmdPort;
  private final ManagedProcess process;

  private RabbitMqServer(
      Path dir, String nodeName, int amqpPort, int epmdPort, ManagedProcess process) {
    this.dir = dir;
    this.nodeName = nodeName;
    this.amqpPort = amqpPort;
    this.epmdPort = epmdPort;
    this.process = process;
  }

  static RabbitMqServer start(Path dir) {
    return start(dir, Ports.free(), Ports.free(), Ports.free());
  }

  static RabbitMqServer start(Path dir, int amqpPort, int distPort, int epmdPort) {
    String bin = script("rabbitmq-server");
    try {
      Files.createDirectories(dir);
      Files.writeString(dir.resolve("enabled_plugins"), "[].\n");
      // Guest may log in from loopback only by default, which is where the sidecars are.
      Files.writeString(
          dir.resolve("rabbitmq.conf"), "listeners.tcp.default = 127.0.0.1:" + amqpPort + "\n");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Map<String, String> env = new HashMap<>();
    env.put("HOME", dir.toString()); // the Erlang cookie
    String nodeName = "rabbit-" + amqpPort + "@localhost";
    env.put("RABBITMQ_NODENAME", nodeName);
    env.put("RABBITMQ_NODE_IP_ADDRESS", "127.0.0.1");
    env.put("RABBITMQ_NODE_PORT", Integer.toString(amqpPort));
    env.put("RABBITMQ_DIST_PORT", Integer.toString(distPort));
    env.put("ERL_EPMD_PORT", Integer.toString(epmdPort));
    env.put("ERL_EPMD_ADDRESS", "127.0.0.1");
    env.put("RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS", "-kernel inet_dist_use_interface {127,0,0,1}");
    env.put("RABBITMQ_MNESIA_BASE", dir.resolve("mnesia").toString());
    env.put("RABBITMQ_LOG_BASE", dir.resolve("log").toString());
    env.put("RABBITMQ_LOGS", "-");
    env.put("RABBITMQ_ENABLED_PLUGINS_FILE", dir.resolve("enabled_plugins").toString());
    env.put("RABBITMQ_CONFIG_FILE", dir.resolve("rabbitmq").toString());
    env.put("RABBITMQ_PID_FILE", dir.resolve("rabbitmq.pid").toString());
    ManagedProcess p =
        ManagedProcess.start(
            "rabbitmq-server", List.of(bin), env, dir, dir.resolve("rabbitmq.log"));
    RabbitMqServer server = new RabbitMqServer(dir, nodeName, amqpPort, epmdPort, p);
    try {
      p.awaitLog("Server startup complete", Duration.ofSeconds(90));
      server.declare(RabbitMqTopology.ofProject());
      return server;
    } catch (RuntimeException e) {
      server.close();
      throw e;
    }
  }

  String url() {
    return "amqp://guest:guest@127.0.0.1:" + amqpPort;
  }

  /**
   * Declares the exchanges, queues and bindings over AMQP with the component's flags, and the
   * policy with rabbitmqctl (AMQP cannot set policies). Declaring again is a no-op, so a restart on
   * the same data (tools/run.sh) is fine.
   */
  void declare(RabbitMqTopology topology) {
    try (Connection c = connect();
        Channel ch = c.createChannel()) {
      for (String exchange : topology.exchanges()) {
        ch.exchangeDeclare(exchange, RabbitMqTopology.EXCHANGE_TYPE, true, false, false, null);
      }
      for (RabbitMqTopology.Queue q : topology.queues()) {
        ch.queueDeclare(q.name(), true, false, false, q.arguments());
        ch.queueBind(q.name(), q.topic(), "");
      }
    } catch (IOException | TimeoutException e) {
      throw new IllegalStateException("cannot declare the queues on " + this + ": " + e, e);
    }
    RabbitMqTopology.Policy live = RabbitMqTopology.LIVE;
    try {
      rabbitmqctl(
          "set_policy",
          "--apply-to",
          live.applyTo(),
          live.name(),
          live.pattern(),
          JSON.writeValueAsString(live.definition()));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * A RabbitMQ command: Debian's /usr/sbin wrapper switches to the rabbitmq user, so the script
   * behind it, which runs as this user.
   */
  private static String script(String name) {
    String bin = ProjectPaths.requireCommand(name, "apt-get install rabbitmq-server");
    return bin.startsWith("/usr/sbin/") ? "/usr/lib/rabbitmq/bin/" + name : bin;
  }

  /**
   * Debian's rabbitmqctl on this node (the script behind the /usr/sbin wrapper, which would switch
   * users): its output; fails unless it exits 0 within a minute.
   */
  String rabbitmqctl(String... args) {
    String bin = script("rabbitmqctl");
    List<String> command = new ArrayList<>(List.of(bin, "-n", nodeName));
    command.addAll(List.of(args));
    try {
      Path out = Files.createTempFile(dir, "rabbitmqctl", ".out");
      ProcessBuilder pb =
          new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile());
      pb.environment().put("HOME", dir.toString()); // the node's Erlang cookie
      pb.environment().put("ERL_EPMD_PORT", Integer.toString(epmdPort));
      Process p = pb.start();
      boolean exited = p.waitFor(60, TimeUnit.SECONDS);
      if (!exited) {
        p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
      String output = Files.readString(out);
      Files.delete(out);
      if (!exited || p.exitValue() != 0) {
        throw new IllegalStateException(
            "rabbitmqctl "
                + String.join(" ", args)
                + " on "
                + this
                + (exited ? " exited " + p.exitValue() : " did not exit within 60 s")
                + ":\n"
                + output);
      }
      return output;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while running rabbitmqctl", e);
    }
  }

  private Connection connect() throws IOException, TimeoutException {
    ConnectionFactory f = new ConnectionFactory();
    f.setHost("127.0.0.1");
    f.setPort(amqpPort);
    f.setConnectionTimeout(10_000);
    return f.newConnection("todo-events-local-runtime");
  }

  @Override
  public String name() {
    return "rabbitmq";
  }

  @Override
  public Map<String, String> sidecarEnv() {
    return Map.of("TODO_AMQP_URL", url());
  }

  /**
   * The messages in the queue named {@code topic} (the dead-letter queues): taken without
   * acknowledging, then the channel is closed, so they all go back to the queue in order.
   */
  @Override
  public List<String> messages(String topic) {
    try (Connection c = connect()) {
      Channel ch = c.createChannel();
      List<String> out = new ArrayList<>();
      GetResponse r;
      while ((r = ch.basicGet(topic, false)) != null) {
        out.add(new String(r.getBody(), StandardCharsets.UTF_8));
      }
      ch.close(); // unacknowledged: requeued
      return out;
    } catch (IOException | TimeoutException e) {
      throw new IllegalStateException(
          "cannot read queue "
              + topic
              + " on "
              + this
              + " (only the dead-letter topics have a queue of their own): "
              + e,
          e);
    }
  }

  @Override
  public void close() {
    process.stop(Duration.ofSeconds(30));
    // epmd daemonizes (it outlives the node); stop the one on this node's port.
    try {
      ProcessBuilder pb =
          new ProcessBuilder(
                  ProjectPaths.requireCommand("epmd", "apt-get install erlang-base"), "-kill")
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD);
      pb.environment().put("ERL_EPMD_PORT", Integer.toString(epmdPort));
      Process kill = pb.start();
      kill.waitFor(10, TimeUnit.SECONDS);
    } catch (IOException | IllegalStateException e) {
      System.err.println("could not stop epmd on port " + epmdPort + ": " + e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public String toString() {
    return "rabbitmq-server " + url();
  }
}
