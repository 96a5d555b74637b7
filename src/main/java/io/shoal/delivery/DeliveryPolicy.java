package io.shoal.delivery;

import io.shoal.notify.RetryPolicy;

/**
 * Where a message goes after an attempt: plain arithmetic, no clock or randomness of its own.
 *
 * <pre>
 *   SENT ------------------------------------------------> sent
 *   BOUNCED ---------------------------------------------> bounced (reason kept)
 *   PERMANENT -------------------------------------------> failed (reason kept)
 *   TEMPORARY, attempts < max ---------------------------> queued again, not before
 *                                                          now + max(backoff with jitter, Retry-After)
 *   TEMPORARY, attempts = max ---------------------------> failed ("gave up after N attempts: reason")
 * </pre>
 *
 * The backoff is the webhooks' (exponential, equal jitter: {@link RetryPolicy#backoffMs}); a
 * provider's Retry-After is a floor, capped at the longest wait so a bogus value cannot park a
 * message for a year.
 */
public final class DeliveryPolicy {

  public record Next(String status, long notBeforeMs, String error) {}

  private DeliveryPolicy() {}

  public static Next decide(SendOutcome outcome, int attempts, int maxAttempts, RetryPolicy.Schedule schedule,
                            long nowMs, double random01) {
    return switch (outcome.kind()) {
      case SENT -> new Next("sent", 0, null);
      case BOUNCED -> new Next("bounced", 0, outcome.reason());
      case PERMANENT -> new Next("failed", 0, outcome.reason());
      case TEMPORARY -> {
        if (attempts >= maxAttempts) {
          yield new Next("failed", 0, "gave up after " + attempts + " attempts: " + outcome.reason());
        }
        long wait = Math.max(RetryPolicy.backoffMs(schedule, attempts, random01),
            Math.min(outcome.retryAfterMs(), schedule.maxMs()));
        yield new Next("queued", nowMs + wait, outcome.reason());
      }
    };
  }
}
