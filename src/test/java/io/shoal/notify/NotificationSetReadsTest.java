package io.shoal.notify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shoal.db.Database;
import io.shoal.outbox.Doubts;
import io.shoal.outbox.Notification;
import io.shoal.outbox.NotificationLog;
import io.shoal.testing.NotificationSetRows;
import io.shoal.testing.TestPool;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgBuilder;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.SqlConnection;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The readers' steps (DeliveryStore's reads and outbox.Doubts, as the Kafka relay and the live
 * streams take them) over segment notifications stored in sets (V58's rows, written by
 * {@link NotificationSetRows}; since V80 the evaluator's flips' rows are sets of the same form): a
 * set whose writer is still running when later ones are read is absent as a whole, kept as one
 * doubt at its row's seq, and handed out whole once it commits; every notification is seen
 * exactly once, in order per set.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class NotificationSetReadsTest {

  private static TestPool db;
  private static NotificationLog log;
  /** Each notification recorded, as readers get it back (a set's has its id from its seq), by the one given. */
  private static final java.util.Map<Notification, Notification> stored = new java.util.concurrent.ConcurrentHashMap<>();

  @BeforeAll
  static void database() {
    db = TestPool.migrated();
    log = new NotificationLog(db.vertx, new NotificationLog.Fanout() {
      @Override
      public Future<Void> recorded(SqlConnection conn, List<NotificationLog.Recorded> recorded) {
        recorded.forEach(r -> stored.put(r.given(), r.notification()));
        return Future.succeededFuture();
      }

      @Override
      public void committed(List<Notification> committed) {}
    });
  }

  @AfterAll
  static void close() throws Exception {
    db.close();
  }

  private static List<Notification> event(String store, String customer, int n) {
    Instant at = Instant.parse("2026-12-04T12:00:00Z");
    JsonObject snapshot = NotificationLog.customerSummary(customer + "@shop.example", null, null);
    List<Notification> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(new Notification(store, "evt_" + customer + "_" + i, "customer.segment.entered", customer,
          new JsonObject().put("segment_id", "seg_" + i).put("segment_name", "S" + i).put("customer_id", customer)
              .put("customer", snapshot).put("cause", "evt_" + customer).put("occurred_at", "2026-12-04T12:00:00.000Z"),
          at));
    }
    return out;
  }

  /** The id readers get for a notification given to the outbox. */
  private static String id(Notification given) {
    return stored.get(given).id();
  }

  private static List<String> ids(List<DeliveryStore.Stored> rows) {
    return rows.stream().map(r -> r.notification().id()).toList();
  }

  @Test
  void a_set_committed_late_is_one_doubt_and_every_notification_is_read_once() throws Exception {
    DeliveryStore store = new DeliveryStore(db.pool);
    String s = "store_reads";
    long position = TestPool.await(db.pool.query("SELECT pg_sequence_last_value('notifications_seq_seq') + 1023")
        .execute()).iterator().next().getLong(0);
    List<Notification> a = event(s, "cust_a", 5);
    List<Notification> b = event(s, "cust_b", 3);
    List<Notification> c = event(s, "cust_c", 4);
    TestPool.await(db.pool.withTransaction(conn -> NotificationSetRows.record(log, conn, a)));
    Pool other = PgBuilder.pool().with(new PoolOptions().setMaxSize(1)).connectingTo(Database.parseUrl(db.url))
        .using(db.vertx).build();
    try {
      SqlConnection held = TestPool.await(other.getConnection());
      var tx = TestPool.await(held.begin());
      TestPool.await(NotificationSetRows.record(log, held, b));
      TestPool.await(db.pool.withTransaction(conn -> NotificationSetRows.record(log, conn, c)));

      List<String> seen = new ArrayList<>();
      Doubts doubts = new Doubts();
      // the relay's page: b's writer ran before the read, so the page is not final yet
      DeliveryStore.Page page = TestPool.await(store.readAllAfter(position, 200));
      assertTrue(page.xmin() < page.ref(), "a writer older than the read is running");
      long last = page.rows().get(page.rows().size() - 1).seq();
      // past the settle limit: what is absent, asked before the page is read again
      List<Long> absent = TestPool.await(store.absentSeqs(position, last));
      assertEquals(1, absent.size(), "one doubt for b's whole set: " + absent);
      DeliveryStore.Page again = TestPool.await(store.readAllAfter(position, 200));
      assertEquals(ids(page.rows()), ids(again.rows()));
      seen.addAll(ids(again.rows()));
      doubts.missed(absent, DeliveryStore.seqs(again.rows()), last, page.ref());
      position = last;
      assertEquals(1, doubts.size());

      TestPool.await(tx.commit());
      TestPool.await(held.close());
      DeliveryStore.Doubted late = TestPool.await(store.readAt(doubts.seqs(), null));
      seen.addAll(ids(late.rows()));
      doubts.settle(late.seen(), late.xmin());
      assertTrue(doubts.isEmpty(), "b's set ended its doubt");
      assertTrue(late.rows().stream().allMatch(r -> r.seq() < last), "b's notifications are all behind the position");
      assertEquals(List.of(), TestPool.await(store.readAllAfter(position, 200)).rows(), "nothing is read again");

      List<String> expected = new ArrayList<>();
      a.forEach(n -> expected.add(id(n)));
      c.forEach(n -> expected.add(id(n)));
      b.forEach(n -> expected.add(id(n)));
      assertEquals(expected, seen, "each once: a and c in order, then b whole when it committed");
      // the stream's read of one store, paged through a set, gives the same order
      List<String> paged = new ArrayList<>();
      long p = 0;
      while (true) {
        List<DeliveryStore.Stored> rows = TestPool.await(store.readAfter(s, p, 2)).rows();
        if (rows.isEmpty()) {
          break;
        }
        rows.forEach(r -> paged.add(r.notification().id()));
        p = rows.get(rows.size() - 1).seq();
      }
      List<String> bySeq = new ArrayList<>();
      a.forEach(n -> bySeq.add(id(n)));
      b.forEach(n -> bySeq.add(id(n)));
      c.forEach(n -> bySeq.add(id(n)));
      assertEquals(bySeq, paged, "in seq order: b's set took its seq before c's");
      assertEquals(TestPool.await(store.lastSeq(s)), TestPool.await(store.notification(s, id(c.get(3)))).seq());
    } finally {
      TestPool.await(other.close());
    }
  }
}
