package io.shoal.notify;

import static io.shoal.testing.TestPool.await;

import io.shoal.outbox.Notification;
import io.shoal.outbox.NotificationLog;
import io.shoal.testing.TestDatabase;
import io.shoal.testing.TestPool;
import io.vertx.core.json.JsonObject;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * What the webhook dispatcher's tests against the notification log share: a migrated database
 * (one per test class), the log without fan-out, the delivery store, and the helpers that make
 * stores, record notifications and count rows.
 */
abstract class WebhookLogFixture {

  static TestPool db;
  static NotificationLog log;
  static DeliveryStore store;

  @BeforeAll
  static void database() {
    db = TestPool.migrated();
    log = new NotificationLog(db.vertx, NotificationLog.Fanout.NONE);
    store = new DeliveryStore(db.pool);
  }

  @AfterAll
  static void close() throws Exception {
    db.close();
  }

  static String newStore(String id) {
    TestDatabase.execute(db.url, "INSERT INTO stores (id, name) VALUES ('" + id + "', '" + id + "')");
    return id;
  }

  /**
   * Records {@code n} notifications in one transaction (one page for a dispatcher), customers
   * taking turns, the i-th of type {@code type.apply(i)}, and wakes the readers.
   */
  static List<String> recordTogether(String storeId, String prefix, int n, IntFunction<String> type,
                                     String... customers) throws Exception {
    List<Notification> batch = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      String customer = customers[i % customers.length];
      batch.add(new Notification(storeId, prefix + i, type.apply(i), customer,
          new JsonObject().put("customer_id", customer).put("i", i), Instant.now()));
    }
    await(db.pool.withTransaction(conn -> log.record(conn, batch)));
    log.wake(batch);
    return batch.stream().map(Notification::id).toList();
  }

  /** How many notifications webhook_delivered records where {@code condition} (a row per request, its seqs in an array, V67). */
  static String deliveredSql(String condition) {
    return "SELECT coalesce(sum(cardinality(seqs)), 0) FROM webhook_delivered WHERE " + condition;
  }

  /** How many notifications webhook_delivered records as delivered to the endpoint. */
  static long delivered(String endpointId) throws Exception {
    return count(deliveredSql("endpoint_id = '" + endpointId + "'"));
  }

  /** {@link #count}, -1 when the query fails (for eventually). */
  static long countQuietly(String sql) {
    try {
      return count(sql);
    } catch (Exception e) {
      return -1;
    }
  }

  static long count(String sql) throws Exception {
    try (Connection c = TestDatabase.connect(db.url); Statement st = c.createStatement();
         ResultSet rs = st.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
