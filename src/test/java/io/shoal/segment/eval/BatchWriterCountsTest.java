package io.shoal.segment.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.shoal.event.LoggedEvent;
import io.shoal.outbox.NotificationLog;
import io.shoal.segment.SegmentDefinition;
import io.shoal.segment.SegmentRepository;
import io.shoal.engine.support.Poll;
import io.shoal.testing.TestDatabase;
import io.shoal.testing.TestPool;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The member counts of a busy writer (bench/engine's twenty-fifth pass): a batch taken straight after
 * the previous one committed leaves its count for later, and the writer writes it alone before it
 * idles. Batches are held in flight with row locks taken from JDBC connections, on the real PostgreSQL.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class BatchWriterCountsTest {

  private static final String STORE = "store_w";
  private static TestPool db;
  private static String url;

  @BeforeAll
  static void database() {
    db = TestPool.migrated();
    url = db.url;
    TestDatabase.execute(url, "INSERT INTO stores (id, name) VALUES ('store_w', 'W')");
    TestDatabase.execute(url, "INSERT INTO segments (store_id, id, name, type, rules) VALUES ('store_w', 'seg_w', 'Buyers',"
        + " 'dynamic', '[{\"field\":\"total_orders\",\"operator\":\"gte\",\"value\":1}]')");
    TestDatabase.execute(url, "INSERT INTO customers (store_id, id) VALUES ('store_w', 'cust_w1'), ('store_w', 'cust_w2')");
    TestDatabase.execute(url, "INSERT INTO customer_eval_state (store_id, customer_id) VALUES ('store_w', 'cust_w1'),"
        + " ('store_w', 'cust_w2')");
  }

  @AfterAll
  static void close() throws Exception {
    db.close();
  }

  @Test
  void a_busy_writers_count_waits_and_is_written_alone_before_the_writer_idles() throws Exception {
    NotificationLog notifications = new NotificationLog(db.vertx, new NotificationLog.Fanout() {
      @Override
      public Future<Void> recorded(io.vertx.sqlclient.SqlConnection conn, List<NotificationLog.Recorded> recorded) {
        return Future.succeededFuture();
      }

      @Override
      public void committed(List<io.shoal.outbox.Notification> committed) {}
    });
    EvaluationStore store = new EvaluationStore(db.pool, notifications);
    EvaluationStore.Ownership owner = TestPool.await(store.takeOver(0, "node_t"));
    SegmentDefinition segment = TestPool.await(new SegmentRepository(db.pool).get(STORE, "seg_w"));
    Context context = db.vertx.getOrCreateContext();
    PartitionCore core = new PartitionCore(0, 1, null, at -> {});
    // an interval no test reaches: only an idle writer writes a count a busy one left
    BatchWriter writer = on(context, () -> {
      core.startAt(owner.checkpoint());
      core.install(segment);
      for (String id : List.of("cust_w1", "cust_w2")) {
        core.adoptLoaded(core.newCustomer(STORE, id, null), false);
      }
      return new BatchWriter(db.vertx, core, store, notifications, owner.epoch(), () -> {}, n -> {}, 3_600_000);
    });

    try (Connection first = lockRow("customer_eval_state", "customer_id = 'cust_w1'");
         Connection second = lockRow("customer_eval_state", "customer_id = 'cust_w2'")) {
      on(context, () -> order(core, writer, "cust_w1", 1)); // taken from idle: carries its count; waits for `first`
      awaitLockWaits(1);
      on(context, () -> order(core, writer, "cust_w2", 2)); // gathers behind it
      first.commit(); // batch 1 commits and batch 2 is taken at once, busy: its count is left for later
      Poll.until("batch 1's count", () -> countRow(), n -> n == 1L);
      awaitLockWaits(1); // batch 2 waits for `second`
      try (Connection counts = lockRow("segment_member_counts", "segment_id = 'seg_w'")) {
        second.commit(); // batch 2 commits without a count; the count alone then waits for `counts`
        Poll.until("cust_w2's flip committed", () -> flipsOf("cust_w2"), n -> n == 1L);
        assertEquals(1L, countRow(), "the count lags its members while the writer is busy");
        assertEquals(2L, count("SELECT count(*) FROM segment_member_ids('store_w', 'seg_w')"));
        counts.commit();
      }
      Poll.until("the count written before the writer idles", () -> countRow(), n -> n == 2L);
    }
  }

  private static Void order(PartitionCore core, BatchWriter writer, String customer, long seq) {
    Instant at = Instant.now();
    LoggedEvent e = new LoggedEvent(seq, STORE, "evt_w" + seq, "order.completed", customer, at, at,
        new JsonObject().put("order_id", "o" + seq).put("total", 10));
    if (!core.accept(e)) {
      throw new IllegalStateException("not accepted: " + seq);
    }
    core.apply(e, core.customer(STORE, customer), false, at);
    writer.requestFlush();
    return null;
  }

  private static <T> T on(Context context, java.util.function.Supplier<T> work) throws Exception {
    CompletableFuture<T> done = new CompletableFuture<>();
    context.runOnContext(v -> {
      try {
        done.complete(work.get());
      } catch (RuntimeException e) {
        done.completeExceptionally(e);
      }
    });
    return done.get(10, TimeUnit.SECONDS);
  }

  /** A connection whose open transaction holds the rows of {@code table} matching {@code where}. */
  private static Connection lockRow(String table, String where) throws Exception {
    Connection c = TestDatabase.connect(url);
    c.setAutoCommit(false);
    try (Statement st = c.createStatement()) {
      st.execute("SELECT 1 FROM " + table + " WHERE store_id = 'store_w' AND " + where + " FOR UPDATE");
    }
    return c;
  }

  private static void awaitLockWaits(long n) {
    Poll.until(n + " statement(s) waiting for a row lock", () -> {
      try {
        return count("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'");
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }, w -> w == n);
  }

  private static long countRow() {
    try {
      return count("SELECT coalesce(sum(members), 0) FROM segment_member_counts WHERE segment_id = 'seg_w'");
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static long flipsOf(String customer) {
    try {
      return count("SELECT count(*) FROM segment_flips WHERE customer_id = '" + customer + "'");
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static long count(String sql) throws Exception {
    try (Connection c = TestDatabase.connect(url); Statement st = c.createStatement(); ResultSet r = st.executeQuery(sql)) {
      r.next();
      return r.getLong(1);
    }
  }
}
