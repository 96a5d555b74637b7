package io.shoal.notify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shoal.notify.RetryPolicy.Action;
import io.shoal.notify.RetryPolicy.Decision;
import io.shoal.notify.RetryPolicy.Schedule;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {

  private static final long MINUTE = 60_000;
  private static final long DAY = 24 * 60 * MINUTE;
  private static final Schedule PRODUCTION = new Schedule(5_000, 60 * MINUTE, 3 * DAY);
  private static final long NOW = 1_800_000_000_000L;

  @Test
  void twoHundredsSucceedAndGoneDisables() {
    for (int code : new int[] {200, 201, 202, 204, 299}) {
      assertEquals(Action.SUCCEEDED, RetryPolicy.decide(PRODUCTION, code, 1, -1, NOW, 0.5).action(), "" + code);
    }
    assertEquals(Action.DISABLE, RetryPolicy.decide(PRODUCTION, 410, 7, NOW - DAY, NOW, 0.5).action());
  }

  @Test
  void everythingElseIsRetriedUntilTheHorizon() {
    for (int code : new int[] {0, 301, 400, 404, 429, 500, 503}) {
      Decision d = RetryPolicy.decide(PRODUCTION, code, 1, -1, NOW, 0.5);
      assertEquals(Action.RETRY, d.action(), "" + code);
      assertTrue(d.retryAtMs() > NOW);
    }
    assertEquals(Action.RETRY, RetryPolicy.decide(PRODUCTION, 500, 90, NOW - 3 * DAY + 1, NOW, 0.5).action());
    assertEquals(Action.GIVE_UP, RetryPolicy.decide(PRODUCTION, 500, 90, NOW - 3 * DAY, NOW, 0.5).action());
    assertEquals(Action.GIVE_UP, RetryPolicy.decide(PRODUCTION, 0, 90, NOW - 4 * DAY, NOW, 0.5).action());
  }

  @Test
  void theLastRetryIsAtTheHorizonNotBeyond() {
    long since = NOW - 3 * DAY + 1_000;
    Decision d = RetryPolicy.decide(PRODUCTION, 500, 80, since, NOW, 0.99);
    assertEquals(since + 3 * DAY, d.retryAtMs());
  }

  @Test
  void backoffDoublesWithJitterAndIsCapped() {
    assertEquals(2_500, RetryPolicy.backoffMs(PRODUCTION, 1, 0.0));
    assertEquals(5_000, RetryPolicy.backoffMs(PRODUCTION, 1, 1.0));
    assertEquals(5_000, RetryPolicy.backoffMs(PRODUCTION, 2, 0.0));
    assertEquals(10_000, RetryPolicy.backoffMs(PRODUCTION, 2, 1.0));
    assertEquals(30 * MINUTE, RetryPolicy.backoffMs(PRODUCTION, 30, 0.0));
    assertEquals(60 * MINUTE, RetryPolicy.backoffMs(PRODUCTION, 1_000, 1.0));
    long previousMax = 0;
    for (int attempt = 1; attempt <= 12; attempt++) {
      long low = RetryPolicy.backoffMs(PRODUCTION, attempt, 0);
      long high = RetryPolicy.backoffMs(PRODUCTION, attempt, 0.999999);
      assertTrue(low <= high && high >= previousMax, "attempt " + attempt);
      previousMax = high;
    }
  }

  @Test
  void aThreeDayOutageTakesDozensOfAttemptsNotThousands() {
    long since = NOW;
    long t = NOW;
    int attempts = 0;
    Decision d;
    do {
      attempts++;
      d = RetryPolicy.decide(PRODUCTION, 503, attempts, attempts == 1 ? -1 : since, t, 0.5);
      t = d.retryAtMs();
    } while (d.action() == Action.RETRY);
    assertEquals(Action.GIVE_UP, d.action());
    assertTrue(attempts > 50 && attempts < 120, "attempts: " + attempts);
  }
}
