package io.shoal.metrics;

import java.time.Instant;

/**
 * A store's fitted customer-base models: BG/NBD for the purchase process, Gamma-Gamma for spend
 * (null when too few repeat buyers, or when q ≤ 1 leaves the mean spend undefined), with what
 * they were fitted on.
 *
 * @param asOf             only orders up to this instant counted, and ages were measured to it
 * @param customers        customers with at least one order by {@code asOf}
 * @param repeatCustomers  of those, customers with a repeat purchase day (the spend model's sample)
 */
public record StoreModel(BgNbd purchases, double logLikelihood, GammaGamma spend, double spendLogLikelihood,
                         Instant asOf, int customers, int repeatCustomers, Instant fittedAt) {

  /** Fewest customers with an order, and with a repeat purchase, before a store's models are fitted. */
  public static final int MIN_CUSTOMERS = 50;
  public static final int MIN_REPEAT_CUSTOMERS = 10;

  /** Whether these histories are enough to fit the models at all. */
  public static boolean enoughData(int customers, int repeatCustomers) {
    return customers >= MIN_CUSTOMERS && repeatCustomers >= MIN_REPEAT_CUSTOMERS;
  }

  /** Fits both models on the histories as of {@code asOf}. */
  public static StoreModel fit(java.util.List<RepeatHistory> histories, Instant asOf, Instant now) {
    MaximumLikelihood.Fit<BgNbd> purchases = MaximumLikelihood.bgNbd(histories);
    int repeat = (int) histories.stream().filter(MaximumLikelihood::spends).count();
    GammaGamma spend = null;
    double spendLl = Double.NaN;
    if (repeat >= MIN_REPEAT_CUSTOMERS) {
      MaximumLikelihood.Fit<GammaGamma> g = MaximumLikelihood.gammaGamma(histories);
      spend = g.model();
      spendLl = g.logLikelihood();
    }
    return new StoreModel(purchases.model(), purchases.logLikelihood(), spend, spendLl, asOf, histories.size(),
        repeat, now);
  }
}
