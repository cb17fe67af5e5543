package dev.todoevents.runtime;

import dev.todoevents.contracts.Topic;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * The system on real processes: the broker behind the component {@code pubsub} (Kafka with the
 * project's topics, or what TODO_BROKER names), a Dapr Sentry (mTLS between the sidecars, so access
 * control applies), then for each app instance its daprd (the project's components/,
 * subscriptions/, resiliency/) and its packaged app. The one composition of the e2e tests (on free
 * ports, {@link #start(Path, Options, String...)}), the benchmark and tools/run.sh (on dapr.yaml's
 * ports, {@link #startDev}). {@link #close()} stops everything, apps first.
 */
public final class LocalSystem implements AutoCloseable {

  /**
   * How to start a system on free ports.
   *
   * @param broker the broker behind pubsub ({@link PubSubBroker#NAMES})
   * @param notStarted instances whose daprd is started but not the app (started later by the caller
   *     with {@code app(instance).start()})
   * @param otlpEndpoint the OTLP receiver (host:port) every sidecar and app exports to; null: none
   * @param databases JDBC URL by app-id: that app's instances run its {@code
   *     quarkus-app-postgresql} package on this database (user {@link PostgresServer#USER})
   * @param jvmFlags the Java apps' JVM flags
   * @param parallel whether the instances start at once (as {@code dapr run -f .}) or one by one
   */
  public record Options(
      String broker,
      Set<String> notStarted,
      String otlpEndpoint,
      Map<String, String> databases,
      List<String> jvmFlags,
      boolean parallel) {

    /** TODO_BROKER's broker, every app started, no traces, H2, one by one. */
    public static Options defaults() {
      return new Options(
          PubSubBroker.selected(), Set.of(), null, Map.of(), ServiceApp.DEFAULT_JVM_FLAGS, true);
    }

    public Options broker(String b) {
      return new Options(b, notStarted, otlpEndpoint, databases, jvmFlags, parallel);
    }

    public Options notStarted(Set<String> n) {
      return new Options(broker, Set.copyOf(n), otlpEndpoint, databases, jvmFlags, parallel);
    }

    public Options otlpEndpoint(String z) {
      return new Options(broker, notStarted, z, databases, jvmFlags, parallel);
    }

    public Options databases(Map<String, String> d) {
      return new Options(broker, notStarted, otlpEndpoint, Map.copyOf(d), jvmFlags, parallel);
    }

    public Options jvmFlags(List<String> f) {
      return new Options(broker, notStarted, otlpEndpoint, databases, List.copyOf(f), parallel);
    }

    public Options parallel(boolean p) {
      return new Options(broker, notStarted, otlpEndpoint, databases, jvmFlags, p);
    }
  }

  private final Path work;
  private final Options options;

  /** dapr.yaml, for a local run on its ports; null on free ports. */
  private final RunFile runFile;

  private final DevIssuer issuer;
  private final Path secrets;

  /** The local run's log folder (on free ports each instance logs in its own folder). */
  private Path logs;

  private KafkaBroker kafka;
  private PubSubBroker pubsub;
  private Sentry sentry;
  private Map<String, String> sidecarEnv;
  private final Map<String, Daprd> sidecars = Collections.synchronizedMap(new LinkedHashMap<>());
  private final Map<String, ServiceApp> apps = Collections.synchronizedMap(new LinkedHashMap<>());

  private LocalSystem(Path work, Options options, RunFile runFile, DevIssuer issuer, Path secrets) {
    this.work = work;
    this.options = options;
    this.runFile = runFile;
    this.issuer = issuer;
    this.secrets = secrets;
  }

  /**
   * On free ports, everything in {@code work}.
   *
   * @param instances app-ids; a second instance of an app is named {@code app-id#2} (its own daprd
   *     with the same app-id, its own folder and ports)
   */
  public static LocalSystem start(Path work, Options options, String... instances) {
    LocalSystem s =
        new LocalSystem(
            work,
            options,
            null,
            DevIssuer.shared(),
            ProjectPaths.root().resolve("tools/dapr/secrets.example.json"));
    return s.launch(List.of(instances));
  }

  /**
   * The local run (tools/run.sh): every app of dapr.yaml on its ports, the broker and Sentry on
   * {@link DevPorts}, data kept in {@code data} (Kafka's log, H2 files, the state store, Sentry's
   * CA), the processes' logs in {@code logs}. Jaeger and Prometheus are the caller's.
   *
   * @param otlpEndpoint where the sidecars and apps send their traces (host:port)
   */
  public static LocalSystem startDev(
      Path data,
      Path logs,
      RunFile runFile,
      String broker,
      String otlpEndpoint,
      DevIssuer issuer,
      Path secrets,
      Set<String> notStarted) {
    Options o =
        Options.defaults()
            .broker(broker)
            .otlpEndpoint(otlpEndpoint)
            .parallel(true)
            .notStarted(notStarted);
    LocalSystem s = new LocalSystem(data, o, runFile, issuer, secrets);
    s.logs = logs;
    return s.launch(runFile.appIds());
  }

  private LocalSystem launch(List<String> instances) {
    String broker = options.broker();
    boolean dev = runFile != null;
    try {
      // Another broker replaces Kafka (pubsub and live-pubsub both move): no Kafka node then.
      if (broker.equals("kafka")) {
        kafka =
            dev
                ? KafkaBroker.start(
                    work.resolve("kafka"), DevPorts.KAFKA, DevPorts.KAFKA_CONTROLLER, "256m")
                : KafkaBroker.start(work.resolve("kafka"));
        TopicAdmin.ensureTopics(kafka.bootstrapServers());
      }
      pubsub = dev ? devBroker(broker) : PubSubBroker.start(broker, work.resolve(broker), kafka);
      sentry =
          dev
              ? Sentry.start(
                  work.resolve("sentry"),
                  DevPorts.SENTRY,
                  DevPorts.SENTRY_HEALTHZ,
                  DevPorts.SENTRY_METRICS)
              : Sentry.start(work.resolve("sentry"));
      sidecarEnv = SystemEnv.sidecars(work, kafka, pubsub, options.otlpEndpoint(), secrets);
      if (options.parallel()) {
        launchAll(instances);
      } else {
        for (String instance : instances) {
          launchInstance(instance, !options.notStarted().contains(instance));
        }
      }
      return this;
    } catch (RuntimeException e) {
      close();
      throw e;
    }
  }

  private PubSubBroker devBroker(String broker) {
    Path data = work.resolve(broker);
    return switch (broker) {
      case "kafka" -> new KafkaPubSub(kafka);
      case "redis" -> {
        RedisServer redis = RedisServer.start(data, DevPorts.REDIS);
        // live-pubsub's groups of earlier runs' realtime-service instances: none runs now.
        redis.dropPerInstanceGroups(Topic.TASK_UPDATES.topicName());
        yield redis;
      }
      case "rabbitmq" ->
          RabbitMqServer.start(
              data, DevPorts.RABBITMQ, DevPorts.RABBITMQ_DIST, DevPorts.RABBITMQ_EPMD);
      case "jetstream" -> NatsServer.start(data, DevPorts.NATS);
      default ->
          throw new IllegalArgumentException(
              "unknown broker " + broker + "; one of " + PubSubBroker.NAMES);
    };
  }

  private void launchAll(List<String> instances) {
    ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, instances.size()));
    try {
      List<Future<?>> started = new ArrayList<>();
      for (String instance : instances) {
        started.add(
            pool.submit(() -> launchInstance(instance, !options.notStarted().contains(instance))));
      }
      for (Future<?> f : started) {
        f.get(180, TimeUnit.SECONDS);
      }
    } catch (java.util.concurrent.ExecutionException e) {
      throw e.getCause() instanceof RuntimeException r
          ? r
          : new IllegalStateException(e.getCause());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    } finally {
      pool.shutdownNow();
    }
  }

  private ServiceApp launchInstance(String instance, boolean startApp) {
    String id = instance.split("#")[0];
    ServiceApp app;
    if (runFile != null) {
      RunFile.App a = runFile.app(id);
      Daprd sidecar =
          Daprd.start(
              id,
              a.appPort(),
              "http",
              logs,
              sidecarEnv,
              sentry,
              runFile.resourcesPaths(options.broker()),
              a.config(),
              a.daprHttpPort(),
              a.daprGrpcPort(),
              a.metricsPort());
      sidecars.put(instance, sidecar);
      Map<String, String> env = new LinkedHashMap<>(a.env());
      env.putAll(SystemEnv.app(sidecar, work, options.otlpEndpoint(), issuer));
      app = new ServiceApp(id, a.appPort(), logs, env);
      if (!a.jvmFlags().isEmpty()) {
        app.jvmFlags(a.jvmFlags());
      }
    } else {
      int port = Ports.free();
      Path dir = work.resolve(instance.replace('#', '-'));
      Daprd sidecar = Daprd.start(id, port, dir, sidecarEnv, sentry, options.broker());
      sidecars.put(instance, sidecar);
      Map<String, String> env =
          new LinkedHashMap<>(SystemEnv.app(sidecar, dir, options.otlpEndpoint()));
      String jdbcUrl = options.databases().get(id);
      if (jdbcUrl != null) {
        env.put("QUARKUS_DATASOURCE_JDBC_URL", jdbcUrl);
        env.put("QUARKUS_DATASOURCE_USERNAME", PostgresServer.USER);
        env.put("QUARKUS_DATASOURCE_PASSWORD", "unused"); // trust auth
      }
      app = new ServiceApp(id, port, dir, env).jvmFlags(options.jvmFlags());
      if (jdbcUrl != null) {
        app.packageDir("quarkus-app-postgresql");
      }
    }
    // In the map before it starts, so that close() stops it even if the start fails half-way.
    apps.put(instance, app);
    return startApp ? app.start() : app;
  }

  /**
   * Starts an instance that was not named when the system started, sidecar and app: a consumer
   * whose sidecar subscribes for the first time now. Stopped with the rest by {@link #close()}.
   */
  public ServiceApp startLater(String instance) {
    if (sidecars.containsKey(instance)) {
      throw new IllegalStateException(instance + " is already part of the system");
    }
    return launchInstance(instance, true);
  }

  /** Kafka, when it is the broker; null when another broker replaces it. */
  public KafkaBroker kafka() {
    return kafka;
  }

  /** The broker behind the component pubsub. */
  public PubSubBroker pubsub() {
    return pubsub;
  }

  public Sentry sentry() {
    return sentry;
  }

  public ServiceApp app(String instance) {
    return apps.get(instance);
  }

  public Daprd sidecar(String instance) {
    return sidecars.get(instance);
  }

  /** The instances, in the order they were named. */
  public List<String> instances() {
    synchronized (apps) {
      return List.copyOf(apps.keySet());
    }
  }

  @Override
  public void close() {
    List<ServiceApp> a;
    List<Daprd> d;
    synchronized (apps) {
      a = new ArrayList<>(apps.values());
    }
    synchronized (sidecars) {
      d = new ArrayList<>(sidecars.values());
    }
    Shutdown.system(a, d, sentry, pubsub, kafka);
  }
}
