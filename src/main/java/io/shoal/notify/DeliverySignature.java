package io.shoal.notify;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The {@code Shoal-Signature} header of a webhook delivery:
 * {@code t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>" with the endpoint's secret>}.
 * While a rolled secret is still in its grace period the header carries a second {@code v1}
 * made with the previous secret; a receiver accepts the delivery if any {@code v1} matches.
 * {@link #verify} is the reference for receivers (docs/webhooks.md shows the same in a few lines).
 */
public final class DeliverySignature {

  public static final String HEADER = "Shoal-Signature";

  private DeliverySignature() {}

  public static String header(long unixSeconds, byte[] body, String secret, String previousSecret) {
    StringBuilder h = new StringBuilder(160).append("t=").append(unixSeconds)
        .append(",v1=").append(sign(secret, unixSeconds, body));
    if (previousSecret != null) {
      h.append(",v1=").append(sign(previousSecret, unixSeconds, body));
    }
    return h.toString();
  }

  /** Hex HMAC-SHA256 of {@code "<t>.<body>"}. */
  public static String sign(String secret, long unixSeconds, byte[] body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      mac.update(Long.toString(unixSeconds).getBytes(StandardCharsets.US_ASCII));
      mac.update((byte) '.');
      return hex(mac.doFinal(body));
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new IllegalStateException("HmacSHA256 unavailable", e);
    }
  }

  /**
   * What a receiver does: parse {@code t} and every {@code v1}, recompute, compare in constant
   * time, and refuse timestamps further than {@code toleranceSeconds} from now (replays).
   */
  public static boolean verify(String header, byte[] body, String secret, long nowSeconds, long toleranceSeconds) {
    if (header == null) {
      return false;
    }
    long t = -1;
    java.util.List<String> signatures = new java.util.ArrayList<>();
    for (String part : header.split(",")) {
      int eq = part.indexOf('=');
      if (eq < 0) {
        continue;
      }
      String key = part.substring(0, eq).trim();
      String value = part.substring(eq + 1).trim();
      if (key.equals("t")) {
        try {
          t = Long.parseLong(value);
        } catch (NumberFormatException e) {
          return false;
        }
      } else if (key.equals("v1")) {
        signatures.add(value);
      }
    }
    if (t < 0 || Math.abs(nowSeconds - t) > toleranceSeconds) {
      return false;
    }
    byte[] expected = sign(secret, t, body).getBytes(StandardCharsets.US_ASCII);
    boolean ok = false;
    for (String s : signatures) {
      ok |= MessageDigest.isEqual(expected, s.getBytes(StandardCharsets.US_ASCII));
    }
    return ok;
  }

  private static final char[] HEX = "0123456789abcdef".toCharArray();

  private static String hex(byte[] bytes) {
    char[] out = new char[bytes.length * 2];
    for (int i = 0; i < bytes.length; i++) {
      out[2 * i] = HEX[(bytes[i] >> 4) & 15];
      out[2 * i + 1] = HEX[bytes[i] & 15];
    }
    return new String(out);
  }
}
