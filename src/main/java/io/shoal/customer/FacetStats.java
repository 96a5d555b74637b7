package io.shoal.customer;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Each common facet's share of {@code customer_facets} (V46) as ANALYZE last saw it (pg_stats' most
 * common values), kept in the JVM for 10 minutes: which facet of a list filtered by several tags or
 * metadata pairs drives its page (the rarest; tag and pair frequencies differ by 1,000x). The page's
 * statement looked them up itself until the thirtieth pass, at every call: ~0.5-1 ms of a two-facet
 * page at 1,000,000 customers under load, more than its probes (bench/README.md, thirtieth pass).
 * The answer never depends on these figures: a stale or missing share only picks another facet to
 * read first, bounded like any walk.
 */
final class FacetStats {

  private static final Logger LOG = LoggerFactory.getLogger(FacetStats.class);

  static final long REFRESH_NANOS = TimeUnit.MINUTES.toNanos(10);

  private final Pool pool;
  private final AtomicBoolean refreshing = new AtomicBoolean();
  private volatile Shares shares = new Shares(Map.of(), Long.MIN_VALUE);

  /** Facet text (as {@code customer_facets.facet} holds it) to its share of all entries; taken at {@code takenAt} (nanoTime). */
  record Shares(Map<String, Double> of, long takenAt) {
    /** A facet ANALYZE did not list among the common ones is rarer than every listed one. */
    double share(String facet) {
      return of.getOrDefault(facet, 0.0);
    }
  }

  FacetStats(Pool pool) {
    this.pool = pool;
  }

  /**
   * The shares: until they were first read, each call reads them on {@code via} (the caller's own
   * connection: a page holds one while it asks, so a read on the pool could wait for connections
   * that pages hold while they wait for it); later calls get what is kept, and when it is older than
   * {@link #REFRESH_NANOS} a new read is started on the pool, not awaited.
   */
  Future<Shares> current(SqlClient via) {
    Shares s = shares;
    if (s.takenAt() == Long.MIN_VALUE) {
      return read(via).recover(failed -> {
        LOG.warn("Reading the facets' statistics failed; this list reads its facets in name order", failed);
        return Future.succeededFuture(s);
      });
    }
    if (System.nanoTime() - s.takenAt() > REFRESH_NANOS && refreshing.compareAndSet(false, true)) {
      read(pool).onComplete(done -> {
        if (done.failed()) { // keep what there is; try again after the same interval
          LOG.warn("Reading the facets' statistics failed; keeping the ones read before", done.cause());
          shares = new Shares(shares.of(), System.nanoTime());
        }
        refreshing.set(false);
      });
    }
    return Future.succeededFuture(s);
  }

  /** Reads the shares now (on the pool). */
  Future<Shares> refresh() {
    return read(pool);
  }

  private Future<Shares> read(SqlClient client) {
    return client.query("SELECT most_common_vals::text::text[] AS vals, most_common_freqs AS freqs FROM pg_stats"
            + " WHERE schemaname = current_schema() AND tablename = 'customer_facets' AND attname = 'facet'")
        .execute()
        .map(rs -> {
          Map<String, Double> of = new HashMap<>();
          for (Row r : rs) {
            String[] vals = r.getArrayOfStrings("vals");
            Float[] freqs = r.getArrayOfFloats("freqs");
            if (vals == null || freqs == null) {
              continue;
            }
            for (int i = 0; i < Math.min(vals.length, freqs.length); i++) {
              of.merge(vals[i], (double) freqs[i], Math::max);
            }
          }
          Shares read = new Shares(Map.copyOf(of), System.nanoTime());
          shares = read;
          return read;
        });
  }

  /** A tag's facet text: {@code 't' || tag} (V46). */
  static String tag(String tag) {
    return "t" + tag;
  }

  /**
   * A metadata pair's facet text: {@code 'm' || jsonb_build_object(key, value)::text} (V46), i.e.
   * jsonb's text of a one-key object, its strings escaped as PostgreSQL's {@code escape_json} does.
   */
  static String pair(String key, String value) {
    StringBuilder out = new StringBuilder(key.length() + value.length() + 10).append("m{");
    json(out, key);
    out.append(": ");
    json(out, value);
    return out.append('}').toString();
  }

  private static void json(StringBuilder out, String s) {
    out.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '\b' -> out.append("\\b");
        case '\f' -> out.append("\\f");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        default -> {
          if (c < ' ') {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    out.append('"');
  }
}
