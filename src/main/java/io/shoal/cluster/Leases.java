package io.shoal.cluster;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Named leases in PostgreSQL: at most one node holds a name at a time. Taking and renewing are
 * one statement, decided by the database's clock, so nodes whose clocks differ still agree.
 *
 * <pre>
 *   acquire(name, node, ttl):  free, expired, or already this node's  --> held until now + ttl (epoch + 1 on a new holder)
 *                              held by another node, unexpired         --> empty
 *   release(name, node):       this node's --> expired now (the next node takes it at its next try)
 * </pre>
 */
public final class Leases {

  private static final String SQL_ACQUIRE =
      "INSERT INTO leases (name, holder, epoch, acquired_at, expires_at)"
          + " VALUES ($1, $2, 1, clock_timestamp(), clock_timestamp() + $3 * interval '1 millisecond')"
          + " ON CONFLICT (name) DO UPDATE SET holder = EXCLUDED.holder,"
          + "   epoch = CASE WHEN leases.holder = EXCLUDED.holder THEN leases.epoch ELSE leases.epoch + 1 END,"
          + "   acquired_at = CASE WHEN leases.holder = EXCLUDED.holder THEN leases.acquired_at ELSE clock_timestamp() END,"
          + "   expires_at = EXCLUDED.expires_at"
          + " WHERE leases.holder = EXCLUDED.holder OR leases.expires_at < clock_timestamp()"
          + " RETURNING epoch";
  /** Expired rather than deleted, so that the epoch keeps growing. */
  private static final String SQL_RELEASE =
      "UPDATE leases SET expires_at = clock_timestamp() - interval '1 millisecond' WHERE name = $1 AND holder = $2";
  private static final String SQL_ALL =
      "SELECT name, holder, epoch, acquired_at, expires_at, expires_at > clock_timestamp() AS live FROM leases ORDER BY name";

  /** A lease as stored: who holds it since when, until when, and whether it is still in force. */
  public record Lease(String name, String holder, long epoch, Instant acquiredAt, Instant expiresAt, boolean live) {}

  private final Pool pool;

  public Leases(Pool pool) {
    this.pool = pool;
  }

  /** Takes or renews {@code name} for {@code node} for {@code ttlMs}; answers its epoch, or empty when another node holds it. */
  public Future<Optional<Long>> acquire(String name, String node, long ttlMs) {
    return pool.preparedQuery(SQL_ACQUIRE).execute(Tuple.of(name, node, ttlMs))
        .map(rows -> rows.size() == 0 ? Optional.<Long>empty() : Optional.of(rows.iterator().next().getLong(0)));
  }

  /** Gives {@code name} up, if {@code node} holds it. */
  public Future<Void> release(String name, String node) {
    return pool.preparedQuery(SQL_RELEASE).execute(Tuple.of(name, node)).mapEmpty();
  }

  /** Every lease, by name. */
  public Future<List<Lease>> all() {
    return pool.query(SQL_ALL).execute().map(rows -> {
      List<Lease> out = new ArrayList<>();
      for (Row r : rows) {
        out.add(new Lease(r.getString("name"), r.getString("holder"), r.getLong("epoch"),
            r.getOffsetDateTime("acquired_at").toInstant(), r.getOffsetDateTime("expires_at").toInstant(),
            r.getBoolean("live")));
      }
      return out;
    });
  }
}
