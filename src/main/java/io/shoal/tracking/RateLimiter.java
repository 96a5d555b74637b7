package io.shoal.tracking;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Duration;

/**
 * Token buckets by name (a key, a key's visitor), on this node. A bucket holds up to one
 * period's worth of tokens and refills continuously; an event costs one token. A request that
 * does not fit is refused whole, with the seconds until it would: the Retry-After a 429 carries.
 * Plain Java (time passed in), so tests drive the clock.
 */
final class RateLimiter {

  private static final class Bucket {
    double tokens;
    long atNanos;

    Bucket(double tokens, long atNanos) {
      this.tokens = tokens;
      this.atNanos = atNanos;
    }
  }

  private final Cache<String, Bucket> buckets;

  RateLimiter(int maxBuckets) {
    this.buckets = Caffeine.newBuilder().maximumSize(maxBuckets).expireAfterAccess(Duration.ofMinutes(10)).build();
  }

  /**
   * Takes {@code cost} tokens from the bucket {@code name} holding at most {@code capacity} and
   * refilling {@code capacity} per {@code periodNanos}. Answers 0 when taken, else the whole
   * seconds to wait (at least 1) before the same request would fit; nothing is taken then.
   */
  long take(String name, int capacity, long periodNanos, int cost, long nowNanos) {
    if (cost > capacity) {
      // never fits: as long as a full bucket takes to refill
      return Math.max(1, (long) Math.ceil(periodNanos / 1e9));
    }
    Bucket b = buckets.get(name, k -> new Bucket(capacity, nowNanos));
    synchronized (b) {
      double refill = (nowNanos - b.atNanos) * (double) capacity / periodNanos;
      b.tokens = Math.min(capacity, b.tokens + Math.max(0, refill));
      b.atNanos = Math.max(b.atNanos, nowNanos);
      if (b.tokens >= cost) {
        b.tokens -= cost;
        return 0;
      }
      double missing = cost - b.tokens;
      return Math.max(1, (long) Math.ceil(missing * periodNanos / capacity / 1e9));
    }
  }

  /** Gives back what a request took when a later check refused it (so a refusal costs nothing). */
  void giveBack(String name, int capacity, int cost) {
    Bucket b = buckets.getIfPresent(name);
    if (b != null) {
      synchronized (b) {
        b.tokens = Math.min(capacity, b.tokens + cost);
      }
    }
  }
}
