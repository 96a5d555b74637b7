package io.shoal.metrics;

/**
 * How predictions are made: the lifetime-value horizon and the discount rate applied to future
 * spend, and the window of the expected-purchases figure.
 *
 * @param horizonWeeks        predicted lifetime value covers this many weeks from now
 * @param annualDiscountRate  future spend is discounted at this yearly rate, e.g. 0.10
 */
public record MetricsSettings(double horizonWeeks, double annualDiscountRate) {

  public static final MetricsSettings DEFAULT = new MetricsSettings(52, 0.10);
  /** The window of {@code expected_purchases_90d}. */
  public static final double NEXT_90_DAYS_WEEKS = 90 / 7.0;
  static final double WEEKS_PER_YEAR = 365.25 / 7;
  static final double WEEKS_PER_MONTH = WEEKS_PER_YEAR / 12;
}
