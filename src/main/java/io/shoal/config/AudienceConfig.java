package io.shoal.config;

import java.util.function.Function;

/**
 * Audiences: how long a segment export's emailed link works, and how old a store's
 * recommendation model may grow before it is rebuilt. Read from {@code SHOAL_EXPORT_*} and
 * {@code SHOAL_RECOMMENDATIONS_*} (see README, "Configuration").
 *
 * @param exportLinkTtlSeconds the emailed download link (and the file) expire this long after
 *                             the export completes; seed 003: 6 minutes
 * @param recommendationsMaxAgeSeconds a store's co-purchase model is rebuilt from its orders
 *                             when older than this (the old one answers meanwhile)
 */
public record AudienceConfig(long exportLinkTtlSeconds, long recommendationsMaxAgeSeconds) {

  public static final String EXPORT_LINK_TTL_SECONDS = "SHOAL_EXPORT_LINK_TTL_SECONDS";
  public static final String RECOMMENDATIONS_MAX_AGE_SECONDS = "SHOAL_RECOMMENDATIONS_MAX_AGE_SECONDS";

  public static AudienceConfig from(Function<String, String> env) {
    return new AudienceConfig(
        ShoalConfig.number(env, EXPORT_LINK_TTL_SECONDS, 360, 1, 7L * 86_400),
        ShoalConfig.number(env, RECOMMENDATIONS_MAX_AGE_SECONDS, 600, 0, 7L * 86_400));
  }
}
