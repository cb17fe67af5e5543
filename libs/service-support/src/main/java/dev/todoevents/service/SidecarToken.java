package dev.todoevents.service;

import dev.todoevents.contracts.DaprNames;
import io.quarkus.runtime.Startup;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.NameBinding;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.Provider;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * The app API token: endpoints only the sidecar calls (event deliveries, input bindings) are marked
 * {@link FromSidecar}, and a request without APP_API_TOKEN (the sidecar sends it as {@code
 * dapr-api-token} on every call to the app) is refused with 401, so nobody but the sidecar can feed
 * the app events. Secure by default: an app started without APP_API_TOKEN refuses every such
 * request (unless {@code todo.sidecar.require-app-token=false}, which only unit tests set). The
 * other direction (app to sidecar) uses DAPR_API_TOKEN, which the Dapr SDK and {@link
 * ServiceInvocation} send.
 */
public final class SidecarToken {

  /** Carries the app token (sidecar to app) and the API token (app to sidecar). */
  public static final String HEADER = DaprNames.API_TOKEN_HEADER;

  private static final Logger LOG = Logger.getLogger(SidecarToken.class);

  private SidecarToken() {}

  /** A configured token, else the environment variable Dapr itself reads; blank counts as none. */
  public static Optional<String> orEnv(Optional<String> configured, String envVar) {
    return configured
        .or(() -> Optional.ofNullable(System.getenv(envVar)))
        .filter(t -> !t.isBlank());
  }

  /** Marks a resource (or method) that only the Dapr sidecar calls. */
  @NameBinding
  @Retention(RetentionPolicy.RUNTIME)
  @Target({ElementType.TYPE, ElementType.METHOD})
  public @interface FromSidecar {}

  /** The app token this app expects; warns at startup when it has none but requires one. */
  @Startup
  @ApplicationScoped
  public static class Expected {
    private final Optional<byte[]> token;
    private final boolean required;

    public Expected(TodoConfig.Sidecar sidecar) {
      this.token =
          orEnv(sidecar.appToken(), "APP_API_TOKEN").map(t -> t.getBytes(StandardCharsets.UTF_8));
      this.required = sidecar.requireAppToken();
      if (token.isEmpty() && required) {
        LOG.warn(
            "APP_API_TOKEN is not set: every sidecar-only endpoint refuses every request (set it, and give the"
                + " sidecar the same value)");
      }
    }

    public Optional<byte[]> token() {
      return token;
    }

    public boolean required() {
      return required;
    }
  }

  /** Refuses a {@link FromSidecar} request without the app API token. */
  @Provider
  @FromSidecar
  @Priority(Priorities.AUTHENTICATION)
  public static class Check implements ContainerRequestFilter {

    // A bean (read through its proxy at request time): filters are built before runtime config.
    private final Expected config;

    public Check(Expected config) {
      this.config = config;
    }

    @Override
    public void filter(ContainerRequestContext request) {
      Optional<byte[]> expected = config.token();
      if (expected.isEmpty()) {
        if (config.required()) {
          LOG.warnf(
              "refused %s %s: this app has no APP_API_TOKEN",
              request.getMethod(), request.getUriInfo().getPath());
          request.abortWith(
              Response.status(Response.Status.UNAUTHORIZED)
                  .type(MediaType.APPLICATION_JSON)
                  .entity(
                      ApiError.of(
                          "unauthorized",
                          "this app was started without APP_API_TOKEN: sidecar-only endpoints are closed"))
                  .build());
        }
        return;
      }
      String given = request.getHeaderString(HEADER);
      if (given == null
          || !MessageDigest.isEqual(expected.get(), given.getBytes(StandardCharsets.UTF_8))) {
        LOG.warnf(
            "refused %s %s: %s",
            request.getMethod(),
            request.getUriInfo().getPath(),
            given == null ? "no " + HEADER : "wrong " + HEADER);
        request.abortWith(
            Response.status(Response.Status.UNAUTHORIZED)
                .type(MediaType.APPLICATION_JSON)
                .entity(
                    ApiError.of(
                        "unauthorized",
                        "only the Dapr sidecar may call this endpoint: "
                            + HEADER
                            + " missing or wrong"))
                .build());
      }
    }
  }
}
