package io.shoal.delivery.channel;

import io.shoal.delivery.SendOutcome;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/**
 * How an HTTP provider's answer maps to an outcome: 2xx sent; 408, 425, 429 and 5xx temporary
 * (with the provider's Retry-After, seconds or an HTTP date); any other 4xx permanent. Plain logic.
 */
public final class HttpOutcome {

  private HttpOutcome() {}

  /** Null for 2xx (the adapter reads the provider id); otherwise the failure outcome. */
  public static SendOutcome failure(String provider, int status, String retryAfter, String body, long nowMs) {
    if (status >= 200 && status < 300) {
      return null;
    }
    String reason = provider + " answered " + status + (body == null || body.isBlank() ? "" : ": " + abbreviate(body));
    if (status == 408 || status == 425 || status == 429 || status >= 500) {
      return SendOutcome.temporary(reason, retryAfterMs(retryAfter, nowMs));
    }
    return SendOutcome.permanent(reason);
  }

  /** Retry-After as milliseconds from now: delta-seconds or an HTTP date; 0 when absent or unreadable. */
  public static long retryAfterMs(String value, long nowMs) {
    if (value == null || value.isBlank()) {
      return 0;
    }
    String v = value.trim();
    try {
      return Math.max(0, Long.parseLong(v) * 1000);
    } catch (NumberFormatException notSeconds) {
      try {
        Instant at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
        return Math.max(0, Duration.between(Instant.ofEpochMilli(nowMs), at).toMillis());
      } catch (DateTimeParseException notDate) {
        return 0;
      }
    }
  }

  static String abbreviate(String s) {
    String oneLine = s.replaceAll("\\s+", " ").trim();
    return oneLine.length() <= 300 ? oneLine : oneLine.substring(0, 300) + "...";
  }
}
