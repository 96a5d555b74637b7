package io.shoal.delivery;

/**
 * A provider's rate limit: at most {@code perSecond} messages started per second, with bursts
 * of up to one second's worth. Plain arithmetic on a caller-given clock (nanoseconds).
 * A rate of 0 means no limit.
 */
public final class TokenBucket {

  private final int perSecond;
  private double tokens;
  private long lastNanos;

  public TokenBucket(int perSecond, long nowNanos) {
    this.perSecond = perSecond;
    this.tokens = perSecond;
    this.lastNanos = nowNanos;
  }

  /** Takes up to {@code want} tokens; answers how many were taken. */
  public int take(int want, long nowNanos) {
    if (perSecond == 0) {
      return want;
    }
    refill(nowNanos);
    int granted = (int) Math.min(want, Math.floor(tokens));
    tokens -= granted;
    return granted;
  }

  /** Nanoseconds until the next token; 0 when one is available now. */
  public long nanosUntilNext(long nowNanos) {
    if (perSecond == 0) {
      return 0;
    }
    refill(nowNanos);
    return tokens >= 1 ? 0 : (long) Math.ceil((1 - tokens) * 1_000_000_000L / perSecond);
  }

  private void refill(long nowNanos) {
    long elapsed = Math.max(0, nowNanos - lastNanos);
    lastNanos = nowNanos;
    tokens = Math.min(perSecond, tokens + elapsed * (double) perSecond / 1_000_000_000L);
  }
}
