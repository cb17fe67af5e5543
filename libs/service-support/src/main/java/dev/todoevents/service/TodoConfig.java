package dev.todoevents.service;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithConverter;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import org.eclipse.microprofile.config.spi.Converter;

/**
 * The system's own settings ({@code todo.*}) shared by every Java service. Shared values are set in
 * META-INF/microprofile-config.properties; an app's application.properties overrides them.
 */
public final class TodoConfig {

  private TodoConfig() {}

  /** Event deliveries: dedupe, dead-lettering, fault injection. */
  @ConfigMapping(prefix = "todo.events")
  public interface Events {

    /** Where processed event_ids are remembered ({@link ProcessedEvents}). */
    @WithDefault("state-store")
    @WithConverter(Dedupe.Parser.class)
    Dedupe dedupe();

    /** Failed deliveries of one event after which the app dead-letters it. */
    @WithDefault("6")
    int maxAttempts();

    FaultInjection faultInjection();

    /** For tests of the retry path only. */
    interface FaultInjection {
      /** Fail the first this many deliveries of every event before its handler runs. */
      @WithDefault("0")
      int failAttempts();
    }
  }

  /** {@code todo.events.dedupe}. */
  public enum Dedupe {
    /** The Dapr state store: every instance of the app shares the markers. */
    STATE_STORE,
    /** This instance only. */
    MEMORY,
    OFF;

    /** The config value: state-store, memory or off. */
    public static Dedupe parse(String value) {
      for (Dedupe d : values()) {
        if (d.name().replace('_', '-').toLowerCase(Locale.ROOT).equals(value.trim())) {
          return d;
        }
      }
      throw new IllegalArgumentException(
          "todo.events.dedupe must be state-store, memory or off, not " + value);
    }

    public static class Parser implements Converter<Dedupe> {
      @Override
      public Dedupe convert(String value) {
        return parse(value);
      }
    }
  }

  /** This app's Dapr sidecar. */
  @ConfigMapping(prefix = "todo.sidecar")
  public interface Sidecar {
    /** Its HTTP port ({@code DAPR_HTTP_PORT}, set by `dapr run` / the injector). */
    @WithDefault("${DAPR_HTTP_PORT:3500}")
    int httpPort();

    /** How long one service invocation may take, the sidecar's retries included. */
    @WithDefault("10s")
    Duration invokeTimeout();

    /** The token this app sends the sidecar; unset: the environment's DAPR_API_TOKEN. */
    Optional<String> apiToken();

    /** The token the sidecar sends this app; unset: the environment's APP_API_TOKEN. */
    Optional<String> appToken();

    /** Whether sidecar-only endpoints refuse every request when no app token is set. */
    @WithDefault("true")
    boolean requireAppToken();

    /**
     * Whether /q/health/ready includes the sidecar's outbound health ({@link SidecarReadiness}).
     */
    @WithDefault("true")
    boolean readinessCheck();
  }

  @ConfigMapping(prefix = "todo.auth")
  public interface Auth {
    /** How long a verified bearer token is remembered ({@link VerifiedTokens}); 0 turns it off. */
    @WithDefault("60s")
    Duration verifiedTokenTtl();
  }
}
