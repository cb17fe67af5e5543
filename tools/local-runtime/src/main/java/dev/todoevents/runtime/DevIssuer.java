package dev.todoevents.runtime;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.Signature;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A development token issuer for tests, the same as tools/dev-token.sh: an RSA key pair made on
 * first use (never stored in the repository), and RS256 bearer tokens for any user id ({@code
 * sub}), issuer {@value #ISSUER}, audience {@value #AUDIENCE}. The apps verify them with the public
 * key file ({@code mp.jwt.verify.publickey.location}).
 */
public final class DevIssuer {

  /** mp.jwt.verify.issuer of the apps' default configuration. */
  public static final String ISSUER = "todo-events-dev";

  /** mp.jwt.verify.audiences of the apps' default configuration. */
  public static final String AUDIENCE = "todo-events";

  /** The group that may read across users (dev.todoevents.service.Users.ADMIN_ROLE). */
  public static final String ADMIN_GROUP = "todo-admin";

  private static final com.fasterxml.jackson.databind.ObjectMapper JSON =
      new com.fasterxml.jackson.databind.ObjectMapper();

  private static DevIssuer shared;

  private final KeyPair keys;
  private final Path publicKeyFile;

  private DevIssuer(KeyPair keys, Path publicKeyFile) {
    this.keys = keys;
    this.publicKeyFile = publicKeyFile;
  }

  /** One issuer per test JVM; its public key is written to a temporary PEM file. */
  public static synchronized DevIssuer shared() {
    if (shared == null) {
      try {
        KeyPair keys = Pem.rsaKeyPair();
        Path pem = Files.createTempFile("todo-dev-issuer-", ".pem");
        pem.toFile().deleteOnExit();
        Files.writeString(pem, Pem.encode("PUBLIC KEY", keys.getPublic().getEncoded()));
        shared = new DevIssuer(keys, pem);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return shared;
  }

  /** The PEM file for mp.jwt.verify.publickey.location (MP_JWT_VERIFY_PUBLICKEY_LOCATION). */
  public Path publicKeyFile() {
    return publicKeyFile;
  }

  /** A token for {@code userId}, valid for an hour. */
  public String token(String userId) {
    return sign(claims(userId));
  }

  /** A token with another issuer or expiry, for tests of what the apps refuse. */
  public String token(String userId, String issuer, Instant expiresAt) {
    Map<String, Object> claims = claims(userId);
    claims.put("iss", issuer);
    claims.put("exp", expiresAt.getEpochSecond());
    return sign(claims);
  }

  /** A token of the back-office role ({@value #ADMIN_GROUP}), which may read across users. */
  public String adminToken(String userId) {
    Map<String, Object> claims = claims(userId);
    claims.put("groups", List.of(ADMIN_GROUP));
    return sign(claims);
  }

  /**
   * The claims of a valid token for {@code userId}, as tools/dev-token.sh writes them: issuer,
   * audience, subject, issued now, valid for an hour. Change them and {@link #sign(Map)} them to
   * make a token the apps must refuse.
   */
  public static Map<String, Object> claims(String userId) {
    long now = Instant.now().getEpochSecond();
    Map<String, Object> claims = new LinkedHashMap<>();
    claims.put("iss", ISSUER);
    claims.put("aud", AUDIENCE);
    claims.put("sub", userId);
    claims.put("iat", now);
    claims.put("exp", now + 3600);
    claims.put("jti", UUID.randomUUID().toString());
    return claims;
  }

  /** An RS256 JWT of these claims, signed with this issuer's key. */
  public String sign(Map<String, Object> claims) {
    return sign(claims, keys.getPrivate());
  }

  /** An RS256 JWT of these claims, signed with a key of no issuer the apps trust (a forgery). */
  public static String forge(Map<String, Object> claims) {
    return sign(claims, Pem.rsaKeyPair().getPrivate());
  }

  private static String sign(Map<String, Object> claims, java.security.PrivateKey key) {
    try {
      String header = "{\"alg\":\"RS256\",\"typ\":\"JWT\"}";
      String signingInput =
          b64(header.getBytes(StandardCharsets.UTF_8)) + "." + b64(JSON.writeValueAsBytes(claims));
      Signature rs256 = Signature.getInstance("SHA256withRSA");
      rs256.initSign(key);
      rs256.update(signingInput.getBytes(StandardCharsets.US_ASCII));
      return signingInput + "." + b64(rs256.sign());
    } catch (GeneralSecurityException | java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** "Bearer " + {@link #token(String)}, for an Authorization header. */
  public String bearer(String userId) {
    return "Bearer " + token(userId);
  }

  private static String b64(byte[] bytes) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }
}
