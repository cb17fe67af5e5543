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
 * The development token issuer of the tests and of the local run (tools/dev-token.sh runs {@link
 * #main}): an RSA key pair made on first use (never stored in the repository), and RS256 bearer
 * tokens for any user id ({@code sub}), issuer {@value #ISSUER}, audience {@value #AUDIENCE}. The
 * apps verify them with the public key file ({@code mp.jwt.verify.publickey.location}).
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
        // A public key: readable by the apps also when they run as another user (containers).
        Files.setPosixFilePermissions(
            pem, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
        shared = new DevIssuer(keys, pem);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return shared;
  }

  /**
   * The local run's issuer: its key pair in {@code dir} (private.pem PKCS#8, public.pem), made
   * there on first use, so that tokens stay valid across runs and tools/dev-token.sh signs what the
   * apps of tools/run.sh accept.
   */
  public static DevIssuer persistent(Path dir) {
    Path privatePem = dir.resolve("private.pem");
    Path publicPem = dir.resolve("public.pem");
    try {
      if (!nonEmpty(privatePem) || !nonEmpty(publicPem)) {
        KeyPair keys = Pem.rsaKeyPair();
        Files.createDirectories(dir);
        Files.deleteIfExists(privatePem);
        Files.createFile(
            privatePem,
            java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                java.nio.file.attribute.PosixFilePermissions.fromString("rw-------")));
        Files.writeString(privatePem, Pem.encode("PRIVATE KEY", keys.getPrivate().getEncoded()));
        Files.writeString(publicPem, Pem.encode("PUBLIC KEY", keys.getPublic().getEncoded()));
        System.err.println("[dev-token] made the dev issuer key pair in " + dir);
        return new DevIssuer(keys, publicPem);
      }
      java.security.KeyFactory rsa = java.security.KeyFactory.getInstance("RSA");
      KeyPair keys =
          new KeyPair(
              rsa.generatePublic(new java.security.spec.X509EncodedKeySpec(Pem.decode(publicPem))),
              rsa.generatePrivate(
                  new java.security.spec.PKCS8EncodedKeySpec(Pem.decode(privatePem))));
      return new DevIssuer(keys, publicPem);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot read the dev issuer's key pair in " + dir, e);
    }
  }

  /**
   * tools/dev-token.sh: prints a token for a user, valid for ttl seconds (default 12 hours).
   *
   * <p>Usage: {@code DevIssuer [--admin] <user-id> [ttl-seconds] | --init}
   */
  public static void main(String[] args) {
    List<String> a = new java.util.ArrayList<>(List.of(args));
    boolean admin = !a.isEmpty() && a.get(0).equals("--admin");
    if (admin) {
      a.remove(0);
    }
    String user = null;
    if (a.isEmpty() || !a.get(0).equals("--init")) {
      user = a.isEmpty() ? "" : a.get(0);
      if (user.isEmpty()) {
        die(
            "usage: tools/dev-token.sh [--admin] <user-id> [ttl-seconds]   (or --init to make the"
                + " key pair only)");
      }
      if (!user.matches("[A-Za-z0-9._@-]{1,128}")) {
        die("user id '" + user + "': use 1-128 letters, digits, . _ @ -");
      }
    }
    String ttlArg = a.size() > 1 ? a.get(1) : "43200";
    if (!ttlArg.matches("[0-9]+")) {
      die("ttl '" + ttlArg + "' is not a number of seconds");
    }
    // The apps refuse a token that lives longer than 24 h (smallrye.jwt.time-to-live).
    long ttl = ttlArg.length() > 6 ? Long.MAX_VALUE : Long.parseLong(ttlArg);
    if (ttl < 1 || ttl > 86400) {
      die(
          "ttl "
              + ttlArg
              + ": use 1 to 86400 seconds (the apps refuse tokens that live longer than 24 h)");
    }
    DevIssuer issuer = persistent(ProjectPaths.runtime().resolve("dev-issuer"));
    if (user == null) {
      return;
    }
    Map<String, Object> claims = claims(user);
    claims.put("exp", (Long) claims.get("iat") + ttl);
    claims.put("jti", UUID.randomUUID().toString().replace("-", ""));
    if (admin) {
      claims.put("groups", List.of(ADMIN_GROUP));
    }
    System.out.println(issuer.sign(claims));
  }

  private static void die(String message) {
    System.err.println("[dev-token] ERROR: " + message);
    System.exit(1);
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

  private static boolean nonEmpty(Path p) throws IOException {
    return Files.exists(p) && Files.size(p) > 0;
  }

  private static String b64(byte[] bytes) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }
}
