package dev.todoevents.service;

import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.SecurityIdentityAugmentor;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.Set;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.jwt.JsonWebToken;

/**
 * Makes the token's {@code sub} the principal's name, and refuses a token issued in the future.
 * SmallRye JWT names the principal after {@code upn}, then {@code preferred_username}, then {@code
 * sub}: a token whose sub is bob and whose upn is alice would act as alice; and it accepts an
 * {@code iat} an hour ahead, which would stretch the 24 h lifetime bound (both found by
 * SecurityIT). Every service asks the principal's name, so fixing it here fixes it everywhere; the
 * claims stay readable.
 */
@ApplicationScoped
public class SubjectIsTheUser implements SecurityIdentityAugmentor {

  private final long skewSeconds;

  public SubjectIsTheUser(
      @ConfigProperty(name = "mp.jwt.verify.clock.skew", defaultValue = "30") long skewSeconds) {
    this.skewSeconds = skewSeconds;
  }

  @Override
  public Uni<SecurityIdentity> augment(
      SecurityIdentity identity, AuthenticationRequestContext context) {
    if (identity.isAnonymous() || !(identity.getPrincipal() instanceof JsonWebToken jwt)) {
      return Uni.createFrom().item(identity);
    }
    if (jwt.getIssuedAtTime() > Instant.now().getEpochSecond() + skewSeconds) {
      return Uni.createFrom()
          .failure(new AuthenticationFailedException("the token's iat is in the future"));
    }
    return Uni.createFrom()
        .item(QuarkusSecurityIdentity.builder(identity).setPrincipal(new BySubject(jwt)).build());
  }

  /** The same token, named by its subject. */
  record BySubject(JsonWebToken token) implements JsonWebToken {
    @Override
    public String getName() {
      return token.getSubject();
    }

    @Override
    public Set<String> getClaimNames() {
      return token.getClaimNames();
    }

    @Override
    public <T> T getClaim(String claimName) {
      return token.getClaim(claimName);
    }
  }
}
