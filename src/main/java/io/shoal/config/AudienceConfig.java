package io.shoal.config;

import java.util.function.Function;

/**
 * Audiences: how long a segment export's emailed link works, how many exports run at once and on
 * how many connections of their own, how old a store's recommendation model may grow before it
 * is rebuilt, and up to what store size a segment's create or edit waits for its backfill. Read from {@code SHOAL_EXPORT_*},
 * {@code SHOAL_RECOMMENDATIONS_*} and {@code SHOAL_SEGMENT_*} (see README, "Configuration").
 *
 * @param exportLinkTtlSeconds the emailed download link (and the file) expire this long after
 *                             the export completes; seed 003: 6 minutes
 * @param exportConnections    connections of the exports' own pool (their page reads and progress):
 *                             exports never take a connection an API request waits for
 * @param exportsMaxRunning    exports running at once on this node; one more is answered 503
 *                             {@code exports_busy} with Retry-After
 * @param recommendationsMaxAgeSeconds a store's co-purchase model is rebuilt from its orders
 *                             when older than this (the old one answers meanwhile)
 * @param segmentWaitCustomers in a store of up to this many customers (at its last sync), creating
 *                             or editing a segment answers once its backfill is done (up to 2 s);
 *                             a bigger store answers at once, {@code sync_status: in_progress}
 */
public record AudienceConfig(long exportLinkTtlSeconds, int exportConnections, int exportsMaxRunning,
                             long recommendationsMaxAgeSeconds, long segmentWaitCustomers) {

  public static final String EXPORT_LINK_TTL_SECONDS = "SHOAL_EXPORT_LINK_TTL_SECONDS";
  public static final String EXPORT_CONNECTIONS = "SHOAL_EXPORT_CONNECTIONS";
  public static final String EXPORTS_MAX_RUNNING = "SHOAL_EXPORTS_MAX_RUNNING";
  public static final String RECOMMENDATIONS_MAX_AGE_SECONDS = "SHOAL_RECOMMENDATIONS_MAX_AGE_SECONDS";
  public static final String SEGMENT_WAIT_CUSTOMERS = "SHOAL_SEGMENT_WAIT_CUSTOMERS";

  public static AudienceConfig from(Function<String, String> env) {
    return new AudienceConfig(
        ShoalConfig.number(env, EXPORT_LINK_TTL_SECONDS, 360, 1, 7L * 86_400),
        ShoalConfig.integer(env, EXPORT_CONNECTIONS, 2, 1, 100),
        ShoalConfig.integer(env, EXPORTS_MAX_RUNNING, 2, 1, 100),
        ShoalConfig.number(env, RECOMMENDATIONS_MAX_AGE_SECONDS, 600, 0, 7L * 86_400),
        ShoalConfig.number(env, SEGMENT_WAIT_CUSTOMERS, 20_000, 0, 1_000_000_000));
  }
}
