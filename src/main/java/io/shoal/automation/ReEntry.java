package io.shoal.automation;

import java.time.Duration;
import java.time.Instant;

/**
 * Whether a customer may start a rule again: {@code every_time} (default), {@code once} (ever),
 * or {@code once_per_days} ({@code days}: at most one run per that many days).
 */
public record ReEntry(String policy, int days) {

  public static final ReEntry EVERY_TIME = new ReEntry("every_time", 0);

  /** Whether a new run may start at {@code now}, given the customer's latest run of the rule (null if none). */
  public boolean allows(Instant lastRun, Instant now) {
    if (lastRun == null || policy.equals("every_time")) {
      return true;
    }
    if (policy.equals("once")) {
      return false;
    }
    return !lastRun.plus(Duration.ofDays(days)).isAfter(now);
  }

  public boolean limited() {
    return !policy.equals("every_time");
  }
}
