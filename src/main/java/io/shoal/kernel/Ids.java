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
   * The same shape, for ids that name a record and are no secret (a segment transition, the
   * event announcing it), made tens of times per event: the first 9 characters are the time in
   * milliseconds (the alphabet is in ASCII order, so later ids sort after earlier ones), the
   * other 11 are random, from {@link java.util.concurrent.ThreadLocalRandom} (the shared
   * SecureRandom was 7 % of the evaluator's samples in bench/engine). Time-ordered ids are added
   * at the end of the unique index of their table instead of all over it: 20-25 % less
   * PostgreSQL time per notification row at a million rows. Never for keys, tokens or links that
   * grant access.
   */
  public static String newRecordId(String prefix) {
    char[] out = timed(prefix);
    int at = prefix.length() + 1;
    long bits = java.util.concurrent.ThreadLocalRandom.current().nextLong();
    for (int i = TIME_CHARS; i < 20; i++) {
      out[at + i] = ALPHABET[(int) (bits & 31)];
      bits >>>= 5;
    }
    return new String(out);
  }

  /**
   * The same shape for customers (issue 17, eighteenth pass): the first 9 characters are the time in
   * milliseconds, as in {@link #newRecordId}, and the other 11 (55 bits) come from the shared
   * SecureRandom, as in {@link #newId}, so an id cannot be derived from ids seen before. A new
   * customer's id then lands at the end of every index keyed by it (the primary key, the three sort
   * indexes whose other keys are equal for every new customer, the activity and evaluation state keyed
   * by customer) instead of on a random leaf of each: at a million customers that random leaf was a
   * buffer miss and, after each checkpoint, a full-page image in the WAL.
   */
  public static String newCustomerId() {
    String prefix = "cust";
    return new String(timed(prefix), 0, prefix.length() + 1 + TIME_CHARS) + random(20 - TIME_CHARS);
  }

  /** {@code prefix_} and the time in milliseconds (TIME_CHARS characters), in room for a whole id. */
  private static char[] timed(String prefix) {
    char[] out = new char[prefix.length() + 21];
    prefix.getChars(0, prefix.length(), out, 0);
    int at = prefix.length() + 1;
    out[at - 1] = '_';
    long ms = System.currentTimeMillis();
    for (int i = TIME_CHARS - 1; i >= 0; i--) {
      out[at + i] = ALPHABET[(int) (ms & 31)];
      ms >>>= 5;
    }
    return out;
  }

  /** 45 bits of milliseconds: until the year 3084. */
  private static final int TIME_CHARS = 9;

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
