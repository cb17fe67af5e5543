package dev.todoevents.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.smallrye.jwt.auth.principal.DefaultJWTParser;
import io.smallrye.jwt.auth.principal.ParseException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.junit.jupiter.api.Test;

/** What VerifiedTokens remembers, and for how long; the signature checks are smallrye-jwt's. */
class VerifiedTokensTest {

  /** Counts the full verifications; "bad" fails, any other token expires at second 1000. */
  static final class Verifier extends DefaultJWTParser {
    final List<String> verified = new ArrayList<>();

    @Override
    public JsonWebToken parse(String token) throws ParseException {
      verified.add(token);
      if (token.equals("bad")) {
        throw new ParseException("signature");
      }
      return (JsonWebToken)
          Proxy.newProxyInstance(
              getClass().getClassLoader(),
              new Class<?>[] {JsonWebToken.class},
              (proxy, method, args) -> method.getName().equals("getExpirationTime") ? 1000L : null);
    }
  }

  private final Verifier verifier = new Verifier();
  private final AtomicLong now = new AtomicLong(100_000); // ms: second 100

  @Test
  void aVerifiedTokenIsVerifiedAgainOnlyAfterTheTtl() throws Exception {
    VerifiedTokens tokens = new VerifiedTokens(verifier, Duration.ofSeconds(60), now::get);
    JsonWebToken first = tokens.parse("a");
    assertThat(tokens.parse("a")).isSameAs(first);
    now.addAndGet(59_999);
    tokens.parse("a");
    assertThat(verifier.verified).containsExactly("a");
    now.addAndGet(1);
    tokens.parse("a");
    assertThat(verifier.verified).containsExactly("a", "a");
  }

  @Test
  void neverPastTheTokensExpiry() throws Exception {
    VerifiedTokens tokens = new VerifiedTokens(verifier, Duration.ofSeconds(60), now::get);
    now.set(990_000); // 10 s before exp
    tokens.parse("a");
    now.set(1_000_000); // exp
    tokens.parse("a");
    assertThat(verifier.verified).containsExactly("a", "a");
  }

  @Test
  void aRefusedTokenIsNotRememberedAndTtlZeroTurnsItOff() throws Exception {
    VerifiedTokens tokens = new VerifiedTokens(verifier, Duration.ofSeconds(60), now::get);
    assertThatThrownBy(() -> tokens.parse("bad")).isInstanceOf(ParseException.class);
    assertThatThrownBy(() -> tokens.parse("bad")).isInstanceOf(ParseException.class);
    VerifiedTokens off = new VerifiedTokens(verifier, Duration.ZERO, now::get);
    off.parse("b");
    off.parse("b");
    assertThat(verifier.verified).containsExactly("bad", "bad", "b", "b");
  }
}
