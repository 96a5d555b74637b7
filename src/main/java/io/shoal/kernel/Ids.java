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

  /**
   * The same shape, from {@link java.util.concurrent.ThreadLocalRandom}: for ids that name a
   * record and are no secret (a segment transition, the event announcing it), made tens of times
   * per event, where the shared SecureRandom was 7 % of the evaluator's samples in bench/engine.
   * Never for keys, tokens or links that grant access.
   */
  public static String newRecordId(String prefix) {
    java.util.concurrent.ThreadLocalRandom r = java.util.concurrent.ThreadLocalRandom.current();
    char[] out = new char[prefix.length() + 21];
    prefix.getChars(0, prefix.length(), out, 0);
    out[prefix.length()] = '_';
    long bits = r.nextLong();
    for (int i = 0; i < 20; i++) {
      if (i == 12) {
        bits = r.nextLong();
      }
      out[prefix.length() + 1 + i] = ALPHABET[(int) (bits & 31)];
      bits >>>= 5;
    }
    return new String(out);
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
