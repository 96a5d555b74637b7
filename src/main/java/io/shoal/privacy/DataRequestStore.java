package io.shoal.privacy;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;

/** The SQL of data requests, their audit trail and export documents, in one place. */
final class DataRequestStore {

  static final String COLUMNS = "store_id, id, customer_id, type, format, status, reason, notify_customer,"
      + " requested_by, steps_done, result, attempts, last_error, estimated_completion, created_at, started_at,"
      + " completed_at, (SELECT e.expires_at FROM data_exports e WHERE e.store_id = data_requests.store_id"
      + "   AND e.request_id = data_requests.id) AS export_expires_at";

  private static final String SQL_INSERT =
      "INSERT INTO data_requests (store_id, id, customer_id, type, format, reason, notify_customer, requested_by,"
          + " estimated_completion) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING " + COLUMNS;
  private static final String SQL_OPEN_FOR_CUSTOMER =
      "SELECT " + COLUMNS + " FROM data_requests WHERE store_id = $1 AND customer_id = $2 AND type = $3"
          + " AND status IN ('pending', 'processing') ORDER BY created_at LIMIT 1";
  private static final String SQL_GET = "SELECT " + COLUMNS + " FROM data_requests WHERE store_id = $1 AND id = $2";
  private static final String SQL_LIST =
      "SELECT " + COLUMNS + " FROM data_requests WHERE store_id = $1"
          + " AND ($2::text IS NULL OR customer_id = $2) AND ($3::text IS NULL OR type = $3)"
          + " AND ($4::text IS NULL OR status = $4)"
          + " AND ($5::timestamptz IS NULL OR (created_at, id) < ($5, $6))"
          + " ORDER BY created_at DESC, id DESC LIMIT $7";
  /** The oldest open request: pending ones, and those a crash or failure left processing. */
  private static final String SQL_CLAIM =
      "UPDATE data_requests SET status = 'processing', started_at = coalesce(started_at, clock_timestamp())"
          + " WHERE (store_id, id) = (SELECT store_id, id FROM data_requests"
          + "   WHERE status IN ('pending', 'processing') AND NOT (id = ANY($1))"
          + "   ORDER BY created_at, id LIMIT 1)"
          + " RETURNING " + COLUMNS;
  private static final String SQL_STEP_DONE =
      "UPDATE data_requests SET steps_done = array_append(steps_done, $3), result = result || $4"
          + " WHERE store_id = $1 AND id = $2 AND NOT ($3 = ANY(steps_done))";
  private static final String SQL_FINISH =
      "UPDATE data_requests SET status = $3, completed_at = clock_timestamp(), last_error = $4,"
          // what no reader can use is dropped, so a request that failed for it stays readable
          + " steps_done = array_remove(steps_done, NULL),"
          + " result = CASE WHEN jsonb_typeof(result) = 'object' THEN result ELSE '{}' END"
          + " WHERE store_id = $1 AND id = $2 AND status = 'processing' RETURNING " + COLUMNS;
  private static final String SQL_ATTEMPT_FAILED =
      "UPDATE data_requests SET attempts = attempts + 1, last_error = $3 WHERE store_id = $1 AND id = $2"
          + " RETURNING attempts";
  private static final String SQL_AUDIT =
      "INSERT INTO data_request_audit (store_id, request_id, action, actor, detail) VALUES ($1, $2, $3, $4, $5)";
  private static final String SQL_AUDIT_LIST =
      "SELECT seq, request_id, action, actor, detail, created_at FROM data_request_audit WHERE store_id = $1"
          + " AND ($2::text IS NULL OR request_id = $2) AND seq > $3 ORDER BY seq LIMIT $4";
  private static final String SQL_SAVE_EXPORT =
      "INSERT INTO data_exports (store_id, request_id, customer_id, document, expires_at)"
          + " VALUES ($1, $2, $3, $4, $5) ON CONFLICT (store_id, request_id) DO UPDATE SET document = EXCLUDED.document,"
          + " expires_at = EXCLUDED.expires_at";
  private static final String SQL_EXPORT_DOCUMENT =
      "SELECT document, expires_at FROM data_exports WHERE store_id = $1 AND request_id = $2";
  private static final String SQL_DELETE_EXPORTS = "DELETE FROM data_exports WHERE store_id = $1 AND customer_id = $2";
  private static final String SQL_PURGE_EXPORTS = "DELETE FROM data_exports WHERE expires_at < clock_timestamp()";
  private static final String SQL_REQUESTS_OF =
      "SELECT id, type, status, reason, requested_by, created_at, completed_at FROM data_requests"
          + " WHERE store_id = $1 AND customer_id = $2 ORDER BY created_at, id";

  private final Pool pool;

  DataRequestStore(Pool pool) {
    this.pool = pool;
  }

  Pool pool() {
    return pool;
  }

  Future<Row> insert(SqlConnection conn, Tuple values) {
    return conn.preparedQuery(SQL_INSERT).execute(values).map(DataRequestStore::first);
  }

  Future<Row> openFor(SqlConnection conn, String storeId, String customerId, String type) {
    return conn.preparedQuery(SQL_OPEN_FOR_CUSTOMER).execute(Tuple.of(storeId, customerId, type))
        .map(DataRequestStore::first);
  }

  Future<Row> get(String storeId, String id) {
    return pool.preparedQuery(SQL_GET).execute(Tuple.of(storeId, id)).map(DataRequestStore::first);
  }

  Future<List<Row>> list(String storeId, String customerId, String type, String status, OffsetDateTime afterTime,
                         String afterId, int limit) {
    return pool.preparedQuery(SQL_LIST)
        .execute(Tuple.of(storeId, customerId, type, status, afterTime, afterId, limit))
        .map(DataRequestStore::all);
  }

  /** Marks the next open request processing and answers it; {@code skip} are ids waiting for a retry. */
  Future<Row> claim(List<String> skip) {
    return pool.preparedQuery(SQL_CLAIM).execute(Tuple.of(skip.toArray(new String[0]))).map(DataRequestStore::first);
  }

  Future<Void> stepDone(SqlConnection conn, String storeId, String id, String step, JsonObject result) {
    return conn.preparedQuery(SQL_STEP_DONE).execute(Tuple.of(storeId, id, step, new JsonObject().put(step, result)))
        .mapEmpty();
  }

  Future<Row> finish(SqlConnection conn, String storeId, String id, String status, String error) {
    return conn.preparedQuery(SQL_FINISH).execute(Tuple.of(storeId, id, status, error)).map(DataRequestStore::first);
  }

  Future<Integer> attemptFailed(String storeId, String id, String error) {
    return pool.preparedQuery(SQL_ATTEMPT_FAILED).execute(Tuple.of(storeId, id, error))
        .map(rows -> first(rows).getInteger(0));
  }

  Future<Void> audit(SqlClient client, String storeId, String requestId, String action, String actor,
                     JsonObject detail) {
    return client.preparedQuery(SQL_AUDIT).execute(Tuple.of(storeId, requestId, action, actor, detail)).mapEmpty();
  }

  Future<List<Row>> auditLog(String storeId, String requestId, long afterSeq, int limit) {
    return pool.preparedQuery(SQL_AUDIT_LIST).execute(Tuple.of(storeId, requestId, afterSeq, limit))
        .map(DataRequestStore::all);
  }

  Future<Void> saveExport(SqlConnection conn, String storeId, String requestId, String customerId,
                          JsonObject document, OffsetDateTime expiresAt) {
    return conn.preparedQuery(SQL_SAVE_EXPORT).execute(Tuple.of(storeId, requestId, customerId, document, expiresAt))
        .mapEmpty();
  }

  Future<Row> exportDocument(String storeId, String requestId) {
    return pool.preparedQuery(SQL_EXPORT_DOCUMENT).execute(Tuple.of(storeId, requestId)).map(DataRequestStore::first);
  }

  Future<Integer> deleteExports(String storeId, String customerId) {
    return pool.preparedQuery(SQL_DELETE_EXPORTS).execute(Tuple.of(storeId, customerId)).map(RowSet::rowCount);
  }

  Future<Integer> purgeExpiredExports() {
    return pool.query(SQL_PURGE_EXPORTS).execute().map(RowSet::rowCount);
  }

  Future<List<Row>> requestsOf(String storeId, String customerId) {
    return pool.preparedQuery(SQL_REQUESTS_OF).execute(Tuple.of(storeId, customerId)).map(DataRequestStore::all);
  }

  static Row first(RowSet<Row> rows) {
    return rows.size() == 0 ? null : rows.iterator().next();
  }

  static List<Row> all(RowSet<Row> rows) {
    List<Row> out = new ArrayList<>(rows.size());
    rows.forEach(out::add);
    return out;
  }
}
