package io.shoal.store;

import io.shoal.kernel.Ids;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * API key format and hashing. A key is {@code wk_live_} or {@code wk_test_} followed by 32
 * random characters (160 bits); only its SHA-256 is stored (the key is random, so a plain
 * fast hash is enough: there is nothing to guess), and only its first 12 characters are shown again.
 */
public final class ApiKeys {

  public static final int PREFIX_LENGTH = 12;

  private ApiKeys() {}

  public static String generate(String mode) {
    return "wk_" + mode + "_" + Ids.random(32);
  }

  public static String prefix(String key) {
    return key.substring(0, Math.min(PREFIX_LENGTH, key.length()));
  }

  /**
   * One SHA-256 per thread, reused: every API request hashes its key, and looking the algorithm up
   * each time (provider search, a reflective constructor) cost about as much as the hash itself
   * (bench/README, issue 17 thirteenth pass). {@code digest} hashes and resets it in one call.
   */
  private static final ThreadLocal<MessageDigest> SHA_256 = ThreadLocal.withInitial(() -> {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  });

  public static byte[] hash(String key) {
    return SHA_256.get().digest(key.getBytes(StandardCharsets.UTF_8));
  }

  public static boolean looksLikeKey(String s) {
    return s.startsWith("wk_live_") || s.startsWith("wk_test_");
  }
}
