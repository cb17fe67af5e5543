package dev.todoevents.service;

import io.smallrye.jwt.auth.principal.DefaultJWTParser;
import io.smallrye.jwt.auth.principal.JWTAuthContextInfo;
import io.smallrye.jwt.auth.principal.JWTParser;
import io.smallrye.jwt.auth.principal.ParseException;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Alternative;
import jakarta.inject.Inject;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.time.Duration;
import java.util.Collections;
import java.util.Map;
import java.util.function.LongSupplier;
import javax.crypto.SecretKey;
import org.eclipse.microprofile.jwt.JsonWebToken;

/**
 * The bearer-token parser every service authenticates with: smallrye-jwt's, plus a short memory of
 * tokens it has verified. A client sends the same token with each request, and checking its RS256
 * signature again each time was 10-14% of task-service's CPU (issue 18's profile).
 *
 * <p>Only the exact token string that passed every check is remembered, for at most {@code
 * todo.auth.verified-token-ttl} (default 60 s; 0 turns it off) and never past its {@code exp};
 * after that it is verified in full again. The per-request checks on top ({@link SubjectIsTheUser}:
 * iat not in the future, the user) still run on every request. The trade-off: a verification key
 * removed from a JWKS keeps accepting its tokens for up to the TTL.
 */
@Alternative
@Priority(1)
@ApplicationScoped
public class VerifiedTokens implements JWTParser {

  static final int CAPACITY = 10_000;

  private final JWTParser verifier;
  private final long ttlMillis;
  private final LongSupplier clock;
  private final Map<String, Verified> verified = Collections.synchronizedMap(Lru.map(CAPACITY));

  private record Verified(JsonWebToken token, long untilMillis) {}

  @Inject
  public VerifiedTokens(DefaultJWTParser verifier, TodoConfig.Auth config) {
    this(verifier, config.verifiedTokenTtl(), System::currentTimeMillis);
  }

  VerifiedTokens(JWTParser verifier, Duration ttl, LongSupplier clock) {
    this.verifier = verifier;
    this.ttlMillis = ttl.toMillis();
    this.clock = clock;
  }

  @Override
  public JsonWebToken parse(String token) throws ParseException {
    if (ttlMillis <= 0) {
      return verifier.parse(token);
    }
    long now = clock.getAsLong();
    Verified known = verified.get(token);
    if (known != null && now < known.untilMillis()) {
      return known.token();
    }
    JsonWebToken jwt = verifier.parse(token);
    verified.put(
        token, new Verified(jwt, Math.min(now + ttlMillis, jwt.getExpirationTime() * 1000)));
    return jwt;
  }

  // The rest is smallrye-jwt's, unchanged (nothing here calls it with other keys).

  @Override
  public JsonWebToken parse(String token, JWTAuthContextInfo context) throws ParseException {
    return verifier.parse(token, context);
  }

  @Override
  public JsonWebToken verify(String token, PublicKey key) throws ParseException {
    return verifier.verify(token, key);
  }

  @Override
  public JsonWebToken verify(String token, SecretKey key) throws ParseException {
    return verifier.verify(token, key);
  }

  @Override
  public JsonWebToken verify(String token, String secret) throws ParseException {
    return verifier.verify(token, secret);
  }

  @Override
  public JsonWebToken decrypt(String token, PrivateKey key) throws ParseException {
    return verifier.decrypt(token, key);
  }

  @Override
  public JsonWebToken decrypt(String token, SecretKey key) throws ParseException {
    return verifier.decrypt(token, key);
  }

  @Override
  public JsonWebToken decrypt(String token, String secret) throws ParseException {
    return verifier.decrypt(token, secret);
  }

  @Override
  public JsonWebToken parseOnly(String token) throws ParseException {
    return verifier.parseOnly(token);
  }
}
