package io.shoal.metrics;

/**
 * A customer's metrics at one instant: RFM scores and segment, historic and predicted value,
 * churn risk. Pure: computed from the customer's purchases, the store's fitted model (or its
 * absence) and the store's RFM quintiles.
 *
 * <p>With a fitted model ({@link ModelStatus#FITTED}): churn risk is 1 − P(alive) under BG/NBD,
 * the expected purchases are BG/NBD's conditional expectation over the next 90 days, and the
 * predicted lifetime value sums, month by month over the horizon, the expected purchases of the
 * month times the Gamma-Gamma expected spend per purchase, each month discounted to now at the
 * annual rate.
 *
 * <p>Without one ({@link ModelStatus#INSUFFICIENT_DATA}) the documented heuristic: the customer
 * is assumed to keep buying at the gap observed between its own purchase days (90 days when it
 * bought on one day only); churn risk is 1 − exp(−days since last purchase / gap), the chance that
 * a customer still buying at that pace would have bought again by now; expected purchases are
 * (1 − churn risk) × window / gap for repeat buyers and 0 for one-time buyers, and predicted
 * value is expected purchases over the horizon × the customer's average order value,
 * undiscounted. Heuristic figures are rounded to two decimals: they carry no more precision.
 *
 * @param purchaseDays           distinct purchase days (the models' transactions)
 * @param purchaseFrequencyDays  mean days between purchase days; null with one purchase day
 * @param recencyScore           1..5, null without orders (likewise the other scores and segment)
 */
public record CustomerMetrics(int totalOrders, double totalSpent, int purchaseDays, Double averageOrderValue,
                              Double purchaseFrequencyDays, Long firstOrderAt, Long lastOrderAt,
                              Integer recencyScore, Integer frequencyScore, Integer monetaryScore, RfmSegment segment,
                              Double churnRisk, Double expectedPurchases90d, Double predictedClv,
                              ModelStatus status, long computedAt) {

  /** Whether the predictions come from the store's fitted models or from the heuristic. */
  public enum ModelStatus {
    FITTED, INSUFFICIENT_DATA;

    public String wireName() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /** Heuristic gap for a customer with a single purchase day, in days. */
  static final double DEFAULT_GAP_DAYS = 90;

  public static CustomerMetrics compute(PurchaseLog log, StoreModel model, RfmQuintiles.Boundaries quintiles,
                                        MetricsSettings settings, long nowMs) {
    ModelStatus status = model == null ? ModelStatus.INSUFFICIENT_DATA : ModelStatus.FITTED;
    RepeatHistory h = log.isEmpty() ? null : log.asOf(Math.max(nowMs, log.lastAt()));
    if (h == null) {
      return new CustomerMetrics(0, 0, 0, null, null, null, null, null, null, null, null, null, null, null, status,
          nowMs);
    }
    int days = h.x() + 1;
    double tDays = h.tx() * 7;
    Double frequencyDays = h.x() == 0 ? null : tDays / h.x();
    double aov = log.total() / log.orders();

    long lastDay = PurchaseLog.day(log.lastAt());
    int r = RfmQuintiles.score(lastDay, quintiles.recency());
    int f = RfmQuintiles.score(days, quintiles.frequency());
    int m = RfmQuintiles.score(log.total(), quintiles.monetary());

    Double churn;
    Double expected90;
    Double clv;
    if (model != null) {
      BgNbd bg = model.purchases();
      churn = 1 - bg.pAlive(h);
      expected90 = bg.conditionalExpectedPurchases(MetricsSettings.NEXT_90_DAYS_WEEKS, h);
      double perPurchase = spendPerPurchase(model.spend(), h, log.total() / days);
      clv = discountedValue(bg, h, perPurchase, settings);
    } else {
      double gap = frequencyDays == null ? DEFAULT_GAP_DAYS : Math.max(1, frequencyDays);
      double sinceLast = h.T() * 7 - tDays;
      double risk = 1 - Math.exp(-sinceLast / gap);
      double pace = h.x() == 0 ? 0 : (1 - risk) / gap;
      churn = round2(risk);
      expected90 = round2(pace * 90);
      clv = round2(pace * settings.horizonWeeks() * 7 * aov);
    }
    return new CustomerMetrics(log.orders(), log.total(), days, aov, frequencyDays, log.firstAt(), log.lastAt(),
        r, f, m, RfmSegment.of(r, f), churn, expected90, clv, status, nowMs);
  }

  /** Gamma-Gamma's expected spend per purchase day; the customer's own mean when there is no spend model. */
  private static double spendPerPurchase(GammaGamma spend, RepeatHistory h, double ownMean) {
    Double expected = spend == null ? null : spend.expectedSpend(h.x(), h.zbar());
    return expected == null ? ownMean : expected;
  }

  /** Σ over months of the horizon: E[purchases in the month] × spend, discounted from the month's end. */
  static double discountedValue(BgNbd bg, RepeatHistory h, double perPurchase, MetricsSettings settings) {
    double value = 0;
    double previous = 0;
    double t = 0;
    while (t < settings.horizonWeeks() - 1e-9) {
      t = Math.min(settings.horizonWeeks(), t + MetricsSettings.WEEKS_PER_MONTH);
      double cumulative = bg.conditionalExpectedPurchases(t, h);
      double discount = Math.pow(1 + settings.annualDiscountRate(), -t / MetricsSettings.WEEKS_PER_YEAR);
      value += (cumulative - previous) * perPurchase * discount;
      previous = cumulative;
    }
    return value;
  }

  private static double round2(double v) {
    return Math.round(v * 100) / 100.0;
  }
}
