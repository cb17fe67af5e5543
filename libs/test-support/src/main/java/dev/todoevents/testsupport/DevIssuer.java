package dev.todoevents.testsupport;

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
import java.util.UUID;

/**
 * A development token issuer for tests, the same as tools/dev-token.sh: an RSA key pair made on
 * first use (never stored in the repository), and RS256 bearer tokens for any user id
 * ({@code sub}), issuer {@value #ISSUER}. The apps verify them with the public key file
 * ({@code mp.jwt.verify.publickey.location}).
 */
public final class DevIssuer {

  /** mp.jwt.verify.issuer of the apps' default configuration. */
  public static final String ISSUER = "todo-events-dev";

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
    return token(userId, ISSUER, Instant.now().plusSeconds(3600));
  }

  /** A token with another issuer or expiry, for tests of what the apps refuse. */
  public String token(String userId, String issuer, Instant expiresAt) {
    long now = Instant.now().getEpochSecond();
    String header = "{\"alg\":\"RS256\",\"typ\":\"JWT\"}";
    String claims =
        "{\"iss\":\"" + json(issuer) + "\",\"sub\":\"" + json(userId) + "\",\"iat\":" + now
            + ",\"exp\":" + expiresAt.getEpochSecond() + ",\"jti\":\"" + UUID.randomUUID() + "\"}";
    String signingInput = b64(header.getBytes(StandardCharsets.UTF_8)) + "." + b64(claims.getBytes(StandardCharsets.UTF_8));
    try {
      Signature rs256 = Signature.getInstance("SHA256withRSA");
      rs256.initSign(keys.getPrivate());
      rs256.update(signingInput.getBytes(StandardCharsets.US_ASCII));
      return signingInput + "." + b64(rs256.sign());
    } catch (GeneralSecurityException e) {
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

  private static String json(String s) {
    return s.replace("\\", "\\\\").replace("\"", "\\\"");
  }
}
