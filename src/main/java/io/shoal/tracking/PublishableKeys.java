package io.shoal.tracking;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.shoal.kernel.Ids;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The SQL of publishable keys, and the cache the browser endpoint looks them up through (a hit
 * costs no database round trip; a revocation on this node takes effect at once, on others within
 * {@link #TTL}; unknown keys are cached too, briefly, so a flood of made-up keys stays cheap).
 */
public final class PublishableKeys {

  static final Duration TTL = Duration.ofSeconds(10);

  private static final String COLUMNS = "store_id, id, key, name, allowed_origins, rate_limit_per_second,"
      + " visitor_rate_limit_per_minute, consent, created_at, revoked_at";
  private static final String SQL_INSERT = "INSERT INTO publishable_keys (store_id, id, key, name, allowed_origins,"
      + " rate_limit_per_second, visitor_rate_limit_per_minute, consent) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"
      + " RETURNING " + COLUMNS;
  private static final String SQL_LIST = "SELECT " + COLUMNS + " FROM publishable_keys WHERE store_id = $1"
      + " AND ($2::timestamptz IS NULL OR (created_at, id) > ($2, $3)) ORDER BY created_at, id LIMIT $4";
  private static final String SQL_REVOKE = "UPDATE publishable_keys SET revoked_at = coalesce(revoked_at, clock_timestamp())"
      + " WHERE store_id = $1 AND id = $2 RETURNING " + COLUMNS;
  private static final String SQL_ACTIVE = "SELECT " + COLUMNS + " FROM publishable_keys WHERE key = $1 AND revoked_at IS NULL";

  private final Pool pool;
  private final Cache<String, Optional<PublishableKey>> cache = Caffeine.newBuilder()
      .maximumSize(100_000)
      .expireAfterWrite(TTL)
      .build();

  public PublishableKeys(Pool pool) {
    this.pool = pool;
  }

  static String generate() {
    return PublishableKey.PREFIX + Ids.random(32);
  }

  Future<PublishableKey> create(String storeId, String name, List<String> origins, int ratePerSecond,
                                int visitorPerMinute, String consent) {
    return pool.preparedQuery(SQL_INSERT).execute(Tuple.tuple().addValue(storeId).addValue(Ids.newId("pkey"))
            .addValue(generate()).addValue(name).addValue(origins.toArray(new String[0])).addValue(ratePerSecond)
            .addValue(visitorPerMinute).addValue(consent))
        .map(rows -> read(rows.iterator().next()));
  }

  Future<List<PublishableKey>> list(String storeId, OffsetDateTime afterTime, String afterId, int limit) {
    return pool.preparedQuery(SQL_LIST).execute(Tuple.of(storeId, afterTime, afterId, limit)).map(rows -> {
      List<PublishableKey> out = new ArrayList<>();
      rows.forEach(r -> out.add(read(r)));
      return out;
    });
  }

  /** Revokes the key (once: a second revocation answers the first one's time); null when unknown. */
  Future<PublishableKey> revoke(String storeId, String id) {
    return pool.preparedQuery(SQL_REVOKE).execute(Tuple.of(storeId, id)).map(rows -> {
      if (rows.size() == 0) {
        return null;
      }
      PublishableKey k = read(rows.iterator().next());
      cache.invalidate(k.key());
      return k;
    });
  }

  /** The active key with this value, or null. */
  public Future<PublishableKey> active(String key) {
    Optional<PublishableKey> cached = cache.getIfPresent(key);
    if (cached != null) {
      return Future.succeededFuture(cached.orElse(null));
    }
    return pool.preparedQuery(SQL_ACTIVE).execute(Tuple.of(key)).map(rows -> {
      PublishableKey k = rows.size() == 0 ? null : read(rows.iterator().next());
      cache.put(key, Optional.ofNullable(k));
      return k;
    });
  }

  private static PublishableKey read(Row r) {
    return new PublishableKey(r.getString("id"), r.getString("store_id"), r.getString("key"), r.getString("name"),
        List.of(r.getArrayOfStrings("allowed_origins")), r.getInteger("rate_limit_per_second"),
        r.getInteger("visitor_rate_limit_per_minute"), r.getString("consent"), r.getOffsetDateTime("created_at"),
        r.getOffsetDateTime("revoked_at"));
  }
}
