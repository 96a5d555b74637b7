package io.shoal.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class CustomerMetricsTest {

  private static final long DAY = PurchaseLog.DAY_MS;
  private static final long NOW = Instant.parse("2026-03-10T10:00:00Z").toEpochMilli();
  private static final StoreModel MODEL = new StoreModel(new BgNbd(0.243, 4.414, 0.793, 2.426), -9582.4,
      new GammaGamma(6.25, 3.74, 15.44), -4000, Instant.ofEpochMilli(NOW), 2357, 946, Instant.ofEpochMilli(NOW));

  private static PurchaseLog log(long... atAndCents) {
    int n = atAndCents.length / 2;
    long[] at = new long[n];
    double[] v = new double[n];
    for (int i = 0; i < n; i++) {
      at[i] = atAndCents[2 * i];
      v[i] = atAndCents[2 * i + 1] / 100.0;
    }
    return PurchaseLog.of(at, v, n);
  }

  @Test
  void ordersOnOneDayAreOneTransactionWithTheirValuesSummed() {
    long d0 = NOW - 100 * DAY;
    PurchaseLog l = log(d0, 1000, d0 + 3_600_000, 500, d0 + 30 * DAY, 2000, d0 + 30 * DAY + 60_000, 1000);
    RepeatHistory h = l.asOf(NOW);
    assertEquals(1, h.x());
    assertEquals(30 / 7.0, h.tx(), 1e-9);
    assertEquals(30.0, h.zbar(), 1e-9, "the two orders of day 30 make one transaction of 30.00");
    // a backtest before the second day sees one transaction
    RepeatHistory before = l.asOf(d0 + 10 * DAY);
    assertEquals(0, before.x());
    assertEquals(10 / 7.0, before.T(), 1e-9);
    assertNull(l.asOf(d0 - DAY), "nothing bought yet");
  }

  @Test
  void withAFittedModelChurnRiskIsOneMinusPAlive() {
    long first = NOW - 272 * DAY; // T = 38.86 weeks
    PurchaseLog l = log(first, 2933, first + 213 * DAY, 1496, first + 200 * DAY, 2974);
    CustomerMetrics m = CustomerMetrics.compute(l, MODEL, RfmQuintiles.Boundaries.NONE, MetricsSettings.DEFAULT, NOW);
    RepeatHistory h = l.asOf(NOW);
    assertEquals(1 - MODEL.purchases().pAlive(h), m.churnRisk(), 1e-12);
    assertEquals(MODEL.purchases().conditionalExpectedPurchases(90 / 7.0, h), m.expectedPurchases90d(), 1e-12);
    assertEquals(CustomerMetrics.ModelStatus.FITTED, m.status());
    assertEquals(3, m.totalOrders());
    assertEquals(3, m.purchaseDays());
    assertEquals(106.5, m.purchaseFrequencyDays(), 1e-9);
    assertTrue(m.predictedClv() > 0 && m.predictedClv() < 200, "predicted " + m.predictedClv());
  }

  @Test
  void withoutAModelTheHeuristicIsRoundedAndSaysSo() {
    PurchaseLog l = log(NOW - 40 * DAY, 5000, NOW - 20 * DAY, 3000);
    CustomerMetrics m = CustomerMetrics.compute(l, null, RfmQuintiles.Boundaries.NONE, MetricsSettings.DEFAULT, NOW);
    assertEquals(CustomerMetrics.ModelStatus.INSUFFICIENT_DATA, m.status());
    // gap 20 days, silent for 20: risk 1 - e^-1
    assertEquals(0.63, m.churnRisk());
    assertEquals(Math.round((1 - 0.6321) / 20 * 90 * 100) / 100.0, m.expectedPurchases90d());
    assertEquals(40.0, m.averageOrderValue());
    // a one-time buyer is expected to buy nothing more under the heuristic
    CustomerMetrics once = CustomerMetrics.compute(log(NOW - 45 * DAY, 1000), null, RfmQuintiles.Boundaries.NONE,
        MetricsSettings.DEFAULT, NOW);
    assertEquals(0.39, once.churnRisk());
    assertEquals(0.0, once.expectedPurchases90d());
    assertNull(once.purchaseFrequencyDays());
  }

  @Test
  void rfmScoresComeFromTheStoresQuintiles() {
    RfmQuintiles q = new RfmQuintiles();
    long today = PurchaseLog.day(NOW);
    for (int i = 0; i < 100; i++) {
      q.add(today - i, 1 + i / 20, 10 * (i + 1));
    }
    PurchaseLog best = log(NOW - 2 * DAY, 50_000, NOW - DAY, 60_000, NOW - 3 * DAY, 40_000, NOW - 5 * DAY, 10_000,
        NOW - 7 * DAY, 10_000, NOW - 9 * DAY, 10_000);
    CustomerMetrics m = CustomerMetrics.compute(best, null, q.boundaries(), MetricsSettings.DEFAULT, NOW);
    assertEquals(5, m.recencyScore());
    assertEquals(5, m.frequencyScore());
    assertEquals(5, m.monetaryScore());
    assertEquals(RfmSegment.CHAMPION, m.segment());
    CustomerMetrics lost = CustomerMetrics.compute(log(NOW - 300 * DAY, 100), null, q.boundaries(),
        MetricsSettings.DEFAULT, NOW);
    assertEquals(RfmSegment.LOST, lost.segment());
    CustomerMetrics none = CustomerMetrics.compute(PurchaseLog.EMPTY, null, q.boundaries(), MetricsSettings.DEFAULT, NOW);
    assertNull(none.segment());
    assertNull(none.churnRisk());
  }
}
