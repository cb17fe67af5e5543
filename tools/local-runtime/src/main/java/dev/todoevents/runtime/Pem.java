package dev.todoevents.runtime;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/** The throwaway RSA keys the tests make (service-account keys, the dev token issuer), in PEM. */
final class Pem {

  private Pem() {}

  /** A fresh 2048-bit RSA key pair. */
  static KeyPair rsaKeyPair() {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
      g.initialize(2048);
      return g.generateKeyPair();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The DER bytes of a PEM file's first block. */
  static byte[] decode(java.nio.file.Path pem) throws java.io.IOException {
    String text = java.nio.file.Files.readString(pem);
    String body = text.replaceAll("(?s).*?-----BEGIN [A-Z ]+-----|-----END [A-Z ]+-----.*", "");
    return Base64.getMimeDecoder().decode(body);
  }

  /** DER bytes as PEM text, e.g. type "PUBLIC KEY" for an X.509 SubjectPublicKeyInfo. */
  static String encode(String type, byte[] der) {
    return "-----BEGIN "
        + type
        + "-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
        + "\n-----END "
        + type
        + "-----\n";
  }
}
