package io.shoal.outbox;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The transactional outbox: records notifications inside the caller's transaction. Whoever
 * changes something announces it in the same commit, so an announcement exists if and only if
 * the change does. Its {@link Fanout} (the webhook endpoints of notify) adds what it needs in
 * the same transaction; after the commit, {@link #wake} tells the fan-out and the live streams.
 *
 * <pre>
 *   segment evaluator / event log / customers / campaigns / data requests
 *     -> record(conn, notifications)      INSERT notifications, then fanout.recorded(conn, ...)
 *     -> commit
 *     -> wake(notifications)              fanout.committed(...), publish NEW_NOTIFICATIONS(store)
 *                                         (Kafka mode: and on the other nodes, by ClusterWakes)
 *   notify (streams, webhook dispatcher) and automation read the table and wake on the address.
 * </pre>
 *
 * <p>{@code seq} is allocated when a notification is inserted, so concurrent transactions may
 * commit out of {@code seq} order; readers that must not skip any (live streams) wait for the
 * transactions that were running when they saw a row to finish. No lock is taken here: it would
 * serialise every store's commits.
 */
public final class NotificationLog {

  /** Published (locally) after a commit that recorded notifications; the body is the store id. */
  public static final String NEW_NOTIFICATIONS = "shoal.notify.new";

  /**
   * One statement per slice over arrays (unnest): bench/engine records ~20 notifications per
   * event at 1,000 segments, and one execution per row was a third of PostgreSQL's time there.
   * Rows come back in no particular order: they are matched to the input by (store_id, id).
   * The transaction takes its id before the first seq is handed out ({@code x}, read before any
   * row is made): readers that wait for running transactions (automations, streams, the Kafka
   * relay) would otherwise see a seq whose transaction is not in their snapshot yet, and take it
   * for final before its commit.
   */
  private static final String SQL_INSERT =
      "INSERT INTO notifications (store_id, id, type, customer_id, data, created_at)"
          + " SELECT u.s, u.i, u.t, u.c, u.d::jsonb, u.at FROM (SELECT pg_current_xact_id()) AS x,"
          + " unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::timestamptz[])"
          + " WITH ORDINALITY AS u(s, i, t, c, d, at, n) ORDER BY u.n"
          + " ON CONFLICT (store_id, id) DO NOTHING RETURNING store_id, id, seq";
  private static final int SLICE = 5_000;
  /**
   * A person's notifications, for erasure. Kept: the leaves the erasure itself announced (cause
   * {@code customer_erased}, no profile) and the data-request events, which tell receivers to
   * erase their own copies.
   */
  private static final String SQL_ERASE =
      "DELETE FROM notifications WHERE store_id = $1 AND customer_id = $2"
          + " AND type NOT LIKE 'data_request.%'"
          + " AND NOT (type = 'customer.segment.left' AND data->>'cause' = 'customer_erased')";

  /** Who delivers what the outbox records: told inside the recording transaction and after its commit. */
  public interface Fanout {

    /** Inside the recording transaction, on its connection: the notifications newly inserted, with their seq. */
    Future<Void> recorded(SqlConnection conn, List<Recorded> recorded);

    /** After the commit of notifications {@link #recorded} earlier (or of none, if they were duplicates). */
    void committed(List<Notification> committed);
  }

  /** A notification newly inserted, with the position the table gave it. */
  public record Recorded(Notification notification, long seq) {}

  private final Vertx vertx;
  private final Fanout fanout;
  /** Kafka mode: the other nodes' readers, woken too (null on a single node). */
  private volatile ClusterWakes others;

  public NotificationLog(Vertx vertx, Fanout fanout) {
    this.vertx = vertx;
    this.fanout = fanout;
  }

  /** Kafka mode: every wake also reaches the readers on the other nodes. */
  public void alsoWake(ClusterWakes others) {
    this.others = others;
  }

  /** Records the notifications (and the fan-out's rows) using {@code conn}, inside its transaction. */
  public Future<Void> record(SqlConnection conn, List<Notification> notifications) {
    if (notifications.isEmpty()) {
      return Future.succeededFuture();
    }
    List<Recorded> recorded = new ArrayList<>();
    Future<Void> f = Future.succeededFuture();
    for (int from = 0; from < notifications.size(); from += SLICE) {
      List<Notification> slice = notifications.subList(from, Math.min(notifications.size(), from + SLICE));
      f = f.compose(v -> insert(conn, slice, recorded));
    }
    return f.compose(v -> {
      // in seq order, as the one-row-at-a-time inserts gave them
      recorded.sort(java.util.Comparator.comparingLong(Recorded::seq));
      return recorded.isEmpty() ? Future.succeededFuture() : fanout.recorded(conn, recorded);
    });
  }

  private static Future<Void> insert(SqlConnection conn, List<Notification> slice, List<Recorded> recorded) {
    int n = slice.size();
    String[] stores = new String[n];
    String[] ids = new String[n];
    String[] types = new String[n];
    String[] customers = new String[n];
    String[] data = new String[n];
    java.time.OffsetDateTime[] at = new java.time.OffsetDateTime[n];
    Map<String, Notification> byKey = new HashMap<>(n * 2);
    for (int i = 0; i < n; i++) {
      Notification x = slice.get(i);
      stores[i] = x.storeId();
      ids[i] = x.id();
      types[i] = x.type();
      customers[i] = x.customerId();
      data[i] = x.data() == null ? null : x.data().encode();
      at[i] = x.createdAt().atOffset(ZoneOffset.UTC);
      byKey.putIfAbsent(x.storeId() + '\u0000' + x.id(), x);
    }
    return conn.preparedQuery(SQL_INSERT)
        .execute(Tuple.tuple().addValue(stores).addValue(ids).addValue(types).addValue(customers).addValue(data)
            .addValue(at))
        .map(rows -> {
          for (io.vertx.sqlclient.Row r : rows) {
            recorded.add(new Recorded(byKey.get(r.getString(0) + '\u0000' + r.getString(1)), r.getLong(2)));
          }
          return null;
        });
  }

  /** After the commit: wakes the fan-out (webhook dispatcher) and the live streams of these stores. */
  public void wake(List<Notification> committed) {
    if (committed.isEmpty()) {
      return;
    }
    fanout.committed(committed);
    Set<String> stores = new HashSet<>();
    for (Notification n : committed) {
      stores.add(n.storeId());
    }
    stores.forEach(s -> vertx.eventBus().publish(NEW_NOTIFICATIONS, s));
    ClusterWakes cluster = others;
    if (cluster != null) {
      cluster.announce(stores);
    }
  }

  /** Erases a person's notifications (see {@link #SQL_ERASE} for what is kept); answers how many went. */
  public static Future<Integer> erase(SqlClient client, String storeId, String customerId) {
    return client.preparedQuery(SQL_ERASE).execute(Tuple.of(storeId, customerId)).map(r -> r.rowCount());
  }

  private static final String SQL_ABSENT = "SELECT s FROM generate_series($1::bigint + 1, $2::bigint) AS s"
      + " WHERE NOT EXISTS (SELECT 1 FROM notifications n WHERE n.seq = s)";

  /**
   * The seqs in {@code (afterSeq, upToSeq]} with no visible notification, of any store: not
   * committed yet, or never (see {@link Doubts}).
   */
  public static Future<List<Long>> absentSeqs(SqlClient client, long afterSeq, long upToSeq) {
    return client.preparedQuery(SQL_ABSENT).execute(Tuple.of(afterSeq, upToSeq)).map(rows -> {
      List<Long> out = new ArrayList<>();
      rows.forEach(r -> out.add(r.getLong(0)));
      return out;
    });
  }

  /** The customer fields segment notifications carry. */
  public static JsonObject customerSummary(String email, String firstName, String lastName) {
    return new JsonObject().put("email", email).put("first_name", firstName).put("last_name", lastName);
  }
}
