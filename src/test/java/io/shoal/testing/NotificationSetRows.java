package io.shoal.testing;

import io.shoal.outbox.Notification;
import io.shoal.outbox.NotificationLog;
import io.vertx.core.Future;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes segment notifications as {@code notification_sets} rows (V58) in tests: the rows that
 * versions before V80 wrote and an erasure's move still writes, which V58's functions read back
 * one notification per set member. Since V80 Shoal writes its sets in the evaluator's
 * {@code segment_flips} rows; these tests keep the older table's reading covered.
 */
public final class NotificationSetRows {

  /** The statement versions before V80 wrote sets with (taking the transaction's id first, as the outbox does). */
  private static final String SQL_INSERT_SETS =
      "INSERT INTO notification_sets (store_id, customer_id, created_at, shared, entered, segment_ids, segment_names)"
          + " SELECT u.s, u.c, u.at, u.sh::jsonb, string_to_array(u.kinds, NULL)::boolean[],"
          + " string_to_array(u.segs, ','),"
          + " ARRAY(SELECT a.t FROM jsonb_array_elements_text(u.names::jsonb) WITH ORDINALITY AS a(t, i) ORDER BY a.i)"
          + " FROM (SELECT pg_current_xact_id()) AS x,"
          + " unnest($1::text[], $2::text[], $3::timestamptz[], $4::text[], $5::text[], $6::text[], $7::text[])"
          + " WITH ORDINALITY AS u(s, c, at, sh, kinds, segs, names, n) ORDER BY u.n"
          + " RETURNING seq, store_id, customer_id";

  private NotificationSetRows() {}

  /**
   * Records {@code notifications} in their order inside {@code conn}'s transaction, and tells
   * {@code log}'s fan-out of them ({@link NotificationLog#told}) as the evaluator does: each run of
   * segment notifications ({@link NotificationLog#inSet}) as sets, one row per customer's event
   * of at most {@link NotificationLog#PER_SET}; the others through {@link NotificationLog#record}.
   */
  public static Future<Void> record(NotificationLog log, SqlConnection conn, List<Notification> notifications) {
    Future<Void> f = Future.succeededFuture();
    int from = 0;
    while (from < notifications.size()) {
      boolean set = NotificationLog.inSet(notifications.get(from));
      int to = from + 1;
      while (to < notifications.size() && NotificationLog.inSet(notifications.get(to)) == set) {
        to++;
      }
      List<Notification> run = notifications.subList(from, to);
      f = f.compose(v -> set ? insertSets(log, conn, run) : log.record(conn, run));
      from = to;
    }
    return f;
  }

  /** The runs of {@code run} that are one set each ({@link NotificationLog#sameSet}), in order. */
  public static List<List<Notification>> sets(List<Notification> run) {
    List<List<Notification>> out = new ArrayList<>();
    int start = 0;
    for (int i = 1; i <= run.size(); i++) {
      if (i == run.size() || i - start == NotificationLog.PER_SET
          || !NotificationLog.sameSet(run.get(start), run.get(i))) {
        out.add(run.subList(start, i));
        start = i;
      }
    }
    return out;
  }

  private static Future<Void> insertSets(NotificationLog log, SqlConnection conn, List<Notification> run) {
    List<List<Notification>> sets = sets(run);
    int n = sets.size();
    String[] stores = new String[n];
    String[] customers = new String[n];
    OffsetDateTime[] at = new OffsetDateTime[n];
    String[] shared = new String[n];
    String[] kinds = new String[n];
    String[] segments = new String[n];
    String[] names = new String[n];
    NotificationLog.SetText text = new NotificationLog.SetText();
    for (int i = 0; i < n; i++) {
      Notification first = sets.get(i).get(0);
      stores[i] = first.storeId();
      customers[i] = first.customerId();
      at[i] = first.createdAt().atOffset(ZoneOffset.UTC);
      text.of(sets.get(i));
      shared[i] = text.shared;
      kinds[i] = text.kinds;
      segments[i] = text.segments;
      names[i] = text.names;
    }
    return conn.preparedQuery(SQL_INSERT_SETS)
        .execute(Tuple.tuple().addValue(stores).addValue(customers).addValue(at).addValue(shared).addValue(kinds)
            .addValue(segments).addValue(names))
        .compose(rows -> {
          List<NotificationLog.Recorded> recorded = new ArrayList<>();
          NotificationLog.recordedSets(rows, stores, customers, sets, recorded);
          return log.told(conn, recorded);
        });
  }
}
