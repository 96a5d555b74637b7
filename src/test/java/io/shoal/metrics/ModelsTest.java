package io.shoal.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The models against the literature: the published CDNOW estimates and the paper's worked
 * example. Reference values not printed in the papers were computed independently with SciPy
 * ({@code scipy.special.hyp2f1}) from the same formulas.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ModelsTest {

  private static final BgNbd PUBLISHED = new BgNbd(0.243, 4.414, 0.793, 2.426);

  private static void within1Percent(double published, double fitted, String name) {
    assertEquals(published, fitted, Math.abs(published) * 0.01, name + " fitted " + fitted + ", published " + published);
  }

  @Test
  void fitOnThePublishedSummaryReproducesThePublishedEstimates() {
    List<RepeatHistory> histories = new ArrayList<>();
    CdnowSample.summary().values().forEach(s -> histories.add(new RepeatHistory((int) s[0], s[1], s[2], s[3])));
    assertEquals(2357, histories.size());

    MaximumLikelihood.Fit<BgNbd> bg = MaximumLikelihood.bgNbd(histories);
    within1Percent(0.243, bg.model().r(), "r");
    within1Percent(4.414, bg.model().alpha(), "alpha");
    within1Percent(0.793, bg.model().a(), "a");
    within1Percent(2.426, bg.model().b(), "b");
    assertEquals(-9582.4, bg.logLikelihood(), 0.1, "the paper's log-likelihood");

    MaximumLikelihood.Fit<GammaGamma> gg = MaximumLikelihood.gammaGamma(histories);
    assertEquals(946, gg.customers());
    within1Percent(6.25, gg.model().p(), "p");
    within1Percent(3.74, gg.model().q(), "q");
    within1Percent(15.44, gg.model().gamma(), "gamma");
  }

  @Test
  void theTransactionsOfTheSampleFoldIntoThePublishedSummary() {
    Map<String, List<CdnowSample.Purchase>> byCustomer = new HashMap<>();
    CdnowSample.purchases().forEach(p -> byCustomer.computeIfAbsent(p.customer(), k -> new ArrayList<>()).add(p));
    long end = Instant.parse(CdnowSample.CALIBRATION_END).toEpochMilli();
    Map<String, double[]> summary = CdnowSample.summary();
    assertEquals(summary.keySet(), byCustomer.keySet());
    summary.forEach((id, s) -> {
      List<CdnowSample.Purchase> ps = byCustomer.get(id);
      long[] times = ps.stream().mapToLong(CdnowSample.Purchase::at).toArray();
      double[] values = ps.stream().mapToDouble(p -> Double.parseDouble(p.dollars())).toArray();
      RepeatHistory h = PurchaseLog.of(times, values, times.length).asOf(end);
      assertEquals((int) s[0], h.x(), id);
      assertEquals(s[1], h.tx(), 0.005, id);
      assertEquals(s[2], h.T(), 0.005, id);
      assertEquals(s[3], h.zbar(), 0.0051, id); // the file rounds to cents
    });
  }

  @Test
  void theWorkedExampleOfThePaper() {
    // Customer 1 of the sample: x = 2, t_x = 30.43, T = 38.86. The paper: 1.226 purchases expected in the next 39 weeks.
    RepeatHistory c1 = new RepeatHistory(2, 30.43, 38.86, 22.35);
    assertEquals(1.226, PUBLISHED.conditionalExpectedPurchases(39, c1), 0.0005);
    assertEquals(0.726579, PUBLISHED.pAlive(c1), 1e-6);
    assertEquals(1.196723, PUBLISHED.expectedPurchases(39), 1e-6);
    // A customer who bought once has not had the chance to drop out.
    assertEquals(1.0, PUBLISHED.pAlive(new RepeatHistory(0, 0, 30, 0)));
    // The longer the silence since the last purchase, the lower P(alive).
    double recent = PUBLISHED.pAlive(new RepeatHistory(5, 35, 38, 20));
    double silent = PUBLISHED.pAlive(new RepeatHistory(5, 5, 38, 20));
    assertEquals(true, silent < recent, silent + " < " + recent);
  }

  @Test
  void gammaGammaShrinksTheCustomersMeanTowardThePopulations() {
    GammaGamma gg = new GammaGamma(6.25, 3.74, 15.44);
    assertEquals(35.218978, gg.populationMean(), 1e-6);
    assertEquals(35.218978, gg.expectedSpend(0, 0), 1e-6);
    assertEquals(24.663714, gg.expectedSpend(2, 22.35), 1e-6);
    assertNull(new GammaGamma(2, 0.9, 10).expectedSpend(3, 20), "no finite mean spend for q <= 1");
  }

  @Test
  void predictedValueIsTheDiscountedSumOfMonthlyPurchasesTimesSpend() {
    RepeatHistory c1 = new RepeatHistory(2, 30.43, 38.86, 22.35);
    double spend = new GammaGamma(6.25, 3.74, 15.44).expectedSpend(2, 22.35);
    double undiscounted = CustomerMetrics.discountedValue(PUBLISHED, c1, spend, new MetricsSettings(39, 0));
    assertEquals(1.226028 * spend, undiscounted, 1e-4, "with no discount: E[Y(39)] x E[Z]");
    double discounted = CustomerMetrics.discountedValue(PUBLISHED, c1, spend, new MetricsSettings(39, 0.10));
    assertEquals(true, discounted < undiscounted && discounted > undiscounted / 1.1, discounted + " vs " + undiscounted);
  }
}
