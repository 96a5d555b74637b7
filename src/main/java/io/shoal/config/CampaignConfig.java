package io.shoal.config;

import java.util.function.Function;

/**
 * How campaigns are started, queued and attributed. Read from {@code SHOAL_CAMPAIGN_*} and
 * {@code SHOAL_ATTRIBUTION_*} variables (see README, "Configuration").
 *
 * @param pageSize               recipients queued per transaction while a campaign starts
 * @param pollIntervalMs         how often the scheduler checks for finished campaigns (and, as a
 *                               safety net, for due ones it was not told about)
 * @param attributionWindowDays  an order this many days or fewer after an open or click of a
 *                               campaign's message is its conversion, unless the campaign says otherwise
 */
public record CampaignConfig(int pageSize, int pollIntervalMs, int attributionWindowDays) {

  public static final String PAGE_SIZE = "SHOAL_CAMPAIGN_PAGE_SIZE";
  public static final String POLL_INTERVAL_MS = "SHOAL_CAMPAIGN_POLL_INTERVAL_MS";
  public static final String ATTRIBUTION_WINDOW_DAYS = "SHOAL_ATTRIBUTION_WINDOW_DAYS";

  public static CampaignConfig from(Function<String, String> env) {
    return new CampaignConfig(
        (int) ShoalConfig.number(env, PAGE_SIZE, 1_000, 1, 50_000),
        (int) ShoalConfig.number(env, POLL_INTERVAL_MS, 1_000, 10, 60_000),
        (int) ShoalConfig.number(env, ATTRIBUTION_WINDOW_DAYS, 5, 1, 365));
  }
}
