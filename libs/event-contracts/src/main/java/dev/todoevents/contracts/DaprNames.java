package dev.todoevents.contracts;

/**
 * Dapr component names and app-ids, matched by the YAML in components/, subscriptions/ and
 * dapr.yaml. Names are broker-neutral: swapping Kafka for another broker changes the file behind
 * {@link #PUBSUB}, never this class.
 */
public final class DaprNames {
  public static final String PUBSUB = "pubsub";

  /**
   * The same broker read for live fan-out: one consumer group per instance (realtime-service), so
   * every instance receives every update.
   */
  public static final String LIVE_PUBSUB = "live-pubsub";

  public static final String STATESTORE = "statestore";
  public static final String SECRETSTORE = "secretstore";

  /** Output binding notification-service delivers through (local files by default). */
  public static final String NOTIFICATION_BINDING = "notification-outbox";

  /** Kafka partition key metadata understood by Dapr's pub/sub components. */
  public static final String PARTITION_KEY = "partitionKey";

  /** App-ids: each equals the folder name under services/. */
  public static final class AppIds {
    public static final String TASK_SERVICE = "task-service";
    public static final String RECURRING_TASK_SERVICE = "recurring-task-service";
    public static final String NOTIFICATION_SERVICE = "notification-service";
    public static final String AUDIT_SERVICE = "audit-service";
    public static final String REALTIME_SERVICE = "realtime-service";

    /** The Python consumer (services/stats-service). */
    public static final String STATS_SERVICE = "stats-service";

    /** Every app of the system, in the order the docs list them. */
    public static final java.util.List<String> ALL =
        java.util.List.of(
            TASK_SERVICE,
            AUDIT_SERVICE,
            RECURRING_TASK_SERVICE,
            NOTIFICATION_SERVICE,
            REALTIME_SERVICE,
            STATS_SERVICE);

    private AppIds() {}
  }

  private DaprNames() {}

  // Not a component: after AppIds, where dapr-lint no longer reads names as components.
  /** The header of Dapr's tokens: the API token (app to sidecar) and the app token (back). */
  public static final String API_TOKEN_HEADER = "dapr-api-token";
}
