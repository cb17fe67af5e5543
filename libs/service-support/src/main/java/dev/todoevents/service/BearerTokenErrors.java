package dev.todoevents.service;

import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.UnauthorizedException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * A JSON 401 with a reason, and {@code WWW-Authenticate: Bearer}, for a request to an endpoint that
 * needs a user (a bearer token) and has none, or one that does not verify (wrong signature, issuer
 * or expired). Active with {@code quarkus.http.auth.proactive=false}, where authentication happens
 * when a resource needs it.
 */
public class BearerTokenErrors {

  @ServerExceptionMapper
  public Response missing(UnauthorizedException e) {
    return unauthorized(
        "missing_token", "this endpoint needs a bearer token: Authorization: Bearer <JWT>");
  }

  @ServerExceptionMapper
  public Response invalid(AuthenticationFailedException e) {
    return unauthorized(
        "invalid_token",
        "the bearer token was refused (signature, issuer or expiry); get a new one from the issuer");
  }

  private static Response unauthorized(String error, String message) {
    return Response.status(401)
        .header("WWW-Authenticate", "Bearer")
        .type(MediaType.APPLICATION_JSON)
        .entity(ApiError.of(error, message))
        .build();
  }
}
