package io.shoal.kernel;

import java.security.SecureRandom;

/** Prefixed random ids ({@code cust_4k2x...}): 20 base-32 characters, 100 bits of randomness. */
public final class Ids {

  private static final char[] ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz".toCharArray();
  private static final SecureRandom RANDOM = new SecureRandom();

  private Ids() {}

  public static String newId(String prefix) {
    return prefix + "_" + random(20);
  }

  public static String random(int length) {
    byte[] bytes = new byte[length];
    RANDOM.nextBytes(bytes);
    char[] out = new char[length];
    for (int i = 0; i < length; i++) {
      out[i] = ALPHABET[bytes[i] & 31];
    }
    return new String(out);
  }
}
