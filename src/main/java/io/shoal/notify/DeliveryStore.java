package io.shoal.notify;

import io.shoal.outbox.NotificationLog;
import io.shoal.outbox.Notification;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The SQL of the notify package (apart from recording, in {@link NotificationLog}): webhook
 * endpoints, their positions in the notification log, the deliveries kept as rows, and reading
 * notifications back for lists, live streams and the dispatcher.
 *
 * <p>An endpoint's delivery state is its cursor ({@code webhook_cursors}: every notification of
 * the store up to {@code position} is resolved) plus the exceptions in {@code webhook_deliveries}:
 * <pre>
 *   log after position --2xx--> webhook_delivered (a row per request, appended per batch), position moves
 *          |--failed---------> pending row (retry at backoff; the customer's later ones queued behind it)
 *   pending --claim--> in_flight --2xx--------> succeeded
 *      ^                   |------retry------> pending (next_attempt_at = backoff; later ones of the customer wait too)
 *      |                   |------horizon----> failed (kept; endpoint -> failing)
 *      |                   '------410--------> pending (kept; endpoint -> disabled)
 *      '-- redeliver / re-enable / restart (in_flight back to pending)
 * </pre>
 */
public final class DeliveryStore {

  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(DeliveryStore.class);

  private static final String ENDPOINT_COLUMNS = "store_id, id, url, events, description, enabled, status, secret,"
      + " previous_secret, previous_secret_expires_at, failing_since, created_at, updated_at, max_batch_size";

  // --- endpoints -------------------------------------------------------------------------------

  /** The endpoint and its cursor: it is sent what the store records from now on. */
  private static final String SQL_CREATE_ENDPOINT =
      "WITH e AS (INSERT INTO webhook_endpoints (store_id, id, url, events, description, enabled, status, secret,"
          + " max_batch_size) VALUES ($1, $2, $3, $4, $5, $6, CASE WHEN $6 THEN 'active' ELSE 'disabled' END, $7, $8)"
          + " RETURNING " + ENDPOINT_COLUMNS + "),"
          + " c AS (INSERT INTO webhook_cursors (endpoint_id, store_id, position, disabled_after)"
          + "   SELECT e.id, e.store_id, l.seq, CASE WHEN e.enabled THEN NULL ELSE l.seq END"
          + "   FROM e CROSS JOIN LATERAL (SELECT notifications_last_seq(e.store_id) AS seq) l)"
          + " SELECT * FROM e";
  private static final String SQL_GET_ENDPOINT =
      "SELECT " + ENDPOINT_COLUMNS + " FROM webhook_endpoints WHERE store_id = $1 AND id = $2";
  private static final String SQL_LIST_ENDPOINTS =
      "SELECT " + ENDPOINT_COLUMNS + " FROM webhook_endpoints WHERE store_id = $1"
          + " AND ($2::timestamptz IS NULL OR (created_at, id) > ($2, $3)) ORDER BY created_at, id LIMIT $4";
  /**
   * The endpoint's fields; its cursor notes where a disabling started, and on enabling skips
   * what the store recorded while it was off (a disabled endpoint is subscribed to nothing).
   */
  private static final String SQL_UPDATE_ENDPOINT =
      "WITH e AS (UPDATE webhook_endpoints SET url = $3, events = $4, description = $5, enabled = $6, max_batch_size = $8,"
          + " status = CASE WHEN NOT $6 THEN 'disabled' WHEN $7 THEN 'active' ELSE status END,"
          + " failing_since = CASE WHEN $7 OR NOT $6 THEN NULL ELSE failing_since END,"
          + " updated_at = clock_timestamp() WHERE store_id = $1 AND id = $2 RETURNING " + ENDPOINT_COLUMNS + "),"
          + " c AS (UPDATE webhook_cursors c SET"
          + "   disabled_after = CASE WHEN e.enabled THEN NULL ELSE coalesce(c.disabled_after, l.seq) END,"
          + "   skip_after = CASE WHEN e.enabled AND c.disabled_after IS NOT NULL THEN c.disabled_after ELSE c.skip_after END,"
          + "   skip_upto = CASE WHEN e.enabled AND c.disabled_after IS NOT NULL THEN l.seq ELSE c.skip_upto END"
          + "   FROM e CROSS JOIN LATERAL (SELECT notifications_last_seq(e.store_id) AS seq) l WHERE c.endpoint_id = e.id)"
          + " SELECT * FROM e";
  /** An endpoint coming back: its kept deliveries go out again, oldest first per customer, with a fresh retry window. */
  private static final String SQL_RESUME_DELIVERIES =
      "UPDATE webhook_deliveries SET status = 'pending', next_attempt_at = clock_timestamp(), retry_since = NULL"
          + " WHERE endpoint_id = $1 AND store_id = $2 AND status IN ('pending', 'failed')";
  /** The endpoint and its deliveries (no foreign key cascades them: see V6_2). */
  private static final String SQL_DELETE_ENDPOINT =
      "WITH gone AS (DELETE FROM webhook_endpoints WHERE store_id = $1 AND id = $2 RETURNING id),"
          + " purged AS (DELETE FROM webhook_deliveries d USING gone WHERE d.store_id = $1 AND d.endpoint_id = gone.id),"
          + " delivered AS (DELETE FROM webhook_delivered d USING gone WHERE d.endpoint_id = gone.id),"
          + " cursor AS (DELETE FROM webhook_cursors c USING gone WHERE c.endpoint_id = gone.id)"
          + " SELECT count(*) AS n FROM gone";
  private static final String SQL_ROLL_SECRET =
      "UPDATE webhook_endpoints SET previous_secret = CASE WHEN $4 > 0 THEN secret END,"
          + " previous_secret_expires_at = CASE WHEN $4 > 0 THEN clock_timestamp() + make_interval(secs => $4) END,"
          + " secret = $3, updated_at = clock_timestamp() WHERE store_id = $1 AND id = $2 RETURNING " + ENDPOINT_COLUMNS;
  private static final String SQL_DISPATCHABLE =
      "SELECT " + ENDPOINT_COLUMNS + " FROM webhook_endpoints WHERE enabled AND status = 'active'";
  private static final String SQL_DISABLE =
      "WITH e AS (UPDATE webhook_endpoints SET enabled = false, status = 'disabled', updated_at = clock_timestamp()"
          + " WHERE store_id = $1 AND id = $2 AND enabled RETURNING id)"
          + " UPDATE webhook_cursors c SET disabled_after = coalesce(c.disabled_after, notifications_last_seq($1))"
          + " FROM e WHERE c.endpoint_id = e.id";
  private static final String SQL_MARK_FAILING =
      "UPDATE webhook_endpoints SET status = 'failing', failing_since = clock_timestamp(), updated_at = clock_timestamp()"
          + " WHERE store_id = $1 AND id = $2 AND status = 'active'";

  // --- the queue -------------------------------------------------------------------------------

  private static final String SQL_REQUEUE_IN_FLIGHT =
      "UPDATE webhook_deliveries SET status = 'pending' WHERE status = 'in_flight'";
  private static final String SQL_RETURN =
      "UPDATE webhook_deliveries SET status = 'pending' WHERE store_id = $1 AND endpoint_id = $2"
          + " AND notification_seq = $3 AND status = 'in_flight'";
  /**
   * For each endpoint with free slots, its oldest due deliveries that are the first undelivered
   * one of their customer (ordering key), marked in flight. Only the dispatcher claims, one
   * claim at a time; a fresh delivery sent without a claim may have its outcome written while
   * the claim runs, so the UPDATE checks status and due time again on the row it locks (what
   * the CTE read may be stale). "First of its
   * customer" is a min() subquery, one probe of the (endpoint, key, seq) index per candidate:
   * written as NOT EXISTS, the planner turned it into an anti-join that read the endpoint's
   * whole backlog per candidate once the table grew faster than its statistics.
   */
  private static final String SQL_CLAIM =
      "WITH picked AS (SELECT c.* FROM unnest($1::text[], $2::int[]) AS w(endpoint_id, free) CROSS JOIN LATERAL ("
          + "   SELECT d.store_id, d.endpoint_id, d.notification_seq FROM webhook_deliveries d"
          + "   WHERE d.endpoint_id = w.endpoint_id AND d.status = 'pending' AND d.next_attempt_at <= clock_timestamp()"
          + "   AND (SELECT min(p.notification_seq) FROM webhook_deliveries p WHERE p.endpoint_id = d.endpoint_id"
          + "     AND p.ordering_key = d.ordering_key AND p.status IN ('pending', 'in_flight')) = d.notification_seq"
          + "   ORDER BY d.notification_seq LIMIT w.free) c)"
          + " UPDATE webhook_deliveries d SET status = 'in_flight'"
          + " FROM picked CROSS JOIN LATERAL notification_at(picked.notification_seq) n"
          + " WHERE d.store_id = picked.store_id AND d.endpoint_id = picked.endpoint_id"
          + " AND d.notification_seq = picked.notification_seq"
          // checked again on the row itself: an outcome written meanwhile (a retry) must win
          + " AND d.status = 'pending' AND d.next_attempt_at <= clock_timestamp()"
          + " RETURNING d.store_id, d.endpoint_id, d.notification_seq, d.ordering_key, d.attempts, d.retry_since,"
          + " n.id, n.type, n.data, n.created_at";
  /** Per endpoint, the customers with undelivered rows (a lane starting, coming back, or re-reading). */
  private static final String SQL_HELD =
      "SELECT DISTINCT endpoint_id, ordering_key FROM webhook_deliveries"
          + " WHERE endpoint_id = ANY($1) AND status IN ('pending', 'in_flight')";
  private static final String SQL_NEXT_DUE =
      "SELECT w.endpoint_id, (SELECT d.next_attempt_at FROM webhook_deliveries d WHERE d.endpoint_id = w.endpoint_id"
          + " AND d.status = 'pending' ORDER BY d.next_attempt_at LIMIT 1) AS due FROM unnest($1::text[]) AS w(endpoint_id)";
  private static final String SQL_SUCCEEDED =
      "UPDATE webhook_deliveries SET status = 'succeeded', attempts = attempts + 1, last_status_code = $4,"
          + " last_error = NULL, last_latency_ms = $5, delivered_at = clock_timestamp(), retry_since = NULL"
          + " WHERE store_id = $1 AND endpoint_id = $2 AND notification_seq = $3 AND status IN ('pending', 'in_flight')";
  /** A retry; the customer's later deliveries to this endpoint wait for it (and are not re-examined before). */
  private static final String SQL_RETRY =
      "WITH done AS (UPDATE webhook_deliveries SET status = 'pending', attempts = attempts + 1, last_status_code = $4,"
          + " last_error = $5, last_latency_ms = $6, next_attempt_at = $7, retry_since = coalesce(retry_since, $8)"
          + " WHERE store_id = $1 AND endpoint_id = $2 AND notification_seq = $3 AND status IN ('pending', 'in_flight')"
          + " RETURNING endpoint_id, ordering_key, notification_seq)"
          + " UPDATE webhook_deliveries s SET next_attempt_at = $7 FROM done WHERE s.endpoint_id = done.endpoint_id"
          + " AND s.ordering_key = done.ordering_key AND s.status = 'pending'"
          + " AND s.notification_seq > done.notification_seq AND s.next_attempt_at < $7";
  private static final String SQL_GAVE_UP =
      "UPDATE webhook_deliveries SET status = $8, attempts = attempts + 1, last_status_code = $4, last_error = $5,"
          + " last_latency_ms = $6, retry_since = coalesce(retry_since, $7)"
          + " WHERE store_id = $1 AND endpoint_id = $2 AND notification_seq = $3 AND status IN ('pending', 'in_flight')";
  /**
   * An endpoint's deliveries, newest first: the rows kept in webhook_deliveries and the seqs of the
   * requests recorded in webhook_delivered (those with a row too, after a redelivery, show the row).
   * A request's seqs lie within first_seq and first_seq + the cursor's delivered_span, so the
   * newest $5 delivered seqs are found without reading the endpoint's older requests: t is the
   * $5-th newest seq among the $5 requests that start last (each holds at least one), a lower
   * bound of the answer's last one; only requests starting at t - span or later can hold seqs
   * from t on. (t = -1 when those requests hold fewer: every request is read.)
   */
  private static final String SQL_LIST_DELIVERIES =
      "SELECT d.*, n.id AS event_id, n.type FROM ("
          + " (SELECT k.notification_seq, k.status, k.attempts, k.next_attempt_at, k.last_status_code, k.last_error,"
          + "   k.last_latency_ms, k.created_at, k.delivered_at FROM webhook_deliveries k"
          + "   WHERE k.store_id = $1 AND k.endpoint_id = $2 AND ($3::text IS NULL OR k.status = $3)"
          + "   AND ($4::bigint IS NULL OR k.notification_seq < $4) ORDER BY k.notification_seq DESC LIMIT $5)"
          + " UNION ALL"
          + " (SELECT DISTINCT ON (x.seq) x.seq, 'succeeded', 1, NULL, l.status_code, NULL, l.latency_ms, l.delivered_at,"
          + "   l.delivered_at FROM (SELECT coalesce((SELECT DISTINCT s FROM (SELECT r.seqs FROM webhook_delivered r"
          + "     WHERE r.endpoint_id = $2 AND r.store_id = $1 AND ($4::bigint IS NULL OR r.first_seq < $4)"
          + "     ORDER BY r.first_seq DESC LIMIT $5) cand CROSS JOIN LATERAL unnest(cand.seqs) s"
          + "     WHERE ($4::bigint IS NULL OR s < $4) AND NOT EXISTS (SELECT 1 FROM webhook_deliveries k"
          + "       WHERE k.store_id = $1 AND k.endpoint_id = $2 AND k.notification_seq = s)"
          + "     ORDER BY s DESC OFFSET $5 - 1 LIMIT 1), -1) AS t) t"
          + "   JOIN webhook_cursors c ON c.endpoint_id = $2 AND c.store_id = $1"
          + "   JOIN webhook_delivered l ON l.endpoint_id = $2 AND l.store_id = $1 AND l.first_seq >= t.t - c.delivered_span"
          + "   AND ($4::bigint IS NULL OR l.first_seq < $4)"
          + "   CROSS JOIN LATERAL unnest(l.seqs) AS x(seq)"
          + "   WHERE ($3::text IS NULL OR $3 = 'succeeded') AND x.seq >= t.t AND ($4::bigint IS NULL OR x.seq < $4)"
          + "   AND NOT EXISTS (SELECT 1 FROM webhook_deliveries k"
          + "     WHERE k.store_id = $1 AND k.endpoint_id = $2 AND k.notification_seq = x.seq)"
          + "   ORDER BY x.seq DESC LIMIT $5)"
          + " ORDER BY notification_seq DESC LIMIT $5) d CROSS JOIN LATERAL notification_at(d.notification_seq) n"
          + " ORDER BY d.notification_seq DESC";
  /** Every endpoint that had a delivery of it: a kept row goes out again, a delivered one gets a row. */
  private static final String SQL_REDELIVER_ALL =
      "WITH kept AS (UPDATE webhook_deliveries SET status = 'pending', next_attempt_at = clock_timestamp(), retry_since = NULL"
          + " WHERE store_id = $1 AND notification_seq = $2 AND status <> 'in_flight' RETURNING endpoint_id),"
          + " delivered AS (INSERT INTO webhook_deliveries (store_id, endpoint_id, notification_seq, ordering_key)"
          + "   SELECT $1, c.endpoint_id, $2, $3 FROM webhook_cursors c WHERE c.store_id = $1 AND EXISTS (SELECT 1"
          + "     FROM webhook_delivered l WHERE " + deliveredHolds("c", "$2") + ")"
          + "   ON CONFLICT DO NOTHING RETURNING endpoint_id)"
          + " SELECT endpoint_id FROM kept UNION SELECT endpoint_id FROM delivered";
  private static final String SQL_REDELIVER_ONE =
      "INSERT INTO webhook_deliveries (store_id, endpoint_id, notification_seq, ordering_key) VALUES ($1, $2, $3, $4)"
          + " ON CONFLICT (store_id, endpoint_id, notification_seq) DO UPDATE SET status = 'pending',"
          + " next_attempt_at = clock_timestamp(), retry_since = NULL WHERE webhook_deliveries.status <> 'in_flight'";
  /** A failing endpoint redelivered to is active again, and what it kept (pending or failed) goes out again. */
  private static final String SQL_REACTIVATE_FAILING =
      "WITH back AS (UPDATE webhook_endpoints SET status = 'active', failing_since = NULL, updated_at = clock_timestamp()"
          + " WHERE store_id = $1 AND id = ANY($2::text[]) AND status = 'failing' RETURNING id)"
          + " UPDATE webhook_deliveries d SET status = 'pending', next_attempt_at = clock_timestamp(), retry_since = NULL"
          + " FROM back WHERE d.endpoint_id = back.id AND d.store_id = $1 AND d.status IN ('pending', 'failed')";

  // --- cursors ---------------------------------------------------------------------------------

  /**
   * The CTE {@code locked} every statement that changes several cursors starts with: the cursors
   * of the endpoints {@code $1} that {@code condition} selects, locked in endpoint_id order (a hold
   * and a resolve, each over several endpoints, locking in different orders deadlocked under load:
   * 40P01, then retried), each with {@code known}, the epoch the dispatcher holds it under
   * ({@code epochs}, the parameter aligned with $1; null: none).
   */
  private static String lockedCursors(String epochs, String condition) {
    return "WITH locked AS MATERIALIZED (SELECT w.endpoint_id, k.epoch AS known FROM webhook_cursors w"
        + " JOIN unnest($1::text[], " + epochs + "::bigint[]) AS k(id, epoch) ON w.endpoint_id = k.id"
        + " WHERE " + condition + " ORDER BY w.endpoint_id FOR UPDATE OF w)";
  }

  /**
   * Takes or renews the endpoints' cursors for {@code holder}: free, expired or already its own.
   * Answers those it holds now, with where they stand (read from the row: a cursor just taken
   * starts there) and their epoch: unchanged on a renewal (held by {@code holder} under the epoch
   * it knows), one more on every take (V68), also when {@code holder} takes back a cursor that
   * another held meanwhile (A -> B -> A: what it did before is not its to record any more).
   */
  private static final String SQL_HOLD_CURSORS =
      lockedCursors("$4", "(w.holder IS NULL OR w.holder = $2 OR w.held_until < clock_timestamp())")
          + " UPDATE webhook_cursors w SET holder = $2, held_until = clock_timestamp() + $3 * interval '1 millisecond',"
          + "   epoch = CASE WHEN w.holder = $2 AND w.epoch = locked.known THEN w.epoch ELSE w.epoch + 1 END"
          + " FROM locked WHERE w.endpoint_id = locked.endpoint_id"
          + " RETURNING w.endpoint_id, w.position, w.skip_after, w.skip_upto, w.epoch";
  private static final String SQL_RELEASE_CURSORS =
      lockedCursors("$3", "w.holder = $2 AND w.epoch = k.epoch")
          + " UPDATE webhook_cursors w SET holder = NULL, held_until = NULL FROM locked"
          + " WHERE w.endpoint_id = locked.endpoint_id";
  /**
   * Dispatch batches of one or more endpoints (lanes) resolved, in one statement, each only if
   * {@code holder} still holds its cursor under the epoch the batch was read under ($21): the
   * deliveries that succeeded appended, the ones kept (failed, or queued behind a failed or kept
   * one of their customer) inserted, each position moved. A kept delivery is due no earlier than
   * the latest kept one of its customer (a retry holds the customer's later ones back). Answers
   * the endpoints whose cursors were held (and moved). One statement for the lanes that finished
   * pages meanwhile, not one each.
   */
  private static final String SQL_RESOLVE =
      lockedCursors("$21", "w.holder = $3 AND w.epoch = k.epoch") + ","
          + " c AS (UPDATE webhook_cursors w SET position = greatest(w.position, v.pos),"
          + "   delivered_span = greatest(w.delivered_span, (SELECT coalesce(max(r.l - r.f), 0)"
          + "     FROM unnest($4::text[], $5::bigint[], $6::bigint[]) AS r(ep, f, l) WHERE r.ep = w.endpoint_id))"
          + "   FROM locked, unnest($1::text[], $2::bigint[]) AS v(id, pos)"
          + "   WHERE w.endpoint_id = locked.endpoint_id AND w.endpoint_id = v.id RETURNING w.endpoint_id, w.store_id),"
          + " ok AS (INSERT INTO webhook_delivered (endpoint_id, first_seq, last_seq, store_id, seqs, status_code, latency_ms,"
          + "   delivered_at)"
          + "   SELECT c.endpoint_id, u.f, u.l, c.store_id, u.seqs::bigint[], u.code, u.ms, u.at"
          + "   FROM unnest($4::text[], $5::bigint[], $6::bigint[], $7::text[], $8::int[], $9::int[], $10::timestamptz[])"
          + "     AS u(ep, f, l, seqs, code, ms, at)"
          + "   JOIN c ON c.endpoint_id = u.ep"
          + "   ON CONFLICT DO NOTHING),"
          + " kept AS (INSERT INTO webhook_deliveries (store_id, endpoint_id, notification_seq, ordering_key, status,"
          + "   attempts, last_status_code, last_error, last_latency_ms, next_attempt_at, retry_since)"
          + "   SELECT c.store_id, c.endpoint_id, u.seq, u.key, u.status, u.attempts, u.code, u.error, u.ms,"
          + "   greatest(coalesce(u.due, clock_timestamp()), (SELECT p.next_attempt_at FROM webhook_deliveries p"
          + "     WHERE p.endpoint_id = c.endpoint_id AND p.ordering_key = u.key AND p.status IN ('pending', 'in_flight')"
          + "     ORDER BY p.notification_seq DESC LIMIT 1)), u.since"
          + "   FROM unnest($11::text[], $12::bigint[], $13::text[], $14::text[], $15::int[], $16::int[], $17::text[],"
          + "     $18::int[], $19::timestamptz[], $20::timestamptz[]) AS u(ep, seq, key, status, attempts, code, error, ms, due, since)"
          + "   JOIN c ON c.endpoint_id = u.ep"
          + "   ON CONFLICT DO NOTHING)"
          + " SELECT endpoint_id FROM c";

  /**
   * The condition that a webhook_delivered row {@code l} of the endpoint whose cursor is {@code c}
   * holds {@code seq}: a request's seqs lie within [first_seq, first_seq + delivered_span], so the
   * primary key is read over that span only (V67).
   */
  static String deliveredHolds(String c, String seq) {
    return "l.endpoint_id = " + c + ".endpoint_id AND l.first_seq BETWEEN " + seq + " - " + c + ".delivered_span AND "
        + seq + " AND " + seq + " = ANY(l.seqs)";
  }

  /**
   * One endpoint's dispatch batch to resolve: its new position and the batch's outcomes, recorded
   * only under {@code epoch}, the hold it was read under.
   */
  record Resolution(String endpointId, long epoch, long position, List<Delivered> delivered, List<Kept> kept) {}

  /** Where a held cursor stands: its position and the range it skips (null: none), and its hold's epoch. */
  record Cursor(String endpointId, long position, Long skipAfter, Long skipUpto, long epoch) {

    boolean skips(long seq) {
      return skipAfter != null && skipUpto != null && seq > skipAfter && seq <= skipUpto;
    }
  }

  /**
   * A request of a dispatch batch that succeeded: the notifications it carried ({@code seqs},
   * ascending), recorded as one webhook_delivered row.
   */
  record Delivered(long[] seqs, int statusCode, int latencyMs, long atMs) {}

  /**
   * A delivery of a dispatch batch kept as a row: failed ({@code statusCode}, {@code error},
   * due at {@code dueMs}), or never sent (attempts 0, due with its customer's earlier one).
   */
  record Kept(long seq, String orderingKey, String status, int attempts, Integer statusCode, String error,
              Integer latencyMs, Long dueMs, Long sinceMs) {}

  // --- notifications ---------------------------------------------------------------------------
  // read through V58's functions, one notification per row whether it is stored alone or in a
  // set (outbox.NotificationLog)

  private static final String NOTIFICATION_COLUMNS = "seq, store_id, id, type, customer_id, data, created_at";
  private static final String SQL_FIND_NOTIFICATION =
      "SELECT " + NOTIFICATION_COLUMNS + " FROM notification_by_id($1, $2)";
  /** "after" compares at the wire's precision, milliseconds: after a created_at shown means after that event. */
  private static final String SQL_LIST_NOTIFICATIONS =
      "SELECT " + NOTIFICATION_COLUMNS + " FROM notifications_before($1, $2::text[],"
          + " $3::timestamptz + interval '1 millisecond', $4::bigint, $5::int) ORDER BY seq DESC";
  /** Taken only when the page has rows: an empty read (most wakes of most streams) uses no transaction id. */
  private static final String REF = "CASE WHEN n.seq IS NULL THEN 0 ELSE pg_current_xact_id()::text::bigint END AS ref";
  /**
   * A page after a position, with the horizon of the snapshot it was read in: transactions with
   * ids below {@code xmin} have all ended; {@code ref} is an id taken after the snapshot (the
   * reader's own), so every writer that could still hold a seq below a row read has a smaller id
   * (NotificationLog takes its id before its seq). The snapshot's {@code xmax} would not do: a
   * writer whose id is above the last completed one is in no snapshot's list, and looks ended.
   */
  private static final String SQL_READ_AFTER =
      "SELECT h.xmin, " + REF + ", n.* FROM (SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint AS xmin) AS h"
          + " LEFT JOIN LATERAL (SELECT " + NOTIFICATION_COLUMNS + " FROM notifications_after($1, $2::bigint, $3::int) ORDER BY seq)"
          + " AS n ON true";
  /** Every store's notifications after a position, with the snapshot's horizon: the Kafka relay's read. */
  private static final String SQL_READ_ALL_AFTER =
      "SELECT h.xmin, " + REF + ", n.* FROM (SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint AS xmin) AS h"
          + " LEFT JOIN LATERAL (SELECT " + NOTIFICATION_COLUMNS + " FROM notifications_after($1::bigint, $2::int) ORDER BY seq)"
          + " AS n ON true";
  /**
   * The rows written at given values of the sequence (the readers' doubts, see outbox.Doubts)
   * that are visible now, one line each with only {@code row_seq}, and their notifications of one
   * store ($2, or null: every store's), with the xmin of the snapshot that read them (V61).
   */
  private static final String SQL_READ_AT =
      "SELECT h.xmin, 0::bigint AS ref, n.* FROM (SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint AS xmin) AS h"
          + " LEFT JOIN LATERAL (SELECT row_seq, " + NOTIFICATION_COLUMNS
          + " FROM notifications_written_at($1::bigint[], $2::text, NULL::text[])) AS n ON true";
  private static final String SQL_HORIZON = "SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint";
  private static final String SQL_LAST_SEQ =
      "SELECT notifications_last_seq($1)";

  /** A notification read back, with its position in the store's stream. */
  record Stored(long seq, Notification notification) {}

  /**
   * A page of a store's stream and the transaction horizon of the snapshot that read it: its rows
   * are final once xmin reaches {@code ref} (at once when {@code xmin == ref}: nothing older ran).
   */
  record Page(List<Stored> rows, long xmin, long ref) {}

  /**
   * Doubts read again: the notifications wanted of the rows visible now, the seqs they were
   * written at ({@code seen}: they end their doubts) and the xmin of the snapshot that read them.
   */
  record Doubted(List<Stored> rows, java.util.Set<Long> seen, long xmin) {}

  /** A row of an endpoint's delivery log. */
  record DeliveryRow(long seq, JsonObject json) {}

  private final Pool pool;

  public DeliveryStore(Pool pool) {
    this.pool = pool;
  }

  // --- endpoints -------------------------------------------------------------------------------

  Future<WebhookEndpoint> createEndpoint(String storeId, String id, String url, List<String> events,
                                         String description, boolean enabled, String secret, int maxBatchSize) {
    return pool.preparedQuery(SQL_CREATE_ENDPOINT)
        .execute(Tuple.of(storeId, id, url, events.toArray(new String[0]), description, enabled, secret, maxBatchSize))
        .map(rows -> WebhookEndpoint.from(rows.iterator().next()));
  }

  Future<WebhookEndpoint> endpoint(String storeId, String id) {
    return pool.preparedQuery(SQL_GET_ENDPOINT).execute(Tuple.of(storeId, id)).map(DeliveryStore::firstEndpoint);
  }

  Future<List<WebhookEndpoint>> endpoints(String storeId, OffsetDateTime afterCreated, String afterId, int limit) {
    return pool.preparedQuery(SQL_LIST_ENDPOINTS).execute(Tuple.of(storeId, afterCreated, afterId, limit))
        .map(DeliveryStore::endpointList);
  }

  /**
   * Writes the endpoint's new fields. {@code resume} (enabling an endpoint that was failing or
   * disabled) sets it active and re-queues its kept deliveries, in the same transaction.
   */
  Future<WebhookEndpoint> updateEndpoint(WebhookEndpoint e, boolean resume) {
    return pool.withTransaction(conn -> conn.preparedQuery(SQL_UPDATE_ENDPOINT)
        .execute(Tuple.of(e.storeId(), e.id(), e.url(), e.events().toArray(new String[0]), e.description(),
            e.enabled(), resume, e.maxBatchSize()))
        .compose(rows -> {
          WebhookEndpoint updated = firstEndpoint(rows);
          if (updated == null || !resume) {
            return Future.succeededFuture(updated);
          }
          return conn.preparedQuery(SQL_RESUME_DELIVERIES).execute(Tuple.of(e.id(), e.storeId())).map(updated);
        }));
  }

  Future<Boolean> deleteEndpoint(String storeId, String id) {
    return pool.preparedQuery(SQL_DELETE_ENDPOINT).execute(Tuple.of(storeId, id))
        .map(r -> r.iterator().next().getLong("n") == 1);
  }

  Future<WebhookEndpoint> rollSecret(String storeId, String id, String secret, long graceSeconds) {
    return pool.preparedQuery(SQL_ROLL_SECRET).execute(Tuple.of(storeId, id, secret, graceSeconds))
        .map(DeliveryStore::firstEndpoint);
  }

  Future<List<WebhookEndpoint>> dispatchableEndpoints() {
    return pool.query(SQL_DISPATCHABLE).execute().map(DeliveryStore::endpointList);
  }

  Future<Void> disable(String storeId, String id) {
    return pool.preparedQuery(SQL_DISABLE).execute(Tuple.of(storeId, id)).mapEmpty();
  }

  Future<Void> markFailing(String storeId, String id) {
    return pool.preparedQuery(SQL_MARK_FAILING).execute(Tuple.of(storeId, id)).mapEmpty();
  }

  // --- the queue -------------------------------------------------------------------------------

  /** After a crash, what was in flight was never acknowledged: it is pending again. */
  Future<Integer> requeueInFlight() {
    return pool.query(SQL_REQUEUE_IN_FLIGHT).execute().map(RowSet::rowCount);
  }

  /** Gives back deliveries taken but not finished (graceful shutdown). */
  Future<Void> giveBack(List<DeliveryAttempt> attempts) {
    if (attempts.isEmpty()) {
      return Future.succeededFuture();
    }
    List<Tuple> rows = new ArrayList<>();
    attempts.forEach(a -> rows.add(Tuple.of(a.storeId(), a.endpointId(), a.seq())));
    return pool.preparedQuery(SQL_RETURN).executeBatch(rows).mapEmpty();
  }

  Future<List<DeliveryAttempt>> claim(List<String> endpointIds, List<Integer> free) {
    return pool.preparedQuery(SQL_CLAIM)
        .execute(Tuple.tuple().addValue(endpointIds.toArray(new String[0])).addValue(free.toArray(new Integer[0])))
        .map(rows -> {
          List<DeliveryAttempt> out = new ArrayList<>(rows.size());
          for (Row r : rows) {
            try {
              Object data = r.getValue("data");
              out.add(new DeliveryAttempt(r.getString("store_id"), r.getString("endpoint_id"),
                  r.getLong("notification_seq"), r.getString("ordering_key"), r.getInteger("attempts"),
                  r.getOffsetDateTime("retry_since"), r.getString("id"), r.getString("type"),
                  data instanceof JsonObject o ? o : new JsonObject(), r.getOffsetDateTime("created_at")));
            } catch (RuntimeException e) {
              // this row alone: failed with the reason, the others claimed with it go out
              failUnprocessable(r.getString("store_id"), r.getString("endpoint_id"), r.getLong("notification_seq"),
                  "the delivery cannot be read: " + e);
            }
          }
          out.sort(java.util.Comparator.comparingLong(DeliveryAttempt::seq));
          return out;
        });
  }

  private static final String SQL_UNPROCESSABLE =
      "UPDATE webhook_deliveries SET status = 'failed', last_error = $4, retry_since = NULL"
          + " WHERE store_id = $1 AND endpoint_id = $2 AND notification_seq = $3 AND status IN ('pending', 'in_flight')";

  /**
   * A delivery that cannot be made (its row, its event or its endpoint's settings cannot be
   * used, which no retry changes) is failed with the reason, visible in the endpoint's
   * deliveries; a redelivery after a fix sends it again.
   */
  Future<Void> failUnprocessable(String storeId, String endpointId, long seq, String reason) {
    String r = reason.length() > 300 ? reason.substring(0, 300) : reason;
    return pool.preparedQuery(SQL_UNPROCESSABLE).execute(Tuple.of(storeId, endpointId, seq, r)).<Void>mapEmpty()
        .onFailure(e -> LOG.warn("Could not mark webhook delivery {} of endpoint {} failed: {}", seq, endpointId,
            e.toString()));
  }

  /** For each endpoint, its customers (ordering keys) with undelivered rows. */
  Future<Map<String, Set<String>>> heldKeys(List<String> endpointIds) {
    return pool.preparedQuery(SQL_HELD).execute(Tuple.of((Object) endpointIds.toArray(new String[0])))
        .map(rows -> {
          Map<String, Set<String>> out = new HashMap<>();
          for (Row r : rows) {
            out.computeIfAbsent(r.getString("endpoint_id"), k -> new HashSet<>()).add(r.getString("ordering_key"));
          }
          return out;
        });
  }

  /** For each endpoint, when its earliest pending delivery is due (absent: nothing pending). */
  Future<Map<String, Instant>> nextDue(List<String> endpointIds) {
    return pool.preparedQuery(SQL_NEXT_DUE).execute(Tuple.of((Object) endpointIds.toArray(new String[0])))
        .map(rows -> {
          Map<String, Instant> out = new HashMap<>();
          for (Row r : rows) {
            OffsetDateTime due = r.getOffsetDateTime("due");
            if (due != null) {
              out.put(r.getString("endpoint_id"), due.toInstant());
            }
          }
          return out;
        });
  }

  /** Writes back a group of finished attempts, one batched statement per kind of outcome. */
  Future<Void> complete(List<DeliveryOutcome> outcomes) {
    List<Tuple> succeeded = new ArrayList<>();
    List<Tuple> retries = new ArrayList<>();
    List<Tuple> stopped = new ArrayList<>();
    for (DeliveryOutcome o : outcomes) {
      DeliveryAttempt a = o.attempt();
      Integer code = o.statusCode() == 0 ? null : o.statusCode();
      OffsetDateTime at = time(o.atMs());
      switch (o.decision().action()) {
        case SUCCEEDED -> succeeded.add(Tuple.of(a.storeId(), a.endpointId(), a.seq(), code, o.latencyMs()));
        case RETRY -> retries.add(Tuple.tuple().addValue(a.storeId()).addValue(a.endpointId()).addValue(a.seq())
            .addValue(code).addValue(o.error()).addValue(o.latencyMs()).addValue(time(o.decision().retryAtMs()))
            .addValue(at));
        case GIVE_UP, DISABLE -> stopped.add(Tuple.tuple().addValue(a.storeId()).addValue(a.endpointId())
            .addValue(a.seq()).addValue(code).addValue(o.error()).addValue(o.latencyMs()).addValue(at).addValue(o.decision().action() == RetryPolicy.Action.GIVE_UP ? "failed" : "pending"));
      }
    }
    List<Future<?>> writes = new ArrayList<>(3);
    if (!succeeded.isEmpty()) {
      writes.add(pool.preparedQuery(SQL_SUCCEEDED).executeBatch(succeeded));
    }
    if (!retries.isEmpty()) {
      writes.add(pool.preparedQuery(SQL_RETRY).executeBatch(retries));
    }
    if (!stopped.isEmpty()) {
      writes.add(pool.preparedQuery(SQL_GAVE_UP).executeBatch(stopped));
    }
    return Future.all(writes).mapEmpty();
  }

  Future<List<DeliveryRow>> deliveries(String storeId, String endpointId, String status, Long beforeSeq, int limit) {
    return pool.preparedQuery(SQL_LIST_DELIVERIES)
        .execute(Tuple.of(storeId, endpointId, status, beforeSeq, limit))
        .map(rows -> {
          List<DeliveryRow> out = new ArrayList<>(rows.size());
          for (Row r : rows) {
            out.add(new DeliveryRow(r.getLong("notification_seq"), new JsonObject()
                .put("object", "webhook_delivery")
                .put("endpoint_id", endpointId)
                .put("event_id", r.getString("event_id"))
                .put("event_type", r.getString("type"))
                .put("status", r.getString("status"))
                .put("attempts", r.getInteger("attempts"))
                .put("last_status_code", r.getInteger("last_status_code"))
                .put("last_error", r.getString("last_error"))
                .put("last_latency_ms", r.getInteger("last_latency_ms"))
                .put("next_attempt_at", "pending".equals(r.getString("status"))
                    ? io.shoal.kernel.Wire.time(r.getOffsetDateTime("next_attempt_at")) : null)
                .put("created_at", io.shoal.kernel.Wire.time(r.getOffsetDateTime("created_at")))
                .put("delivered_at", io.shoal.kernel.Wire.time(r.getOffsetDateTime("delivered_at")))));
          }
          return out;
        });
  }

  /**
   * Re-queues a notification: to every endpoint that had a delivery of it, or to one endpoint
   * (which need not have had one). A failing endpoint redelivered to is active again. Answers
   * the endpoint ids re-queued.
   */
  Future<List<String>> redeliver(Stored n, WebhookEndpoint only) {
    return pool.withTransaction(conn -> {
      Future<List<String>> queued;
      if (only != null) {
        String key = n.notification().customerId() != null ? n.notification().customerId() : n.notification().id();
        queued = conn.preparedQuery(SQL_REDELIVER_ONE).execute(Tuple.of(n.notification().storeId(), only.id(),
            n.seq(), key)).map(r -> List.of(only.id()));
      } else {
        String key = n.notification().customerId() != null ? n.notification().customerId() : n.notification().id();
        queued = conn.preparedQuery(SQL_REDELIVER_ALL).execute(Tuple.of(n.notification().storeId(), n.seq(), key))
            .map(rows -> {
              List<String> ids = new ArrayList<>();
              rows.forEach(r -> ids.add(r.getString(0)));
              return ids;
            });
      }
      return queued.compose(ids -> ids.isEmpty() ? Future.succeededFuture(ids)
          : conn.preparedQuery(SQL_REACTIVATE_FAILING)
              .execute(Tuple.tuple().addValue(n.notification().storeId()).addValue(ids.toArray(new String[0])))
              .map(ids));
    });
  }

  // --- cursors ---------------------------------------------------------------------------------

  /**
   * Takes or renews the cursors for {@code holder} for {@code ttlMs}; answers the ones held.
   * {@code known}: each endpoint asked for, with the epoch its cursor is held under (null: not held).
   */
  Future<List<Cursor>> holdCursors(Map<String, Long> known, String holder, long ttlMs) {
    return pool.preparedQuery(SQL_HOLD_CURSORS)
        .execute(Tuple.of(known.keySet().toArray(new String[0]), holder, ttlMs, known.values().toArray(new Long[0])))
        .map(rows -> {
          List<Cursor> out = new ArrayList<>(rows.size());
          for (Row r : rows) {
            out.add(new Cursor(r.getString("endpoint_id"), r.getLong("position"), r.getLong("skip_after"),
                r.getLong("skip_upto"), r.getLong("epoch")));
          }
          return out;
        });
  }

  /**
   * Lets the cursors go at once (graceful stop): the next holder need not wait for them to expire.
   * {@code held}: each with the epoch it is held under (one taken over meanwhile stays its holder's).
   */
  Future<Void> releaseCursors(Map<String, Long> held, String holder) {
    return pool.preparedQuery(SQL_RELEASE_CURSORS)
        .execute(Tuple.of(held.keySet().toArray(new String[0]), holder, held.values().toArray(new Long[0])))
        .mapEmpty();
  }

  /**
   * Resolves dispatch batches of one or more endpoints in one statement (see {@link #SQL_RESOLVE});
   * answers the endpoints {@code holder} still held under the batches' epochs (the others' batches
   * are not recorded).
   */
  Future<Set<String>> resolve(List<Resolution> batches, String holder) {
    int lanes = batches.size();
    String[] ids = new String[lanes];
    Long[] epochs = new Long[lanes];
    Long[] positions = new Long[lanes];
    int n = 0;
    int m = 0;
    for (int i = 0; i < lanes; i++) {
      Resolution b = batches.get(i);
      ids[i] = b.endpointId();
      epochs[i] = b.epoch();
      positions[i] = b.position();
      n += b.delivered().size();
      m += b.kept().size();
    }
    String[] eps = new String[n];
    Long[] firsts = new Long[n];
    Long[] lasts = new Long[n];
    String[] seqs = new String[n];
    Integer[] codes = new Integer[n];
    Integer[] ms = new Integer[n];
    OffsetDateTime[] at = new OffsetDateTime[n];
    String[] kEps = new String[m];
    Long[] kSeqs = new Long[m];
    String[] keys = new String[m];
    String[] statuses = new String[m];
    Integer[] attempts = new Integer[m];
    Integer[] kCodes = new Integer[m];
    String[] errors = new String[m];
    Integer[] kMs = new Integer[m];
    OffsetDateTime[] due = new OffsetDateTime[m];
    OffsetDateTime[] since = new OffsetDateTime[m];
    int i = 0;
    int j = 0;
    for (Resolution b : batches) {
      for (Delivered d : b.delivered()) {
        eps[i] = b.endpointId();
        firsts[i] = d.seqs()[0];
        lasts[i] = d.seqs()[d.seqs().length - 1];
        seqs[i] = arrayLiteral(d.seqs());
        codes[i] = d.statusCode();
        ms[i] = d.latencyMs();
        at[i++] = time(d.atMs());
      }
      for (Kept k : b.kept()) {
        kEps[j] = b.endpointId();
        kSeqs[j] = k.seq();
        keys[j] = k.orderingKey();
        statuses[j] = k.status();
        attempts[j] = k.attempts();
        kCodes[j] = k.statusCode();
        errors[j] = k.error();
        kMs[j] = k.latencyMs();
        due[j] = k.dueMs() == null ? null : time(k.dueMs());
        since[j++] = k.sinceMs() == null ? null : time(k.sinceMs());
      }
    }
    return pool.preparedQuery(SQL_RESOLVE).execute(Tuple.tuple().addValue(ids).addValue(positions).addValue(holder)
            .addValue(eps).addValue(firsts).addValue(lasts).addValue(seqs).addValue(codes).addValue(ms).addValue(at)
            .addValue(kEps).addValue(kSeqs).addValue(keys).addValue(statuses).addValue(attempts).addValue(kCodes)
            .addValue(errors).addValue(kMs).addValue(due).addValue(since).addValue(epochs))
        .map(rows -> {
          Set<String> held = new HashSet<>(rows.size() * 2);
          rows.forEach(r -> held.add(r.getString(0)));
          return held;
        });
  }

  /** {@code {1,2,3}}: a request's seqs as one text parameter, cast to bigint[] in the statement. */
  private static String arrayLiteral(long[] seqs) {
    StringBuilder b = new StringBuilder(seqs.length * 8 + 2).append('{');
    for (int i = 0; i < seqs.length; i++) {
      if (i > 0) {
        b.append(',');
      }
      b.append(seqs[i]);
    }
    return b.append('}').toString();
  }

  // --- notifications ---------------------------------------------------------------------------

  Future<Stored> notification(String storeId, String id) {
    return pool.preparedQuery(SQL_FIND_NOTIFICATION).execute(Tuple.of(storeId, id))
        .map(rows -> rows.size() == 0 ? null : stored(rows.iterator().next()));
  }

  Future<List<Stored>> notifications(String storeId, List<String> types, Instant after, Long beforeSeq, int limit) {
    return pool.preparedQuery(SQL_LIST_NOTIFICATIONS)
        .execute(Tuple.of(storeId, types == null ? null : types.toArray(new String[0]), time(after), beforeSeq, limit))
        .map(DeliveryStore::storedList);
  }

  Future<Page> readAfter(String storeId, long afterSeq, int limit) {
    return pool.preparedQuery(SQL_READ_AFTER).execute(Tuple.of(storeId, afterSeq, limit)).map(DeliveryStore::page);
  }

  /** Every store's notifications after {@code afterSeq}, in seq order. */
  Future<Page> readAllAfter(long afterSeq, int limit) {
    return pool.preparedQuery(SQL_READ_ALL_AFTER).execute(Tuple.of(afterSeq, limit)).map(DeliveryStore::page);
  }

  /**
   * The notifications of store {@code storeId} (null: every store's) written at {@code seqs}
   * (values of the sequence: a set's all), in seq order, and which of the seqs are visible now.
   */
  Future<Doubted> readAt(Long[] seqs, String storeId) {
    return pool.preparedQuery(SQL_READ_AT).execute(Tuple.tuple().addValue(seqs).addValue(storeId)).map(rows -> {
      List<Stored> out = new ArrayList<>();
      java.util.Set<Long> seen = new java.util.HashSet<>();
      long xmin = 0;
      for (Row r : rows) {
        xmin = r.getLong("xmin");
        if (r.getValue("row_seq") != null) {
          seen.add(r.getLong("row_seq"));
        }
        if (r.getValue("seq") != null) {
          out.add(stored(r));
        }
      }
      return new Doubted(out, seen, xmin);
    });
  }

  /** The seqs of these rows. */
  static java.util.Set<Long> seqs(List<Stored> rows) {
    java.util.Set<Long> out = new java.util.HashSet<>(rows.size() * 2);
    rows.forEach(r -> out.add(r.seq()));
    return out;
  }

  /** The seqs in {@code (afterSeq, upToSeq]} no store's notification has (yet). */
  Future<List<Long>> absentSeqs(long afterSeq, long upToSeq) {
    return io.shoal.outbox.NotificationLog.absentSeqs(pool, afterSeq, upToSeq);
  }

  /** The oldest transaction still running (every one below it has ended). */
  Future<Long> horizon() {
    return pool.query(SQL_HORIZON).execute().map(rows -> rows.iterator().next().getLong(0));
  }

  private static Page page(RowSet<Row> rows) {
    List<Stored> out = new ArrayList<>(rows.size());
    long xmin = 0;
    long ref = 0;
    for (Row r : rows) {
      xmin = r.getLong("xmin");
      ref = r.getLong("ref");
      if (r.getValue("seq") != null) {
        out.add(stored(r));
      }
    }
    return new Page(out, xmin, ref);
  }

  Future<Long> lastSeq(String storeId) {
    return pool.preparedQuery(SQL_LAST_SEQ).execute(Tuple.of(storeId)).map(rows -> rows.iterator().next().getLong(0));
  }

  // --- rows ------------------------------------------------------------------------------------

  private static WebhookEndpoint firstEndpoint(RowSet<Row> rows) {
    return rows.size() == 0 ? null : WebhookEndpoint.from(rows.iterator().next());
  }

  private static List<WebhookEndpoint> endpointList(RowSet<Row> rows) {
    List<WebhookEndpoint> out = new ArrayList<>(rows.size());
    rows.forEach(r -> out.add(WebhookEndpoint.from(r)));
    return out;
  }

  private static List<Stored> storedList(RowSet<Row> rows) {
    List<Stored> out = new ArrayList<>(rows.size());
    rows.forEach(r -> out.add(stored(r)));
    return out;
  }

  private static Stored stored(Row r) {
    Object data = r.getValue("data");
    return new Stored(r.getLong("seq"), new Notification(r.getString("store_id"), r.getString("id"),
        r.getString("type"), r.getString("customer_id"), data instanceof JsonObject o ? o : new JsonObject(),
        r.getOffsetDateTime("created_at").toInstant()));
  }

  private static OffsetDateTime time(long epochMs) {
    return Instant.ofEpochMilli(epochMs).atOffset(ZoneOffset.UTC);
  }

  private static OffsetDateTime time(Instant t) {
    return t == null ? null : t.atOffset(ZoneOffset.UTC);
  }
}
