package io.shoal.config;

import java.util.Optional;
import java.util.function.Function;

/**
 * Customer metrics: whether they are kept, how often the store models are refitted in the
 * background, and the lifetime-value horizon and discount rate. Read from
 * {@code SHOAL_METRICS_*} variables (see README, "Configuration").
 *
 * @param enabled          keep metrics current on every order (off: metric fields stay null)
 * @param checkIntervalMs  how often the background job looks for stores to refit or recompute
 * @param refitIntervalMs  a store's model is refitted, and every metric recomputed, at least this often
 * @param refitGrowth      refit sooner once the customers with an order grew by this fraction
 * @param settings         lifetime-value horizon (weeks) and annual discount rate
 */
public record MetricsConfig(boolean enabled, long checkIntervalMs, long refitIntervalMs, double refitGrowth,
                            Predictions settings) {

  /**
   * How predictions are made (the metrics capability turns this into its own settings; config
   * depends on no capability).
   */
  public record Predictions(double horizonWeeks, double annualDiscountRate) {}

  public static final String ENABLED = "SHOAL_METRICS_ENABLED";
  public static final String CHECK_INTERVAL_MS = "SHOAL_METRICS_CHECK_INTERVAL_MS";
  public static final String REFIT_INTERVAL_MS = "SHOAL_METRICS_REFIT_INTERVAL_MS";
  public static final String REFIT_GROWTH_PERCENT = "SHOAL_METRICS_REFIT_GROWTH_PERCENT";
  public static final String HORIZON_WEEKS = "SHOAL_METRICS_CLV_HORIZON_WEEKS";
  public static final String DISCOUNT_RATE_PERCENT = "SHOAL_METRICS_ANNUAL_DISCOUNT_RATE_PERCENT";

  public static MetricsConfig from(Function<String, String> env) {
    return new MetricsConfig(
        bool(env, ENABLED, true),
        ShoalConfig.number(env, CHECK_INTERVAL_MS, 60_000, 100, 86_400_000),
        ShoalConfig.number(env, REFIT_INTERVAL_MS, 3_600_000, 1_000, 30L * 86_400_000),
        ShoalConfig.number(env, REFIT_GROWTH_PERCENT, 10, 1, 1_000) / 100.0,
        new Predictions(ShoalConfig.number(env, HORIZON_WEEKS, 52, 1, 520),
            ShoalConfig.number(env, DISCOUNT_RATE_PERCENT, 10, 0, 100) / 100.0));
  }

  private static boolean bool(Function<String, String> env, String name, boolean def) {
    String raw = Optional.ofNullable(env.apply(name)).map(String::trim).orElse("");
    return switch (raw.toLowerCase(java.util.Locale.ROOT)) {
      case "" -> def;
      case "true" -> true;
      case "false" -> false;
      default -> throw new IllegalArgumentException(name + " must be true or false, got '" + raw + "'");
    };
  }
}
