package io.shoal.tracking;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The token buckets and origin matching, as plain Java with a clock the test drives. */
class RateLimiterTest {

  private static final long SECOND = 1_000_000_000L;

  @Test
  void aBucketRefillsContinuouslyAndSaysHowLongToWait() {
    RateLimiter limiter = new RateLimiter(100);
    long t = 1_000 * SECOND;
    assertEquals(0, limiter.take("k", 10, SECOND, 10, t)); // a full bucket
    assertEquals(1, limiter.take("k", 10, SECOND, 1, t));   // empty: wait (rounded up to 1 s)
    assertEquals(0, limiter.take("k", 10, SECOND, 5, t + SECOND / 2)); // half refilled
    assertEquals(1, limiter.take("k", 10, SECOND, 1, t + SECOND / 2));
    // a per-minute bucket: 60 events a minute, one refilled per second
    assertEquals(0, limiter.take("v", 60, 60 * SECOND, 60, t));
    assertEquals(30, limiter.take("v", 60, 60 * SECOND, 30, t));
    assertEquals(0, limiter.take("v", 60, 60 * SECOND, 30, t + 30 * SECOND));
    // more than the bucket holds never fits
    assertEquals(60, limiter.take("w", 60, 60 * SECOND, 61, t));
    // giving back what a refused request took
    assertEquals(0, limiter.take("g", 5, SECOND, 5, t));
    limiter.giveBack("g", 5, 5);
    assertEquals(0, limiter.take("g", 5, SECOND, 5, t));
  }

  @Test
  void originsMatchExactlyOrByOneWildcardLabel() {
    PublishableKey k = new PublishableKey("pkey_1", "store_1", "pk_live_x", null,
        List.of("https://shop.example.com", "https://*.example.org", "http://127.0.0.1:8080"), 1, 1, "required", null, null);
    assertTrue(k.allows("https://shop.example.com"));
    assertTrue(k.allows("HTTPS://SHOP.EXAMPLE.COM"));
    assertTrue(k.allows("https://a.example.org"));
    assertTrue(k.allows("https://a.b.example.org"));
    assertTrue(k.allows("http://127.0.0.1:8080"));
    assertFalse(k.allows("https://example.org"));
    assertFalse(k.allows("http://a.example.org"));
    assertFalse(k.allows("https://evil.com/.example.org"));
    assertFalse(k.allows("https://shop.example.com.evil.net"));
    assertFalse(k.allows("http://127.0.0.1:8081"));
    assertFalse(k.allows("null"));
    assertFalse(k.allows(null));
    assertEquals("https://shop.example.com", PublishableKey.normalizeOrigin(" HTTPS://Shop.Example.com "));
    assertEquals("https://*.example.org", PublishableKey.normalizeOrigin("https://*.example.org"));
    assertEquals("http://localhost:3000", PublishableKey.normalizeOrigin("http://localhost:3000"));
    assertEquals("https://shop.example.com", PublishableKey.normalizeOrigin("https://shop.example.com/"));
    assertNull(PublishableKey.normalizeOrigin("https://shop.example.com/cart"));
    assertNull(PublishableKey.normalizeOrigin("ftp://shop.example.com"));
    assertNull(PublishableKey.normalizeOrigin("https://*"));
    assertNull(PublishableKey.normalizeOrigin("https://user@shop.example.com"));
    assertNull(PublishableKey.normalizeOrigin("shop.example.com"));
  }
}
