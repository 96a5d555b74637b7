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
 * the change does. Nothing is written per reader: the live streams, the webhook dispatcher, the
 * Kafka relay and automations follow the log by position; after the commit, {@link #wake} tells
 * them. A {@link Fanout} is told of each record and commit (none in Shoal; tests observe with one).
 *
 * <pre>
 *   segment evaluator / event log / customers / campaigns / data requests
 *     -> record(conn, notifications)      INSERT notifications, then fanout.recorded(conn, ...)
 *     -> commit
 *     -> wake(notifications)              fanout.committed(...), publish NEW_NOTIFICATIONS(store)
 *                                         (Kafka mode: and on the other nodes, by ClusterWakes)
 *   notify (streams, webhook dispatcher) and automation read V58's functions and wake on the address.
 * </pre>
 *
 * <p>Storage: {@link #record} writes one {@code notifications} row a notification. The segment
 * enters and leaves of one customer's event are a set: one row holding them all (arrays, and the
 * data they share once), the k-th at seq = row seq + k - 1, with the id {@link #setId} of that seq
 * (V61: the caller's id is not kept, and {@link Recorded} gives the fan-out the notification as
 * stored). Since V80 the evaluator writes its sets itself, in its {@code segment_flips} row of the
 * customer's event ({@link SetText}; {@link #recordedSets} and {@link #told} tell the fan-out), so
 * a flip and its announcement are one row; {@code notification_sets} rows (V58) are those written
 * before V80 and those an erasure moves there ({@link #moveAnnouncedFlips}). All three tables take
 * their seq from one sequence stepping by {@link #PER_SET}, so positions are unique and increase
 * in write order, and readers get one notification per row from V58's functions.
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
  /** The most notifications one notification_sets row holds (the sequence steps by this much). */
  public static final int PER_SET = 1024;
  private static final int SLICE = 5_000;
  /**
   * A person's notifications, for erasure. Kept: the leaves the erasure itself announced (cause
   * {@code customer_erased}, no profile) and the data-request events, which tell receivers to
   * erase their own copies. A set's notifications share their customer and cause, so a set goes
   * or stays whole. Answers the seqs of the notifications that went.
   */
  private static final String SQL_ERASE =
      "WITH single AS (DELETE FROM notifications WHERE store_id = $1 AND customer_id = $2"
          + "   AND type NOT LIKE 'data_request.%'"
          + "   AND NOT (type = 'customer.segment.left' AND data->>'cause' = 'customer_erased') RETURNING seq),"
          + " sets AS (DELETE FROM notification_sets WHERE store_id = $1 AND customer_id = $2"
          + "   AND shared->>'cause' IS DISTINCT FROM 'customer_erased' RETURNING seq, cardinality(entered) AS c)"
          + " SELECT seq FROM single UNION ALL SELECT s.seq + k - 1 FROM sets s, generate_series(1, s.c) AS k";

  /**
   * An erasure's first step for a person's announced flips (V80: a segment_flips row that is also a
   * set): their notifications are copied to notification_sets at the same seqs, where they read the
   * same (ids from their seqs) and {@link #erase} finds them, before the segment capability
   * anonymises the flips in the same transaction (io.shoal.segment.SegmentPersonalData), which
   * leaves no notification in segment_flips. Answers how many rows were moved.
   */
  private static final String SQL_MOVE_ANNOUNCED_FLIPS =
      "INSERT INTO notification_sets (seq, store_id, customer_id, created_at, shared, entered, segment_ids, segment_names)"
          + " SELECT f.seq, f.store_id, f.customer_id, f.occurred_at, f.shared, f.entered, f.segment_ids, f.segment_names"
          + " FROM segment_flips f WHERE f.store_id = $1 AND f.customer_id = $2 AND f.shared IS NOT NULL";

  /** Who delivers what the outbox records: told inside the recording transaction and after its commit. */
  public interface Fanout {

    /** Told nothing. */
    Fanout NONE = new Fanout() {
      @Override
      public Future<Void> recorded(SqlConnection conn, List<Recorded> recorded) {
        return Future.succeededFuture();
      }

      @Override
      public void committed(List<Notification> committed) {}
    };

    /** Inside the recording transaction, on its connection: the notifications newly inserted, with their seq. */
    Future<Void> recorded(SqlConnection conn, List<Recorded> recorded);

    /** After the commit of notifications {@link #recorded} earlier (or of none, if they were duplicates). */
    void committed(List<Notification> committed);
  }

  /**
   * A notification newly inserted, as readers get it back, with the position the table gave it;
   * {@code given} is the caller's, which differs in its id for a set's (made from the seq, V61).
   */
  public record Recorded(Notification notification, long seq, Notification given) {

    public Recorded(Notification notification, long seq) {
      this(notification, seq, notification);
    }
  }

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

  /**
   * Records the notifications using {@code conn}, inside its transaction (and tells the fan-out),
   * in their order, one {@code notifications} row each.
   */
  public Future<Void> record(SqlConnection conn, List<Notification> notifications) {
    if (notifications.isEmpty()) {
      return Future.succeededFuture();
    }
    List<Recorded> recorded = new ArrayList<>(notifications.size());
    Future<Void> f = Future.succeededFuture();
    for (int from = 0; from < notifications.size(); from += SLICE) {
      List<Notification> slice = notifications.subList(from, Math.min(from + SLICE, notifications.size()));
      f = f.compose(v -> insert(conn, slice, recorded));
    }
    return f.compose(v -> told(conn, recorded));
  }

  /**
   * Tells the fan-out, inside the recording transaction, of notifications recorded: by
   * {@link #record}, or by a caller's own statement as sets (the evaluator's announced flips'
   * rows, V80: {@link SetText}, {@link #recordedSets}).
   */
  public Future<Void> told(SqlConnection conn, List<Recorded> recorded) {
    // in seq order, as the one-row-at-a-time inserts gave them
    recorded.sort(java.util.Comparator.comparingLong(Recorded::seq));
    return recorded.isEmpty() ? Future.succeededFuture() : fanout.recorded(conn, recorded);
  }

  /**
   * A segment enter/leave notification as the evaluator makes it (data: segment_id,
   * segment_name, customer_id, customer, cause, occurred_at), which a set can hold and give back
   * equal but for its id (see {@link #setId}); anything else (or a segment id with a comma) is not
   * one ({@link SetText#of} refuses it).
   */
  public static boolean inSet(Notification n) {
    JsonObject d = n.data();
    if (!"customer.segment.entered".equals(n.type()) && !"customer.segment.left".equals(n.type())) {
      return false;
    }
    SegmentNoticeData flip = SegmentNoticeData.in(d);
    if (flip != null) {
      return flip.segmentId != null && flip.segmentId.indexOf(',') < 0 && n.customerId() != null
          && n.customerId().equals(flip.customerId);
    }
    return n.customerId() != null && d != null && d.size() == 6
        && d.getValue("segment_id") instanceof String seg && seg.indexOf(',') < 0
        && (d.getValue("segment_name") == null || d.getValue("segment_name") instanceof String)
        && n.customerId().equals(d.getValue("customer_id"))
        && d.containsKey("customer") && d.containsKey("cause") && d.containsKey("occurred_at");
  }

  /** Whether {@code n} goes in the same set as {@code first}: one customer's event, the data they share equal. */
  public static boolean sameSet(Notification first, Notification n) {
    if (!first.storeId().equals(n.storeId()) || !first.customerId().equals(n.customerId())
        || !first.createdAt().equals(n.createdAt())) {
      return false;
    }
    JsonObject a = first.data();
    JsonObject b = n.data();
    SegmentNoticeData fa = SegmentNoticeData.in(a);
    SegmentNoticeData fb = SegmentNoticeData.in(b);
    if (fa != null && fb != null) {
      return fa.shared.sameAs(fb.shared);
    }
    return java.util.Objects.equals(a.getValue("cause"), b.getValue("cause"))
        && java.util.Objects.equals(a.getValue("occurred_at"), b.getValue("occurred_at"))
        && java.util.Objects.equals(a.getValue("customer"), b.getValue("customer"));
  }

  /**
   * The rows a statement writing sets returned ({@code seq, store_id, customer_id}, one per set, in
   * the sets' order: checked, the transaction fails rather than misname), and the sets'
   * notifications as stored (each at its row's seq + its place, with the id {@link #setId} of that
   * seq) added to {@code recorded}.
   */
  public static void recordedSets(io.vertx.sqlclient.RowSet<io.vertx.sqlclient.Row> rows, String[] stores,
                                  String[] customers, List<List<Notification>> sets, List<Recorded> recorded) {
    int n = sets.size();
    long[] seqs = new long[n];
    int i = 0;
    for (io.vertx.sqlclient.Row r : rows) {
      seqs[i] = r.getLong(0);
      if (!stores[i].equals(r.getString(1)) || !customers[i].equals(r.getString(2))) {
        // seqs in input order is what PostgreSQL does; fail the transaction rather than misname
        throw new IllegalStateException("notification sets returned out of order at " + seqs[i]);
      }
      i++;
    }
    for (int j = 1; j < n; j++) {
      if (seqs[j] <= seqs[j - 1]) {
        throw new IllegalStateException("notification sets' seqs out of order at " + seqs[j]);
      }
    }
    for (int j = 0; j < n; j++) {
      List<Notification> set = sets.get(j);
      for (int k = 0; k < set.size(); k++) {
        Notification given = set.get(k);
        long seq = seqs[j] + k;
        recorded.add(new Recorded(new Notification(given.storeId(), setId(seq), given.type(), given.customerId(),
            given.data(), given.createdAt()), seq, given));
      }
    }
  }

  /**
   * The text of a set's columns (V58), as the announced flips' rows (V80,
   * {@code io.shoal.segment.eval.EvaluationStore}) take them: the data the notifications share
   * as a JSON object, their directions one character each ('t' entered, 'f' left), their segments
   * joined by commas, their segment names as a JSON array (a name may hold any character). One
   * instance is reused for set after set ({@link #of}).
   */
  public static final class SetText {
    public String shared;
    public String kinds;
    public String segments;
    public String names;
    private final StringBuilder kindList = new StringBuilder();
    private final StringBuilder segmentList = new StringBuilder();
    private final StringBuilder nameList = new StringBuilder();

    /**
     * Fills the fields with {@code set}'s: segment notifications ({@link #inSet}) of one customer's
     * event whose shared data are equal, at most {@link #PER_SET} (else an IllegalArgumentException).
     */
    public SetText of(List<Notification> set) {
      Notification first = set.get(0);
      if (set.size() > PER_SET) {
        throw new IllegalArgumentException("a set holds at most " + PER_SET + " notifications");
      }
      SegmentNoticeData flip = SegmentNoticeData.in(first.data());
      shared = flip != null ? flip.shared.json()
          : new JsonObject().put("customer", first.data().getValue("customer")).put("cause", first.data().getValue("cause"))
              .put("occurred_at", first.data().getValue("occurred_at")).encode();
      kindList.setLength(0);
      segmentList.setLength(0);
      nameList.setLength(0);
      nameList.append('[');
      for (Notification x : set) {
        if (!inSet(x) || (x != first && !sameSet(first, x))) {
          throw new IllegalArgumentException("not one set: " + x.id());
        }
        if (segmentList.length() > 0) {
          segmentList.append(',');
          nameList.append(',');
        }
        kindList.append("customer.segment.entered".equals(x.type()) ? 't' : 'f');
        SegmentNoticeData d = SegmentNoticeData.in(x.data());
        segmentList.append(d != null ? d.segmentId : x.data().getString("segment_id"));
        JsonText.string(nameList, d != null ? d.segmentName : x.data().getString("segment_name"));
      }
      kinds = kindList.toString();
      segments = segmentList.toString();
      names = nameList.append(']').toString();
      return this;
    }
  }

  /**
   * The id of a set's notification at {@code seq} (V61's notification_set_id): {@code evt_u} and
   * the seq in 19 digits. Ids made by {@link io.shoal.kernel.Ids} have no {@code u}, so no other
   * notification's id can be one of these.
   */
  public static String setId(long seq) {
    char[] out = "evt_u0000000000000000000".toCharArray();
    for (int i = out.length - 1; seq > 0; i--) {
      out[i] = (char) ('0' + seq % 10);
      seq /= 10;
    }
    return new String(out);
  }

  private static Future<Void> insert(SqlConnection conn, List<Notification> slice, List<Recorded> recorded) {
    Map<String, Notification> byKey = new HashMap<>(slice.size() * 2);
    for (Notification x : slice) {
      byKey.putIfAbsent(x.storeId() + '\u0000' + x.id(), x);
    }
    return conn.preparedQuery(SQL_INSERT)
        .execute(addColumns(Tuple.tuple(), slice))
        .map(rows -> {
          for (io.vertx.sqlclient.Row r : rows) {
            recorded.add(new Recorded(byKey.get(r.getString(0) + '\u0000' + r.getString(1)), r.getLong(2)));
          }
          return null;
        });
  }

  /**
   * The notifications of rows a caller writes, recorded by the caller's own statement: one
   * statement is one implicit transaction, committed (and flushed) when it ends, with no BEGIN
   * or COMMIT and no answer waited for between statements. {@code written} is a data-modifying
   * statement returning at least {@code store_id} and {@code id} (the notification's id is the
   * row's); its parameters end at {@code $(firstParameter - 1)}, and the candidates' follow
   * ({@link #addCandidates}). A candidate is recorded only if {@code written} returned its
   * (store_id, id), so the rows and their announcements commit together or not at all. The
   * statement answers the rows {@code written} returned. Only when nothing is told inside the
   * transaction ({@link #recordsInOneStatement}).
   * With {@code mayRepeat} false the notifications are a plain INSERT (no ON CONFLICT): for a
   * {@code written} whose ids are new, failing on any id logged before, so no notification has them.
   */
  public static String recordingWith(String written, int firstParameter, boolean mayRepeat) {
    int p = firstParameter;
    return "WITH written AS (" + written + "),"
        + " announced AS (INSERT INTO notifications (store_id, id, type, customer_id, data, created_at)"
        + " SELECT u.s, u.i, u.t, u.c, u.d::jsonb, u.at FROM (SELECT pg_current_xact_id()) AS x,"
        + " unnest($" + p + "::text[], $" + (p + 1) + "::text[], $" + (p + 2) + "::text[], $" + (p + 3) + "::text[], $"
        + (p + 4) + "::text[], $" + (p + 5) + "::timestamptz[]) WITH ORDINALITY AS u(s, i, t, c, d, at, n)"
        + " WHERE EXISTS (SELECT 1 FROM written w WHERE w.store_id = u.s AND w.id = u.i)"
        + " ORDER BY u.n" + (mayRepeat ? " ON CONFLICT (store_id, id) DO NOTHING)" : ")")
        + " SELECT * FROM written";
  }

  /** The candidates of {@link #recordingWith} as its six parameters, appended to {@code tuple}. */
  public static Tuple addCandidates(Tuple tuple, List<Notification> candidates) {
    return addColumns(tuple, candidates);
  }

  /** The notifications as six column arrays (store, id, type, customer, data, created at), appended to {@code tuple}. */
  private static Tuple addColumns(Tuple tuple, List<Notification> notifications) {
    int n = notifications.size();
    String[] stores = new String[n];
    String[] ids = new String[n];
    String[] types = new String[n];
    String[] customers = new String[n];
    String[] data = new String[n];
    java.time.OffsetDateTime[] at = new java.time.OffsetDateTime[n];
    for (int i = 0; i < n; i++) {
      Notification x = notifications.get(i);
      stores[i] = x.storeId();
      ids[i] = x.id();
      types[i] = x.type();
      customers[i] = x.customerId();
      data[i] = x.data() == null ? null : x.data().encode();
      at[i] = x.createdAt().atOffset(ZoneOffset.UTC);
    }
    return tuple.addValue(stores).addValue(ids).addValue(types).addValue(customers).addValue(data).addValue(at);
  }

  /**
   * Whether notifications may be recorded by {@link #recordingWith}: only when no fan-out is told
   * of them inside the recording transaction (as in Shoal; tests may observe with one).
   */
  public boolean recordsInOneStatement() {
    return fanout == Fanout.NONE;
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

  /**
   * Erases a person's notifications (see {@link #SQL_ERASE} for what is kept); answers the seqs
   * that went, whose webhook deliveries the caller deletes (no foreign key can cascade since V58).
   */
  public static Future<List<Long>> erase(SqlClient client, String storeId, String customerId) {
    return client.preparedQuery(SQL_ERASE).execute(Tuple.of(storeId, customerId)).map(rows -> {
      List<Long> out = new ArrayList<>(rows.size());
      rows.forEach(r -> out.add(r.getLong(0)));
      return out;
    });
  }

  /**
   * Copies a person's announced flips' notifications to notification_sets (see
   * {@link #SQL_MOVE_ANNOUNCED_FLIPS}), inside the caller's transaction, which then takes the
   * notifications off the flips' rows; answers how many rows were copied.
   */
  public static Future<Integer> moveAnnouncedFlips(SqlClient client, String storeId, String customerId) {
    return client.preparedQuery(SQL_MOVE_ANNOUNCED_FLIPS).execute(Tuple.of(storeId, customerId))
        .map(io.vertx.sqlclient.SqlResult::rowCount);
  }

  /**
   * The values of the sequence in {@code (afterSeq, upToSeq]} that no table has a visible row at,
   * of any store: not committed yet, or never (see {@link Doubts}). Since V58 the sequence hands
   * out one value per row, 1 mod {@link #PER_SET}, and a set's notifications (seq = row seq + k -
   * 1) commit together, so only those values are asked about: a seq inside a committed set is
   * never absent, and the values between sets are never handed out. Since V80 every
   * {@code segment_flips} row takes a value too (announcing or not), and the values V80 skipped
   * are never absent.
   */
  public static Future<List<Long>> absentSeqs(SqlClient client, long afterSeq, long upToSeq) {
    return client.preparedQuery("SELECT v FROM notification_seqs_absent($1, $2) AS v")
        .execute(Tuple.of(afterSeq, upToSeq)).map(rows -> {
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
