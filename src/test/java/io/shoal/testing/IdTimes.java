package io.shoal.testing;

/** Reads the time a time-first id carries (io.shoal.kernel.Ids: newRecordId, newCustomerId). */
public final class IdTimes {

  private static final String ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz";

  private IdTimes() {}

  /** The milliseconds in the 9 characters after the id's {@code prefix_}. */
  public static long millisOf(String id) {
    int at = id.indexOf('_') + 1;
    long ms = 0;
    for (int i = at; i < at + 9; i++) {
      ms = ms * 32 + ALPHABET.indexOf(id.charAt(i));
    }
    return ms;
  }
}
