package dev.todoevents.service;

import io.quarkus.security.identity.SecurityIdentity;
import jakarta.enterprise.context.RequestScoped;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * Whose data a request may touch. The user is the bearer token's {@code sub} (see {@link
 * SubjectIsTheUser}); a request for another user's data needs the {@value #ADMIN_ROLE} role (the
 * token's {@code groups} claim), which is a back-office act, never a user's.
 */
@RequestScoped
public class Users {

  /** The group (JWT {@code groups} claim) that may read across users. */
  public static final String ADMIN_ROLE = "todo-admin";

  private final SecurityIdentity identity;

  public Users(SecurityIdentity identity) {
    this.identity = identity;
  }

  /** The token's user (its {@code sub}). */
  public String current() {
    return identity.getPrincipal().getName();
  }

  public boolean isAdmin() {
    return identity.hasRole(ADMIN_ROLE);
  }

  /**
   * The user a read is for: the token's user when {@code requested} is blank or names them; another
   * user only for an admin.
   *
   * @throws NotYours when a non-admin names someone else (answered 403)
   */
  public String readableUser(String requested) {
    String me = current();
    if (requested == null || requested.isBlank() || requested.equals(me)) {
      return me;
    }
    if (isAdmin()) {
      return requested;
    }
    throw new NotYours(requested);
  }

  /**
   * Like {@link #readableUser(String)}, but an admin who names nobody reads across all users
   * (null); a user always reads only their own.
   */
  public String readableUserOrAll(String requested) {
    if ((requested == null || requested.isBlank()) && isAdmin()) {
      return null;
    }
    return readableUser(requested);
  }

  /**
   * The token's user, as the owner of what a request writes or reads; {@code claimed} (a user_id
   * the client sent) may only repeat it. Unlike reads, the admin role does not widen this.
   *
   * @throws NotYours when {@code claimed} names someone else (answered 403)
   */
  public String owner(String claimed) {
    String me = current();
    if (claimed != null && !claimed.equals(me)) {
      throw new NotYours(claimed);
    }
    return me;
  }

  /** A user_id that is not the token's user. */
  public static final class NotYours extends RuntimeException {
    public NotYours(String claimedUserId) {
      super("user_id '" + claimedUserId + "' is not the user of the bearer token");
    }
  }

  /**
   * The 403 of {@link NotYours}, the same JSON shape as every other error, logged: a user reaching
   * for another's data is what a security log pipeline looks for (the line's MDC names the user,
   * {@link LogContext.Requests}).
   */
  public static class Errors {
    private static final org.jboss.logging.Logger LOG =
        org.jboss.logging.Logger.getLogger(Users.class);

    @ServerExceptionMapper
    public Response notYours(NotYours e) {
      LOG.infof("refused (403): %s", e.getMessage());
      return Response.status(403)
          .type(MediaType.APPLICATION_JSON)
          .entity(
              new ApiError(
                  "forbidden",
                  e.getMessage(),
                  List.of(
                      new ApiError.FieldProblem(
                          "user_id", "must be the authenticated user or left out"))))
          .build();
    }
  }
}
