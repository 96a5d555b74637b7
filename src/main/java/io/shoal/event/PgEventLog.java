package io.shoal.event;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;
import io.vertx.sqlclient.SqlConnection;
import io.shoal.outbox.Notification;
import io.shoal.outbox.NotificationLog;

/**
 * The embedded event log: a PostgreSQL table written by group commit. Appends from every event
 * loop join one queue; one batch is in flight at a time, and everything that arrived while it
 * ran goes into the next. So a lone event commits at once (low latency), and under load one
 * transaction carries hundreds (high throughput), and seq order is commit order.
 *
 * <pre>
 *   append() --> queue --(no batch in flight)--> INSERT batch (ON CONFLICT DO NOTHING if one may repeat)
 *                                                  --> look up the duplicates' first events
 *                                                  --> complete every caller --> next batch
 * </pre>
 */
public final class PgEventLog implements EventLog {

  private static final int MAX_BATCH = 2_000;
  /** Beyond this many waiting events, appends are refused with 503 rather than queued without bound. */
  private static final int MAX_QUEUED = 200_000;

  /**
   * A whole batch in one statement: one parse, plan and index pass instead of one per event. Rows
   * are inserted (and take their seq) in batch order; a repeat of a key, also from earlier in the
   * same batch, inserts nothing and returns no row.
   */
  private static final String SQL_INSERT_ROWS =
      "INSERT INTO events (store_id, id, dedupe_key, type, customer_id, occurred_at, data)"
          + " SELECT u.s, u.i, u.k, u.t, u.c, u.o, u.d::jsonb FROM unnest($1::text[], $2::text[], $3::text[],"
          + " $4::text[], $5::text[], $6::timestamptz[], $7::text[]) WITH ORDINALITY AS u(s, i, k, t, c, o, d, n)"
          + " ORDER BY u.n";
  private static final String SQL_RETURNING = " RETURNING store_id, id, seq, received_at";
  private static final String SQL_INSERT = SQL_INSERT_ROWS + " ON CONFLICT DO NOTHING" + SQL_RETURNING;
  /**
   * {@link #SQL_INSERT} without ON CONFLICT, for a batch with no dedupe key and no id twice: the
   * ingestion's ids are new (time first, {@link io.shoal.kernel.Ids#newRecordId}), so only those two
   * could conflict. An INSERT ... ON CONFLICT probes every unique index of events before each row,
   * then inserts it as a speculative tuple (a lock taken and released a row) and confirms it (one
   * more WAL record a row); the plain INSERT checks uniqueness once, while it adds each key. An id
   * that were logged before would fail the batch instead of answering the old event. The orders'
   * notifications (whose ids are their events') are then plain INSERTs too.
   */
  private static final String SQL_INSERT_NEW = SQL_INSERT_ROWS + SQL_RETURNING;
  /** {@link #SQL_INSERT} with the notifications of the orders it inserts, one statement (its parameters $8 on). */
  private static final String SQL_INSERT_ANNOUNCED = NotificationLog.recordingWith(SQL_INSERT, 8, true);
  private static final String SQL_INSERT_NEW_ANNOUNCED = NotificationLog.recordingWith(SQL_INSERT_NEW, 8, false);
  private static final String SQL_BY_DEDUPE =
      "SELECT seq, store_id, id, type, customer_id, occurred_at, received_at, data FROM events"
          + " WHERE store_id = $1 AND dedupe_key = $2";
  private static final String SQL_BY_ID =
      "SELECT seq, store_id, id, type, customer_id, occurred_at, received_at, data FROM events"
          + " WHERE store_id = $1 AND id = $2";
  private static final String SQL_READ_AFTER =
      "SELECT seq, store_id, id, type, customer_id, occurred_at, received_at, data FROM events"
          + " WHERE seq > $1 ORDER BY seq LIMIT $2";
  /** Through the orders' own index (events_orders_by_seq, V9): the other events are not read at all. */
  private static final String SQL_ORDERS_AFTER =
      "SELECT seq, store_id, id, type, customer_id, occurred_at, received_at, data FROM events"
          + " WHERE type = 'order.completed' AND seq > $1 ORDER BY seq LIMIT $2";

  private record Request(List<Pending> events, Function<SqlConnection, Future<Void>> alsoInTransaction,
                         Promise<List<Appended>> promise) {}

  private final Pool pool;
  private final Context context;
  private final Consumer<LoggedEvent> subscriber;
  private final NotificationLog notifications;
  private List<Request> queue = new ArrayList<>();
  /** The batch being written. */
  private List<Request> inFlight = List.of();
  private int queuedEvents;
  private boolean flushing;

  /**
   * All queue work runs on one event loop, so no locks are needed, and {@code subscriber} sees
   * every newly logged event exactly in seq order, before its appender is answered.
   */
  public PgEventLog(Vertx vertx, Pool pool, NotificationLog notifications, Consumer<LoggedEvent> subscriber) {
    this.pool = pool;
    this.notifications = notifications;
    this.context = vertx.getOrCreateContext();
    this.subscriber = subscriber;
  }

  @Override
  public Future<List<Appended>> append(List<Pending> events) {
    return append(events, null);
  }

  /**
   * Appends as {@link #append(List)} does, and runs {@code alsoInTransaction} in the same
   * transaction, so that what it writes (a consumer's position, in Kafka mode) commits with the
   * events or not at all. If it fails, the whole batch fails.
   */
  public Future<List<Appended>> append(List<Pending> events, Function<SqlConnection, Future<Void>> alsoInTransaction) {
    Promise<List<Appended>> promise = Promise.promise();
    Context caller = Vertx.currentContext();
    context.runOnContext(v -> {
      if (queuedEvents + events.size() > MAX_QUEUED) {
        promise.fail(new io.shoal.kernel.DomainException(503, "api_error", "overloaded",
            "the event log is saturated; retry with backoff", null));
        return;
      }
      queue.add(new Request(events, alsoInTransaction, promise));
      queuedEvents += events.size();
      flushIfIdle();
    });
    return caller == null ? promise.future() : promise.future().transform(ar -> {
      Promise<List<Appended>> back = Promise.promise();
      caller.runOnContext(x -> back.handle(ar));
      return back.future();
    });
  }

  private void flushIfIdle() {
    if (flushing || queue.isEmpty()) {
      return;
    }
    flushing = true;
    List<Request> batch = new ArrayList<>();
    int size = 0;
    while (!queue.isEmpty() && (size == 0 || size + queue.get(0).events.size() <= MAX_BATCH)) {
      Request r = queue.remove(0);
      batch.add(r);
      size += r.events.size();
    }
    queuedEvents -= size;
    inFlight = batch;
    List<Pending> all = new ArrayList<>(size);
    for (Request r : batch) {
      all.addAll(r.events);
    }
    List<Notification> announced = new ArrayList<>();
    boolean alsoWritten = false;
    for (Request r : batch) {
      alsoWritten |= r.alsoInTransaction != null;
    }
    Future<Row[]> written = alsoWritten || !notifications.recordsInOneStatement()
        ? inTransaction(batch, all, announced) : inOneStatement(all, announced);
    written
        .compose(inserted -> resolve(all, inserted))
        .onComplete(ar -> context.runOnContext(v -> {
          if (ar.succeeded()) {
            notifications.wake(announced);
            for (Appended a : ar.result()) {
              if (!a.duplicate()) {
                subscriber.accept(a.event());
              }
            }
          }
          int offset = 0;
          for (Request r : batch) {
            if (ar.succeeded()) {
              r.promise.complete(ar.result().subList(offset, offset + r.events.size()));
            } else {
              r.promise.fail(ar.cause());
            }
            offset += r.events.size();
          }
          flushing = false;
          inFlight = List.of();
          flushIfIdle();
        }));
  }

  /**
   * The batch and its orders' notifications in one statement ({@link NotificationLog#recordingWith}):
   * one implicit transaction, committed when the statement ends, so one exchange with PostgreSQL
   * per group commit where BEGIN, the insert, the notifications and COMMIT were four, each sent
   * only once the log's event loop had taken the previous answer. {@code announced} receives the
   * notifications of the orders inserted (not of repeats).
   */
  private Future<Row[]> inOneStatement(List<Pending> all, List<Notification> announced) {
    List<Notification> candidates = new ArrayList<>();
    int[] candidateOf = new int[all.size()];
    java.time.Instant now = java.time.Instant.now();
    for (int i = 0; i < all.size(); i++) {
      Pending p = all.get(i);
      candidateOf[i] = -1;
      if (p.type().equals("order.completed")) {
        candidateOf[i] = candidates.size();
        candidates.add(orderNotification(p, now));
      }
    }
    Tuple params = columns(all);
    boolean mayRepeat = mayRepeat(all);
    String sql = candidates.isEmpty() ? (mayRepeat ? SQL_INSERT : SQL_INSERT_NEW)
        : (mayRepeat ? SQL_INSERT_ANNOUNCED : SQL_INSERT_NEW_ANNOUNCED);
    if (!candidates.isEmpty()) {
      NotificationLog.addCandidates(params, candidates);
    }
    return pool.preparedQuery(sql).execute(params).map(rows -> {
      Row[] inserted = inserted(all, rows);
      for (int i = 0; i < inserted.length; i++) {
        if (inserted[i] != null && candidateOf[i] >= 0) {
          announced.add(candidates.get(candidateOf[i]));
        }
      }
      return inserted;
    });
  }

  /**
   * The batch in a transaction of its own (BEGIN, the insert, the orders' notifications, what
   * the appenders also write, COMMIT): when an appender writes with it (Kafka mode's positions),
   * or a fan-out is told of the notifications inside the transaction.
   */
  private Future<Row[]> inTransaction(List<Request> batch, List<Pending> all, List<Notification> announced) {
    return pool.withTransaction(conn -> conn.preparedQuery(SQL_INSERT).execute(columns(all)).compose(rows -> {
      Row[] inserted = inserted(all, rows);
      // stores may subscribe to orders as they are ingested: announced in the same commit
      java.time.Instant now = java.time.Instant.now();
      for (int i = 0; i < all.size(); i++) {
        Pending p = all.get(i);
        if (inserted[i] != null && p.type().equals("order.completed")) {
          announced.add(orderNotification(p, now));
        }
      }
      Future<Void> also = Future.succeededFuture();
      for (Request req : batch) {
        if (req.alsoInTransaction != null) {
          also = also.compose(v -> req.alsoInTransaction.apply(conn));
        }
      }
      return also.compose(v -> notifications.record(conn, announced)).map(inserted);
    }));
  }

  /**
   * Whether an event of {@code all} may be a repeat: it has a dedupe key, or its id is also another
   * event's of the batch (the same record twice). Ids logged by earlier batches are not looked for:
   * this path's ids are new ones (Kafka's projection, whose records may come twice, writes in a
   * transaction of its own, {@link #inTransaction}, always with ON CONFLICT).
   */
  private static boolean mayRepeat(List<Pending> all) {
    Set<String> ids = new HashSet<>(all.size() * 2);
    for (Pending p : all) {
      if (p.dedupeKey() != null || !ids.add(p.storeId() + '\u0000' + p.id())) {
        return true;
      }
    }
    return false;
  }

  /** What an order announces to the stores that subscribe to orders as they are ingested; its id is the event's. */
  private static Notification orderNotification(Pending p, java.time.Instant now) {
    return new Notification(p.storeId(), p.id(), p.type(), p.customerId(),
        new JsonObject().put("event_id", p.id()).put("customer_id", p.customerId())
            .put("occurred_at", io.shoal.kernel.Wire.time(p.occurredAt())).put("order", p.data()),
        now);
  }

  /** The batch as the insert's arrays, one per column. */
  private static Tuple columns(List<Pending> all) {
    int n = all.size();
    String[] stores = new String[n];
    String[] ids = new String[n];
    String[] keys = new String[n];
    String[] types = new String[n];
    String[] customers = new String[n];
    java.time.OffsetDateTime[] occurred = new java.time.OffsetDateTime[n];
    String[] data = new String[n];
    for (int i = 0; i < n; i++) {
      Pending p = all.get(i);
      stores[i] = p.storeId();
      ids[i] = p.id();
      keys[i] = p.dedupeKey();
      types[i] = p.type();
      customers[i] = p.customerId();
      occurred[i] = p.occurredAt().atOffset(ZoneOffset.UTC);
      data[i] = p.data() == null ? null : p.data().encode();
    }
    return Tuple.of(stores, ids, keys, types, customers, occurred, data);
  }

  /**
   * The row the insert returned for each pending event, or null where it inserted nothing (a
   * repeat). Rows are matched by (store, id); when one batch holds the same id twice (a record
   * projected twice), the first holds the row and the second is a repeat.
   */
  private static Row[] inserted(List<Pending> all, RowSet<Row> rows) {
    java.util.Map<String, Row> byId = new java.util.HashMap<>(rows.size() * 2);
    for (Row r : rows) {
      byId.put(r.getString("store_id") + '\u0000' + r.getString("id"), r);
    }
    Row[] out = new Row[all.size()];
    for (int i = 0; i < out.length; i++) {
      Pending p = all.get(i);
      out[i] = byId.remove(p.storeId() + '\u0000' + p.id());
    }
    return out;
  }

  /** Pairs each pending event with its logged form; duplicates are looked up after the commit. */
  private Future<List<Appended>> resolve(List<Pending> all, Row[] inserted) {
    List<Appended> out = new ArrayList<>(all.size());
    List<Future<Void>> lookups = new ArrayList<>();
    for (int i = 0; i < all.size(); i++) {
      Pending p = all.get(i);
      if (inserted[i] != null) {
        Row r = inserted[i];
        out.add(new Appended(new LoggedEvent(r.getLong("seq"), p.storeId(), p.id(), p.type(), p.customerId(),
            p.occurredAt(), r.getOffsetDateTime("received_at").toInstant(), p.data()), false));
      } else {
        int index = i;
        out.add(null);
        // a repeat of a key logged before, or (Kafka mode) a record projected a second time
        lookups.add((p.dedupeKey() == null ? pool.preparedQuery(SQL_BY_ID).execute(Tuple.of(p.storeId(), p.id()))
                : pool.preparedQuery(SQL_BY_DEDUPE).execute(Tuple.of(p.storeId(), p.dedupeKey())))
            .map(found -> {
              out.set(index, new Appended(logged(found.iterator().next()), true));
              return null;
            }));
      }
    }
    return Future.all(lookups).map(out);
  }

  /**
   * Completes once every append handed to the log before this call is written (or has failed):
   * an erasure waits for it so an event resolved just before the customer was deleted cannot
   * land after the person's events were erased.
   */
  public Future<Void> drained() {
    Promise<Void> drained = Promise.promise();
    context.runOnContext(v -> {
      List<Future<List<Appended>>> waiting = new ArrayList<>();
      inFlight.forEach(r -> waiting.add(r.promise.future()));
      queue.forEach(r -> waiting.add(r.promise.future()));
      Future.join(waiting).onComplete(ar -> drained.complete());
    });
    return drained.future();
  }

  @Override
  public Future<String> customerOfOrder(String storeId, String orderId) {
    return pool.preparedQuery("SELECT customer_id FROM events WHERE store_id = $1 AND data->>'order_id' = $2"
            + " AND type = 'order.completed' ORDER BY seq LIMIT 1")
        .execute(Tuple.of(storeId, orderId))
        .map(rows -> rows.size() == 0 ? null : rows.iterator().next().getString(0));
  }

  @Override
  public Future<List<LoggedEvent>> readAfter(long afterSeq, int limit) {
    return read(SQL_READ_AFTER, afterSeq, limit);
  }

  @Override
  public Future<List<LoggedEvent>> ordersAfter(long afterSeq, int limit) {
    return read(SQL_ORDERS_AFTER, afterSeq, limit);
  }

  private Future<List<LoggedEvent>> read(String sql, long afterSeq, int limit) {
    return pool.preparedQuery(sql).execute(Tuple.of(afterSeq, limit)).map(rows -> {
      List<LoggedEvent> out = new ArrayList<>(rows.size());
      rows.forEach(r -> out.add(logged(r)));
      return out;
    });
  }

  @Override
  public Future<Long> lastSeq() {
    return pool.query("SELECT coalesce(max(seq), 0) FROM events").execute()
        .map(rows -> rows.iterator().next().getLong(0));
  }

  public static LoggedEvent logged(Row r) {
    Object data = r.getValue("data");
    return new LoggedEvent(r.getLong("seq"), r.getString("store_id"), r.getString("id"), r.getString("type"),
        r.getString("customer_id"), r.getOffsetDateTime("occurred_at").toInstant(),
        r.getOffsetDateTime("received_at").toInstant(),
        data instanceof JsonObject o ? o : new JsonObject());
  }

  int queuedEvents() {
    return queuedEvents;
  }
}
