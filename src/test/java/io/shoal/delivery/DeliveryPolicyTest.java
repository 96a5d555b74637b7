package io.shoal.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shoal.delivery.channel.HttpOutcome;
import io.shoal.notify.RetryPolicy;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The pure parts of sending: what follows an attempt, provider answers, rate limits. */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class DeliveryPolicyTest {

  private static final RetryPolicy.Schedule SCHEDULE = new RetryPolicy.Schedule(1_000, 60_000, Long.MAX_VALUE);
  private static final long NOW = 1_000_000;

  @Test
  void finalOutcomesAreRecordedWithTheirReason() {
    assertEquals(new DeliveryPolicy.Next("sent", 0, null),
        DeliveryPolicy.decide(SendOutcome.sent("SM1"), 1, 8, SCHEDULE, NOW, 0.5));
    assertEquals(new DeliveryPolicy.Next("bounced", 0, "smtp 550 no such user"),
        DeliveryPolicy.decide(SendOutcome.bounced("smtp 550 no such user"), 1, 8, SCHEDULE, NOW, 0.5));
    assertEquals(new DeliveryPolicy.Next("failed", 0, "twilio answered 400"),
        DeliveryPolicy.decide(SendOutcome.permanent("twilio answered 400"), 1, 8, SCHEDULE, NOW, 0.5));
  }

  @Test
  void temporaryFailuresBackOffExponentiallyWithJitterAndHonourRetryAfter() {
    DeliveryPolicy.Next first = DeliveryPolicy.decide(SendOutcome.temporary("503", 0), 1, 8, SCHEDULE, NOW, 0.0);
    assertEquals("queued", first.status());
    assertEquals(NOW + 500, first.notBeforeMs(), "half of the base at the lowest jitter");
    assertEquals(NOW + 4_000, DeliveryPolicy.decide(SendOutcome.temporary("503", 0), 3, 8, SCHEDULE, NOW, 1.0)
        .notBeforeMs(), "base * 2^2 at the highest jitter");
    assertEquals(NOW + 30_000, DeliveryPolicy.decide(SendOutcome.temporary("429", 30_000), 1, 8, SCHEDULE, NOW, 1.0)
        .notBeforeMs(), "Retry-After is a floor");
    assertEquals(NOW + 60_000, DeliveryPolicy.decide(SendOutcome.temporary("429", 86_400_000), 1, 8, SCHEDULE, NOW,
        1.0).notBeforeMs(), "capped at the longest wait");
    DeliveryPolicy.Next last = DeliveryPolicy.decide(SendOutcome.temporary("smtp 421 busy", 0), 8, 8, SCHEDULE, NOW,
        0.5);
    assertEquals(new DeliveryPolicy.Next("failed", 0, "gave up after 8 attempts: smtp 421 busy"), last);
  }

  @Test
  void httpAnswersMapToOutcomes() {
    assertEquals(null, HttpOutcome.failure("lob", 200, null, "{}", NOW));
    assertEquals(SendOutcome.Kind.TEMPORARY, HttpOutcome.failure("lob", 429, "7", "", NOW).kind());
    assertEquals(7_000, HttpOutcome.failure("lob", 429, "7", "", NOW).retryAfterMs());
    assertEquals(SendOutcome.Kind.TEMPORARY, HttpOutcome.failure("lob", 503, null, "", NOW).kind());
    assertEquals(SendOutcome.Kind.PERMANENT, HttpOutcome.failure("twilio", 400, null,
        "{\"code\":21211,\"message\":\"invalid To\"}", NOW).kind());
    assertTrue(HttpOutcome.failure("twilio", 400, null, "invalid To", NOW).reason().contains("invalid To"));
    // an HTTP date 2 minutes after "now"
    long now = java.time.Instant.parse("2026-01-01T00:00:00Z").toEpochMilli();
    assertEquals(120_000, HttpOutcome.retryAfterMs("Thu, 01 Jan 2026 00:02:00 GMT", now));
    assertEquals(0, HttpOutcome.retryAfterMs("soon", now));
  }

  @Test
  void theTokenBucketStartsAtMostRatePerSecond() {
    TokenBucket bucket = new TokenBucket(10, 0);
    assertEquals(10, bucket.take(50, 0), "a second's worth at once");
    assertEquals(0, bucket.take(1, 0));
    assertEquals(100_000_000, bucket.nanosUntilNext(0));
    assertEquals(5, bucket.take(50, 500_000_000), "half a second later, five more");
    assertEquals(50, new TokenBucket(0, 0).take(50, 0), "0 is no limit");
  }
}
