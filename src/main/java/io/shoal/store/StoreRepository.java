package io.shoal.store;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;

/** The SQL of stores and their API keys. */
public final class StoreRepository {

  public record Store(String id, String name, OffsetDateTime createdAt) {}

  public record Key(String id, String storeId, String prefix, String mode, String name,
                    OffsetDateTime createdAt, OffsetDateTime revokedAt) {}

  private static final String STORE_COLUMNS = "id, name, created_at";
  private static final String KEY_COLUMNS = "id, store_id, prefix, mode, name, created_at, revoked_at";

  private final Pool pool;

  public StoreRepository(Pool pool) {
    this.pool = pool;
  }

  /** Creates the store and its first key in one transaction. */
  public Future<Store> createStore(String id, String name, String keyId, String key, String mode) {
    return pool.withTransaction(conn -> conn
        .preparedQuery("INSERT INTO stores (id, name) VALUES ($1, $2) RETURNING " + STORE_COLUMNS)
        .execute(Tuple.of(id, name))
        .compose(rows -> conn.preparedQuery(
                "INSERT INTO api_keys (id, store_id, prefix, key_hash, mode, name) VALUES ($1, $2, $3, $4, $5, $6)")
            .execute(Tuple.of(keyId, id, ApiKeys.prefix(key), Buffer.buffer(ApiKeys.hash(key)), mode, "default"))
            .map(ignored -> store(rows.iterator().next()))));
  }

  public Future<Store> findStore(String id) {
    return pool.preparedQuery("SELECT " + STORE_COLUMNS + " FROM stores WHERE id = $1")
        .execute(Tuple.of(id))
        .map(rows -> rows.size() == 0 ? null : store(rows.iterator().next()));
  }

  /** Stores in creation order, after the given (created_at, id) position when not null. */
  public Future<List<Store>> listStores(OffsetDateTime afterTime, String afterId, int limit) {
    String sql = "SELECT " + STORE_COLUMNS + " FROM stores"
        + " WHERE ($1::timestamptz IS NULL OR (created_at, id) > ($1, $2))"
        + " ORDER BY created_at, id LIMIT $3";
    return pool.preparedQuery(sql).execute(Tuple.of(afterTime, afterId, limit)).map(rows -> {
      List<Store> out = new ArrayList<>();
      rows.forEach(r -> out.add(store(r)));
      return out;
    });
  }

  public Future<Key> createKey(String keyId, String storeId, String key, String mode, String name) {
    return pool.preparedQuery(
            "INSERT INTO api_keys (id, store_id, prefix, key_hash, mode, name) VALUES ($1, $2, $3, $4, $5, $6)"
                + " RETURNING " + KEY_COLUMNS)
        .execute(Tuple.of(keyId, storeId, ApiKeys.prefix(key), Buffer.buffer(ApiKeys.hash(key)), mode, name))
        .map(rows -> key(rows.iterator().next()));
  }

  public Future<List<Key>> listKeys(String storeId, OffsetDateTime afterTime, String afterId, int limit) {
    String sql = "SELECT " + KEY_COLUMNS + " FROM api_keys WHERE store_id = $1"
        + " AND ($2::timestamptz IS NULL OR (created_at, id) > ($2, $3))"
        + " ORDER BY created_at, id LIMIT $4";
    return pool.preparedQuery(sql).execute(Tuple.of(storeId, afterTime, afterId, limit)).map(rows -> {
      List<Key> out = new ArrayList<>();
      rows.forEach(r -> out.add(key(r)));
      return out;
    });
  }

  /** Revokes a key; answers the key (already revoked ones unchanged), or null if the store has no such key. */
  public Future<Key> revokeKey(String storeId, String keyId) {
    return pool.preparedQuery(
            "UPDATE api_keys SET revoked_at = coalesce(revoked_at, clock_timestamp())"
                + " WHERE store_id = $1 AND id = $2 RETURNING " + KEY_COLUMNS)
        .execute(Tuple.of(storeId, keyId))
        .map(rows -> rows.size() == 0 ? null : key(rows.iterator().next()));
  }

  /** The live key with this hash: (key id, store id), or null. */
  public Future<Key> findActiveKeyByHash(byte[] hash) {
    return pool.preparedQuery("SELECT " + KEY_COLUMNS + " FROM api_keys WHERE key_hash = $1 AND revoked_at IS NULL")
        .execute(Tuple.of(Buffer.buffer(hash)))
        .map((RowSet<Row> rows) -> rows.size() == 0 ? null : key(rows.iterator().next()));
  }

  private static Store store(Row r) {
    return new Store(r.getString("id"), r.getString("name"), r.getOffsetDateTime("created_at"));
  }

  private static Key key(Row r) {
    return new Key(r.getString("id"), r.getString("store_id"), r.getString("prefix"), r.getString("mode"),
        r.getString("name"), r.getOffsetDateTime("created_at"), r.getOffsetDateTime("revoked_at"));
  }
}
