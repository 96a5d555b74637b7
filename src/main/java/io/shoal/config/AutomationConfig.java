package io.shoal.config;

import java.util.function.Function;

/**
 * How automations run. Read from {@code SHOAL_AUTOMATION_*} variables (see README, "Configuration").
 *
 * @param pollIntervalMs    the trigger feeds and the scheduler also look for work this often (besides being woken)
 * @param sliceSize         pending delayed actions the scheduler holds in memory: the earliest due ones
 * @param concurrency       actions executed at once
 * @param dateSweepMs       how often date-property triggers look for customers whose day has come
 * @param webhookTimeoutMs  a call_webhook action with no answer for this long has failed
 */
public record AutomationConfig(int pollIntervalMs, int sliceSize, int concurrency, long dateSweepMs,
                               int webhookTimeoutMs) {

  public static final String POLL_INTERVAL_MS = "SHOAL_AUTOMATION_POLL_INTERVAL_MS";
  public static final String SLICE_SIZE = "SHOAL_AUTOMATION_SLICE_SIZE";
  public static final String CONCURRENCY = "SHOAL_AUTOMATION_CONCURRENCY";
  public static final String DATE_SWEEP_MS = "SHOAL_AUTOMATION_DATE_SWEEP_MS";
  public static final String WEBHOOK_TIMEOUT_MS = "SHOAL_AUTOMATION_WEBHOOK_TIMEOUT_MS";

  public static AutomationConfig from(Function<String, String> env) {
    return new AutomationConfig(
        (int) ShoalConfig.number(env, POLL_INTERVAL_MS, 1_000, 10, 60_000),
        (int) ShoalConfig.number(env, SLICE_SIZE, 2_000, 10, 1_000_000),
        (int) ShoalConfig.number(env, CONCURRENCY, 16, 1, 1_000),
        ShoalConfig.number(env, DATE_SWEEP_MS, 60_000, 100, 3_600_000),
        (int) ShoalConfig.number(env, WEBHOOK_TIMEOUT_MS, 10_000, 100, 300_000));
  }
}
