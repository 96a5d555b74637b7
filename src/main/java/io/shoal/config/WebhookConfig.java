package io.shoal.config;

import java.util.function.Function;

/**
 * How outbound webhooks are sent: bounds on time and concurrency, and the retry schedule.
 * Read from {@code SHOAL_WEBHOOK_*} variables (see README, "Configuration").
 *
 * @param timeoutMs         a delivery that sends no answer byte for this long has failed
 * @param concurrency       deliveries in flight to one endpoint at once
 * @param maxInFlight       deliveries in flight to all endpoints at once
 * @param retryBaseMs       the first retry waits about this long; each next one twice as long
 * @param retryMaxMs        no retry waits longer than this
 * @param retryHorizonMs    a delivery failing for this long is given up and its endpoint marked failing
 * @param pollIntervalMs    the dispatcher looks for due work at least this often
 */
public record WebhookConfig(int timeoutMs, int concurrency, int maxInFlight, long retryBaseMs, long retryMaxMs,
                            long retryHorizonMs, int pollIntervalMs) {

  public static final String TIMEOUT_MS = "SHOAL_WEBHOOK_TIMEOUT_MS";
  public static final String CONCURRENCY = "SHOAL_WEBHOOK_CONCURRENCY";
  public static final String MAX_IN_FLIGHT = "SHOAL_WEBHOOK_MAX_IN_FLIGHT";
  public static final String RETRY_BASE_MS = "SHOAL_WEBHOOK_RETRY_BASE_MS";
  public static final String RETRY_MAX_MS = "SHOAL_WEBHOOK_RETRY_MAX_MS";
  public static final String RETRY_HORIZON_MS = "SHOAL_WEBHOOK_RETRY_HORIZON_MS";
  public static final String POLL_INTERVAL_MS = "SHOAL_WEBHOOK_POLL_INTERVAL_MS";

  public static final long THREE_DAYS_MS = 3L * 24 * 3600 * 1000;

  public static WebhookConfig from(Function<String, String> env) {
    WebhookConfig c = new WebhookConfig(
        (int) ShoalConfig.number(env, TIMEOUT_MS, 10_000, 100, 300_000),
        (int) ShoalConfig.number(env, CONCURRENCY, 16, 1, 1_000),
        (int) ShoalConfig.number(env, MAX_IN_FLIGHT, 1_024, 1, 100_000),
        ShoalConfig.number(env, RETRY_BASE_MS, 5_000, 1, 3_600_000),
        ShoalConfig.number(env, RETRY_MAX_MS, 3_600_000, 1, 86_400_000),
        ShoalConfig.number(env, RETRY_HORIZON_MS, THREE_DAYS_MS, 1, 30 * 24 * 3_600_000L),
        (int) ShoalConfig.number(env, POLL_INTERVAL_MS, 500, 10, 60_000));
    if (c.maxInFlight < c.concurrency) {
      throw new IllegalArgumentException(MAX_IN_FLIGHT + " (" + c.maxInFlight + ") must be at least "
          + CONCURRENCY + " (" + c.concurrency + ")");
    }
    return c;
  }
}
