package io.shoal.segment.eval;

import io.shoal.customer.CustomerAggregates;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Cursor;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import io.shoal.outbox.Notification;
import io.shoal.outbox.NotificationLog;

/**
 * The evaluator's SQL: loading customer states and memberships at start, and writing one
 * batch of results. A batch (aggregates and state of the customers it touched, membership
 * rows, transitions, member counts and the log checkpoint) commits in one transaction, so
 * after a crash the evaluator resumes exactly where its last batch ended.
 */
final class EvaluationStore {

  static final String CUSTOMER_COLUMNS = "c.store_id, c.id, c.email, c.first_name, c.last_name, c.phone,"
      + " c.external_id, c.timezone, c.tags, c.address, c.metadata, c.email_consent, c.sms_consent, c.push_consent,"
      + " c.created_at, c.updated_at, s.state AS eval_state";
  private static final String CUSTOMER_FROM = " FROM customers c LEFT JOIN customer_eval_state s"
      + " ON s.store_id = c.store_id AND s.customer_id = c.id";

  private static final int FETCH = 5_000;

  private final Pool pool;
  private final NotificationLog notifications;

  EvaluationStore(Pool pool, NotificationLog notifications) {
    this.pool = pool;
    this.notifications = notifications;
  }

  /** Streams every customer row (for the caller to keep its partition's), in pages. */
  Future<Void> scanCustomers(Consumer<Row> each) {
    return scan("SELECT " + CUSTOMER_COLUMNS + CUSTOMER_FROM, each);
  }

  /** Streams (store_id, segment_id, customer_id) of every dynamic or passive segment's members. */
  Future<Void> scanMemberships(Consumer<Row> each) {
    return scan("SELECT m.store_id, m.segment_id, m.customer_id FROM segment_members m"
        + " JOIN segments s ON s.store_id = m.store_id AND s.id = m.segment_id WHERE s.type <> 'static'", each);
  }

  private Future<Void> scan(String sql, Consumer<Row> each) {
    return pool.withTransaction(conn -> conn.prepare(sql).compose(ps -> {
      Cursor cursor = ps.cursor();
      return readAll(cursor, each).eventually(cursor::close);
    }));
  }

  /**
   * Reads page after page. Each page is requested from the previous one's callback and one
   * promise completes at the end: a chain of composed futures, one per page, would unwind
   * recursively at the end and overflow the stack for millions of rows (seen in bench/engine:
   * 12 million memberships at start).
   */
  private static Future<Void> readAll(Cursor cursor, Consumer<Row> each) {
    io.vertx.core.Promise<Void> done = io.vertx.core.Promise.promise();
    readNext(cursor, each, done);
    return done.future();
  }

  private static void readNext(Cursor cursor, Consumer<Row> each, io.vertx.core.Promise<Void> done) {
    cursor.read(FETCH).onComplete(ar -> {
      if (ar.failed()) {
        done.fail(ar.cause());
        return;
      }
      ar.result().forEach(each);
      if (cursor.hasMore()) {
        readNext(cursor, each, done);
      } else {
        done.complete();
      }
    });
  }

  Future<Row> loadCustomer(String storeId, String customerId) {
    return pool.preparedQuery("SELECT " + CUSTOMER_COLUMNS + CUSTOMER_FROM + " WHERE c.store_id = $1 AND c.id = $2")
        .execute(Tuple.of(storeId, customerId))
        .map(rows -> rows.size() == 0 ? null : rows.iterator().next());
  }

  Future<Long> checkpoint(int partition) {
    return pool.preparedQuery("SELECT last_seq FROM evaluator_checkpoints WHERE partition = $1")
        .execute(Tuple.of(partition))
        .map(rows -> rows.size() == 0 ? 0L : rows.iterator().next().getLong(0));
  }

  // --- one batch ------------------------------------------------------------------------------

  /** A customer's new state; {@code aggregatesChanged} says whether its customers row must be written too. */
  record CustomerWrite(String storeId, String customerId, boolean aggregatesChanged, long totalOrders,
                       BigDecimal totalSpent, Instant firstOrderAt, Instant lastOrderAt, Instant lastSeenAt,
                       JsonObject state) {}

  record Transition(String storeId, String id, String segmentId, String customerId, boolean entered,
                    boolean record, String cause, String eventId, Instant at, String segmentName,
                    JsonObject customer) {}

  record Batch(int partition, long checkpoint, List<CustomerWrite> customers, List<Transition> transitions,
               List<Tuple> countDeltas) {}

  /** Writes the batch in one transaction; answers the notifications it recorded, to announce after. */
  Future<List<Notification>> persist(Batch b) {
    List<Notification> announced = announcements(b.transitions());
    return pool.withTransaction(conn -> customers(conn, b.customers())
        .compose(v -> memberships(conn, b.transitions()))
        .compose(v -> transitions(conn, b.transitions()))
        .compose(v -> notifications.record(conn, announced))
        .compose(v -> b.countDeltas().isEmpty() ? Future.succeededFuture()
            : inChunks(conn, "UPDATE segments SET member_count = greatest(0, member_count + $3)"
                + " WHERE store_id = $1 AND id = $2", b.countDeltas()))
        .compose(v -> conn.preparedQuery("INSERT INTO evaluator_checkpoints (partition, last_seq) VALUES ($1, $2)"
                + " ON CONFLICT (partition) DO UPDATE SET last_seq = greatest(evaluator_checkpoints.last_seq, EXCLUDED.last_seq)")
            .execute(Tuple.of(b.partition(), b.checkpoint())).mapEmpty()))
        .map(announced);
  }

  /** customer.segment.entered / left for each recorded transition; the transition id is the event id. */
  private static List<Notification> announcements(List<Transition> transitions) {
    List<Notification> out = new ArrayList<>();
    for (Transition t : transitions) {
      if (!t.record()) {
        continue;
      }
      JsonObject data = new JsonObject()
          .put("segment_id", t.segmentId())
          .put("segment_name", t.segmentName())
          .put("customer_id", t.customerId())
          .put("customer", t.customer())
          .put("cause", t.eventId() != null ? t.eventId() : t.cause())
          .put("occurred_at", io.shoal.kernel.Wire.time(t.at()));
      String type = t.entered() ? "customer.segment.entered" : "customer.segment.left";
      out.add(new Notification(t.storeId(), "evt_" + t.id().substring(4), type, t.customerId(), data, t.at()));
    }
    return out;
  }

  private static Future<Void> customers(SqlConnection conn, List<CustomerWrite> writes) {
    if (writes.isEmpty()) {
      return Future.succeededFuture();
    }
    List<Tuple> states = new ArrayList<>(writes.size());
    List<Tuple> aggregates = new ArrayList<>();
    for (CustomerWrite w : writes) {
      states.add(Tuple.of(w.storeId(), w.customerId(), odt(w.lastSeenAt()), w.state()));
      if (w.aggregatesChanged()) {
        aggregates.add(Tuple.tuple().addValue(w.storeId()).addValue(w.customerId()).addValue((int) w.totalOrders())
            .addValue(w.totalSpent()).addValue(odt(w.firstOrderAt())).addValue(odt(w.lastOrderAt())));
      }
    }
    // A customer deleted meanwhile has nothing to keep: the EXISTS skips it instead of failing the batch.
    Future<Void> f = inChunks(conn, "INSERT INTO customer_eval_state (store_id, customer_id, last_seen_at, state)"
            + " SELECT $1, $2, $3, $4 WHERE EXISTS (SELECT 1 FROM customers WHERE store_id = $1 AND id = $2)"
            + " ON CONFLICT (store_id, customer_id) DO UPDATE SET last_seen_at = EXCLUDED.last_seen_at,"
            + " state = EXCLUDED.state", states);
    if (!aggregates.isEmpty()) {
      f = f.compose(v -> CustomerAggregates.write(conn, aggregates)); // the customer capability's statement
    }
    return f;
  }

  private static Future<Void> memberships(SqlConnection conn, List<Transition> transitions) {
    // A batch may hold several changes of one membership (entered, then left): only the last
    // one says what the row must be, and the deletes run before the inserts.
    Map<String, Transition> last = new LinkedHashMap<>();
    for (Transition t : transitions) {
      last.put(t.storeId() + '\u0000' + t.segmentId() + '\u0000' + t.customerId(), t);
    }
    List<Tuple> enter = new ArrayList<>();
    List<Tuple> leave = new ArrayList<>();
    for (Transition t : last.values()) {
      (t.entered() ? enter : leave).add(Tuple.of(t.storeId(), t.segmentId(), t.customerId()));
    }
    Future<Void> f = Future.succeededFuture();
    if (!leave.isEmpty()) {
      f = f.compose(v -> inChunks(conn,
              "DELETE FROM segment_members WHERE store_id = $1 AND segment_id = $2 AND customer_id = $3", leave));
    }
    if (!enter.isEmpty()) {
      // The segment or the customer may have been deleted meanwhile: then there is nothing to join.
      f = f.compose(v -> inChunks(conn,
              "INSERT INTO segment_members (store_id, segment_id, customer_id)"
                  + " SELECT $1, $2, $3 WHERE EXISTS (SELECT 1 FROM customers WHERE store_id = $1 AND id = $3)"
                  + " AND EXISTS (SELECT 1 FROM segments WHERE store_id = $1 AND id = $2)"
                  + " ON CONFLICT DO NOTHING", enter));
    }
    return f;
  }

  private static Future<Void> transitions(SqlConnection conn, List<Transition> transitions) {
    List<Tuple> rows = new ArrayList<>();
    for (Transition t : transitions) {
      if (t.record()) {
        rows.add(Tuple.tuple().addValue(t.storeId()).addValue(t.id()).addValue(t.segmentId()).addValue(t.customerId())
            .addValue(t.entered() ? "entered" : "left").addValue(t.cause()).addValue(t.eventId())
            .addValue(odt(t.at())));
      }
    }
    if (rows.isEmpty()) {
      return Future.succeededFuture();
    }
    return inChunks(conn, "INSERT INTO segment_transitions (store_id, id, segment_id, customer_id, kind, cause,"
        + " event_id, occurred_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)", rows);
  }

  /**
   * executeBatch in slices of {@link #CHUNK}, one after the other, in the same transaction, so
   * no single statement batch is unbounded: a backfill or the first start over a million
   * customers makes a batch of a million rows.
   */
  private static Future<Void> inChunks(SqlConnection conn, String sql, List<Tuple> tuples) {
    Future<Void> f = Future.succeededFuture();
    for (int from = 0; from < tuples.size(); from += CHUNK) {
      List<Tuple> slice = tuples.subList(from, Math.min(tuples.size(), from + CHUNK));
      f = f.compose(v -> conn.preparedQuery(sql).executeBatch(slice).mapEmpty());
    }
    return f;
  }

  private static final int CHUNK = 2_000;

  private static OffsetDateTime odt(Instant i) {
    return i == null ? null : i.atOffset(ZoneOffset.UTC);
  }

  static List<Row> all(RowSet<Row> rows) {
    List<Row> out = new ArrayList<>(rows.size());
    rows.forEach(out::add);
    return out;
  }
}
