package io.shoal.customer;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Transaction;
import io.vertx.sqlclient.Tuple;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * Profile changes that other capabilities make inside their own transactions (automation
 * actions: tag, update a profile), and the profile as they read it. The customer capability
 * owns the {@code customers} table: nobody else writes it. Each change tells the profile
 * listener (the segment engine, which reloads the customer into its in-memory state) once the
 * caller's transaction has committed, so no change can bypass that state.
 */
public final class ProfileEdits {

  /** Profile fields another capability may set (column names). */
  public static final Set<String> UPDATABLE = Set.of("first_name", "last_name", "phone", "timezone", "metadata",
      "email_consent", "sms_consent", "push_consent");

  private final BiConsumer<String, String> profileChanged;
  private final ProfileCache cache;

  public ProfileEdits(BiConsumer<String, String> profileChanged, ProfileCache cache) {
    this.profileChanged = profileChanged;
    this.cache = cache;
  }

  /** Adds or removes a tag; answers 1 if it changed the profile, 0 if the tag was (not) there or no such customer. */
  public Future<Integer> tag(SqlConnection conn, String storeId, String customerId, String tag, boolean add) {
    String sql = add
        ? "UPDATE customers SET tags = array_append(tags, $3), updated_at = clock_timestamp()"
            + " WHERE store_id = $1 AND id = $2 AND NOT ($3 = ANY(tags))"
        : "UPDATE customers SET tags = array_remove(tags, $3), updated_at = clock_timestamp()"
            + " WHERE store_id = $1 AND id = $2 AND $3 = ANY(tags)";
    return conn.preparedQuery(sql).execute(Tuple.of(storeId, customerId, tag))
        .andThen(ar -> cache.changing(conn, storeId, customerId))
        .map(RowSet::rowCount)
        .onSuccess(n -> afterCommit(conn, storeId, customerId));
  }

  /**
   * Sets the given profile fields (only {@link #UPDATABLE} names; others are ignored); metadata
   * is merged, a null value removes a key. Answers 0 when there is no such customer.
   */
  public Future<Integer> update(SqlConnection conn, String storeId, String customerId, JsonObject fields) {
    StringBuilder sql = new StringBuilder("UPDATE customers SET updated_at = clock_timestamp()");
    Tuple t = Tuple.of(storeId, customerId);
    int n = 2;
    for (String name : fields.fieldNames()) {
      if (!UPDATABLE.contains(name)) {
        continue; // never put an unchecked name in SQL
      }
      n++;
      if (name.equals("metadata")) {
        sql.append(", metadata = jsonb_strip_nulls(metadata || $").append(n).append(")");
        t.addValue(fields.getJsonObject(name));
      } else {
        sql.append(", ").append(name).append(" = $").append(n);
        t.addValue(fields.getValue(name));
      }
    }
    sql.append(" WHERE store_id = $1 AND id = $2");
    return conn.preparedQuery(sql.toString()).execute(t)
        .andThen(ar -> cache.changing(conn, storeId, customerId))
        .map(RowSet::rowCount)
        .onSuccess(rows -> {
          if (rows > 0) {
            afterCommit(conn, storeId, customerId);
          }
        });
  }

  /** Tells the listener once the caller's transaction commits (at once when there is none). */
  private void afterCommit(SqlConnection conn, String storeId, String customerId) {
    Transaction tx = conn.transaction();
    if (tx == null) {
      profileChanged.accept(storeId, customerId);
    } else {
      tx.completion().onSuccess(v -> profileChanged.accept(storeId, customerId));
    }
  }

  /**
   * The stored customer with every column, plus {@code segments}: the ids of the segments it is a
   * member of (as stored); null when there is no such customer.
   */
  public static Future<Row> withSegments(SqlClient client, String storeId, String id) {
    return client.preparedQuery("SELECT c.*, array(SELECT m.segment_id FROM customer_segment_ids(c.store_id, c.id) m) AS segments"
            + " FROM customers c WHERE c.store_id = $1 AND c.id = $2")
        .execute(Tuple.of(storeId, id))
        .map(rows -> rows.size() == 0 ? null : rows.iterator().next());
  }
}
