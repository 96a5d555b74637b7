package io.shoal.notify;

/**
 * What to do after one delivery attempt: plain arithmetic on plain values, no clock and no
 * randomness of its own, so tests call it directly.
 *
 * <pre>
 *   2xx ---------------------------------------------> SUCCEEDED
 *   410 ---------------------------------------------> DISABLE (the receiver says it is gone)
 *   anything else, no answer, timeout:
 *       failing for less than the horizon -----------> RETRY at now + backoff (capped at the horizon)
 *       failing for the horizon or longer -----------> GIVE_UP (endpoint failing, delivery kept)
 * </pre>
 *
 * Backoff is exponential with "equal jitter": attempt n waits between half and all of
 * {@code min(max, base * 2^(n-1))}, so receivers coming back from an outage are not hit by
 * every sender at the same instant.
 */
public final class RetryPolicy {

  public enum Action { SUCCEEDED, RETRY, GIVE_UP, DISABLE }

  /** The decision; {@code retryAtMs} is meaningful for {@link Action#RETRY} only. */
  public record Decision(Action action, long retryAtMs) {}

  /** The schedule: first wait, longest wait, and how long a delivery may keep failing. */
  public record Schedule(long baseMs, long maxMs, long horizonMs) {}

  private RetryPolicy() {}

  /**
   * @param statusCode   the answer's status, or 0 when there was none (refused, reset, timeout)
   * @param attempts     attempts made so far, this one included (1 after the first)
   * @param retrySinceMs when this delivery first failed (epoch ms), or -1 if this is its first failure
   * @param nowMs        the current time (epoch ms)
   * @param random01     a uniform random number in [0, 1), for the jitter
   */
  public static Decision decide(Schedule schedule, int statusCode, int attempts, long retrySinceMs, long nowMs,
                                double random01) {
    if (statusCode >= 200 && statusCode < 300) {
      return new Decision(Action.SUCCEEDED, 0);
    }
    if (statusCode == 410) {
      return new Decision(Action.DISABLE, 0);
    }
    long since = retrySinceMs < 0 ? nowMs : retrySinceMs;
    long deadline = since + schedule.horizonMs();
    if (nowMs >= deadline) {
      return new Decision(Action.GIVE_UP, 0);
    }
    long retryAt = Math.min(deadline, nowMs + backoffMs(schedule, attempts, random01));
    return new Decision(Action.RETRY, retryAt);
  }

  /** The wait after attempt {@code attempts} (1-based): half to all of {@code min(max, base * 2^(n-1))}. */
  public static long backoffMs(Schedule schedule, int attempts, double random01) {
    int doublings = Math.max(0, Math.min(attempts - 1, 40));
    double full = Math.min((double) schedule.maxMs(), schedule.baseMs() * Math.pow(2, doublings));
    double jittered = full / 2 + (full / 2) * Math.max(0, Math.min(random01, 1));
    return Math.max(1, (long) jittered);
  }
}
