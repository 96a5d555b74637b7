package io.shoal.privacy;

import io.shoal.customer.ErasedIdentities;
import io.shoal.kernel.Ids;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The suppression list: keyed hashes of erased people's emails, phones and external ids. The customer
 * repository asks it before creating a customer or giving one a new email or phone; the
 * delivery dispatcher may ask {@link #isSuppressed} before sending to an address.
 */
public final class Suppressions implements ErasedIdentities {

  private static final String SQL_MATCH =
      "SELECT id FROM suppressions WHERE store_id = $1"
          + " AND (kind, key_hash) IN (('email', $2), ('phone', $3), ('external_id', $4)) LIMIT 1";
  /** Every suppression of these (store, kind, hash) triples, with the position of the identity each belongs to. */
  private static final String SQL_MATCH_EACH =
      "SELECT u.n, s.id FROM unnest($1::text[], $2::text[], $3::bytea[], $4::int[]) AS u(st, k, h, n)"
          + " JOIN suppressions s ON s.store_id = u.st AND s.kind = u.k AND s.key_hash = u.h";
  private static final String SQL_INSERT =
      "INSERT INTO suppressions (store_id, id, kind, key_hash, request_id) VALUES ($1, $2, $3, $4, $5)"
          + " ON CONFLICT (store_id, kind, key_hash) DO NOTHING";
  private static final String SQL_LIST =
      "SELECT id, kind, request_id, created_at FROM suppressions WHERE store_id = $1"
          + " AND ($2::timestamptz IS NULL OR (created_at, id) < ($2, $3))"
          + " ORDER BY created_at DESC, id DESC LIMIT $4";
  private static final String SQL_DELETE_BY_ID =
      "DELETE FROM suppressions WHERE store_id = $1 AND id = $2 RETURNING id, kind, request_id, created_at";
  private static final String SQL_DELETE_BY_HASH =
      "DELETE FROM suppressions WHERE store_id = $1"
          + " AND (kind, key_hash) IN (('email', $2), ('phone', $3), ('external_id', $4))"
          + " RETURNING id, kind, request_id, created_at";

  private final Pool pool;
  private final PrivacyKeys keys;

  public Suppressions(Pool pool, PrivacyKeys keys) {
    this.pool = pool;
    this.keys = keys;
  }

  @Override
  public Future<String> suppressed(SqlConnection conn, String storeId, String email, String phone, String externalId) {
    return match(conn, storeId, email, phone, externalId);
  }

  /**
   * One statement for a batch of creates: each identity's identifiers as (store, kind, hash) triples,
   * and the identity a matching suppression belongs to (any one of its matches, as {@link #suppressed}).
   */
  @Override
  public Future<List<String>> suppressedEach(SqlConnection conn, List<Identity> identities) {
    int n = identities.size();
    List<String> stores = new ArrayList<>(n * 2);
    List<String> kinds = new ArrayList<>(n * 2);
    List<Buffer> hashes = new ArrayList<>(n * 2);
    List<Integer> owners = new ArrayList<>(n * 2);
    for (int i = 0; i < n; i++) {
      Identity id = identities.get(i);
      String[] kind = {"email", "phone", "external_id"};
      String[] value = {PrivacyKeys.normaliseEmail(id.email()), PrivacyKeys.normalisePhone(id.phone()),
          PrivacyKeys.normaliseExternalId(id.externalId())};
      for (int k = 0; k < 3; k++) {
        if (value[k] != null) {
          stores.add(id.storeId());
          kinds.add(kind[k]);
          hashes.add(hash(id.storeId(), kind[k], value[k]));
          owners.add(i);
        }
      }
    }
    String[] found = new String[n];
    if (hashes.isEmpty()) {
      return Future.succeededFuture(Arrays.asList(found));
    }
    return conn.preparedQuery(SQL_MATCH_EACH).execute(Tuple.of(stores.toArray(new String[0]),
            kinds.toArray(new String[0]), hashes.toArray(new Buffer[0]), owners.toArray(new Integer[0])))
        .map(rows -> {
          for (Row r : rows) {
            int owner = r.getInteger(0);
            if (found[owner] == null) {
              found[owner] = r.getString(1);
            }
          }
          return Arrays.asList(found);
        });
  }

  /** Whether a message to this email or phone must not be sent (its person was erased). */
  public Future<Boolean> isSuppressed(String storeId, String email, String phone) {
    return match(pool, storeId, email, phone, null).map(id -> id != null);
  }

  private Future<String> match(SqlClient client, String storeId, String email, String phone, String externalId) {
    Buffer e = hash(storeId, "email", PrivacyKeys.normaliseEmail(email));
    Buffer p = hash(storeId, "phone", PrivacyKeys.normalisePhone(phone));
    Buffer x = hash(storeId, "external_id", PrivacyKeys.normaliseExternalId(externalId));
    if (e == null && p == null && x == null) {
      return Future.succeededFuture(null);
    }
    return client.preparedQuery(SQL_MATCH).execute(Tuple.of(storeId, e, p, x))
        .map(rows -> rows.size() == 0 ? null : rows.iterator().next().getString(0));
  }

  /** Adds the person's identifiers (each may be null) to the list; answers how many were new. */
  Future<Integer> add(SqlConnection conn, String storeId, String email, String phone, String externalId,
                      String requestId) {
    List<Tuple> rows = new ArrayList<>();
    Buffer x = hash(storeId, "external_id", PrivacyKeys.normaliseExternalId(externalId));
    if (x != null) {
      rows.add(Tuple.of(storeId, Ids.newId("sup"), "external_id", x, requestId));
    }
    Buffer e = hash(storeId, "email", PrivacyKeys.normaliseEmail(email));
    if (e != null) {
      rows.add(Tuple.of(storeId, Ids.newId("sup"), "email", e, requestId));
    }
    Buffer p = hash(storeId, "phone", PrivacyKeys.normalisePhone(phone));
    if (p != null) {
      rows.add(Tuple.of(storeId, Ids.newId("sup"), "phone", p, requestId));
    }
    if (rows.isEmpty()) {
      return Future.succeededFuture(0);
    }
    return conn.preparedQuery(SQL_INSERT).executeBatch(rows).map(r -> {
      int added = 0;
      for (var rs = r; rs != null; rs = rs.next()) {
        added += rs.rowCount();
      }
      return added;
    });
  }

  Future<List<Row>> list(String storeId, OffsetDateTime afterTime, String afterId, int limit) {
    return pool.preparedQuery(SQL_LIST).execute(Tuple.of(storeId, afterTime, afterId, limit)).map(rows -> {
      List<Row> out = new ArrayList<>();
      rows.forEach(out::add);
      return out;
    });
  }

  Future<List<Row>> liftById(SqlConnection conn, String storeId, String id) {
    return conn.preparedQuery(SQL_DELETE_BY_ID).execute(Tuple.of(storeId, id)).map(Suppressions::all);
  }

  Future<List<Row>> liftByValue(SqlConnection conn, String storeId, String email, String phone, String externalId) {
    return conn.preparedQuery(SQL_DELETE_BY_HASH).execute(Tuple.of(storeId,
            hash(storeId, "email", PrivacyKeys.normaliseEmail(email)),
            hash(storeId, "phone", PrivacyKeys.normalisePhone(phone)),
            hash(storeId, "external_id", PrivacyKeys.normaliseExternalId(externalId))))
        .map(Suppressions::all);
  }

  static JsonObject render(Row r) {
    return new JsonObject().put("id", r.getString("id")).put("object", "suppression").put("kind", r.getString("kind"))
        .put("request_id", r.getString("request_id"))
        .put("created_at", io.shoal.kernel.Wire.time(r.getOffsetDateTime("created_at")));
  }

  private Buffer hash(String storeId, String kind, String normalised) {
    return normalised == null ? null : Buffer.buffer(keys.suppressionHash(storeId, kind, normalised));
  }

  private static List<Row> all(io.vertx.sqlclient.RowSet<Row> rows) {
    List<Row> out = new ArrayList<>();
    rows.forEach(out::add);
    return out;
  }
}
