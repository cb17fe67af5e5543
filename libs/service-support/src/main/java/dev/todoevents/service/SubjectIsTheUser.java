package dev.todoevents.service;

import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.SecurityIdentityAugmentor;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Set;
import org.eclipse.microprofile.jwt.JsonWebToken;

/**
 * Makes the token's {@code sub} the principal's name. SmallRye JWT names the principal after
 * {@code upn}, then {@code preferred_username}, then {@code sub}: a token whose sub is bob and
 * whose upn is alice would act as alice (found in the security review). Every service asks the
 * principal's name, so fixing it here fixes it everywhere; the claims stay readable.
 */
@ApplicationScoped
public class SubjectIsTheUser implements SecurityIdentityAugmentor {

  @Override
  public Uni<SecurityIdentity> augment(SecurityIdentity identity, AuthenticationRequestContext context) {
    if (identity.isAnonymous() || !(identity.getPrincipal() instanceof JsonWebToken jwt)) {
      return Uni.createFrom().item(identity);
    }
    return Uni.createFrom().item(
        QuarkusSecurityIdentity.builder(identity).setPrincipal(new BySubject(jwt)).build());
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
