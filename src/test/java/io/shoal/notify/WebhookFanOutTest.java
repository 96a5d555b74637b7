package io.shoal.notify;

import static io.shoal.testing.TestPool.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

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
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The fan-out of a batch of notifications in one statement: one delivery per enabled subscribed
 * endpoint of each notification's store, gated behind a retry its customer already waits for,
 * and handed to the dispatcher after the commit.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class WebhookFanOutTest {

  private static TestPool db;

  @BeforeAll
  static void database() {
    db = TestPool.migrated();
    TestDatabase.execute(db.url, "INSERT INTO stores (id, name) VALUES ('store_a', 'A'), ('store_b', 'B')");
    TestDatabase.execute(db.url, "INSERT INTO webhook_endpoints (store_id, id, url, events, enabled, secret) VALUES"
        + " ('store_a', 'ep_all', 'http://127.0.0.1:9/a', '{*}', true, 's'),"
        + " ('store_a', 'ep_enter', 'http://127.0.0.1:9/e', '{customer.segment.entered}', true, 's'),"
        + " ('store_a', 'ep_off', 'http://127.0.0.1:9/o', '{*}', false, 's'),"
        + " ('store_b', 'ep_b', 'http://127.0.0.1:9/b', '{*}', true, 's')");
    // cust_1's earlier delivery to ep_all waits for a retry in an hour
    TestDatabase.execute(db.url, "INSERT INTO notifications (store_id, id, type, customer_id, data, created_at) VALUES"
        + " ('store_a', 'evt_old', 'customer.segment.entered', 'cust_1', '{}', now())");
    TestDatabase.execute(db.url, "INSERT INTO webhook_deliveries (store_id, endpoint_id, notification_seq, ordering_key,"
        + " status, attempts, next_attempt_at) SELECT 'store_a', 'ep_all', seq, 'cust_1', 'pending', 1,"
        + " now() + interval '1 hour' FROM notifications WHERE id = 'evt_old'");
  }

  @AfterAll
  static void close() throws Exception {
    db.close();
  }

  private static Notification notification(String store, String id, String type, String customer) {
    return new Notification(store, id, type, customer, new JsonObject().put("n", id), Instant.now());
  }

  private static Set<String> rows(String sql) throws Exception {
    Set<String> out = new TreeSet<>();
    try (Connection c = TestDatabase.connect(db.url); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
      while (rs.next()) {
        out.add(rs.getString(1));
      }
    }
    return out;
  }

  @Test
  void a_batch_fans_out_to_each_subscribed_endpoint_of_its_store_in_one_statement() throws Exception {
    CompletableFuture<List<String>> handed = new CompletableFuture<>();
    List<String> fresh = new ArrayList<>();
    db.vertx.eventBus().<FreshDeliveries>localConsumer(FreshDeliveries.ADDRESS, m -> {
      m.body().deliveries().forEach(d -> fresh.add(d.attempt().endpointId() + "/" + d.attempt().eventId()
          + (d.gated() ? "/gated" : "")));
      handed.complete(fresh);
    });
    NotificationLog log = new NotificationLog(db.vertx, new WebhookFanOut(db.vertx));
    List<Notification> batch = List.of(
        notification("store_a", "evt_1", "customer.segment.entered", "cust_1"),
        notification("store_a", "evt_2", "customer.segment.left", "cust_2"),
        notification("store_a", "evt_3", "customer.segment.left", "cust_1"),
        notification("store_b", "evt_4", "customer.segment.entered", "cust_9"),
        notification("store_a", "evt_5", "data_request.completed", null));
    await(db.pool.withTransaction(conn -> log.record(conn, batch)));
    log.wake(batch);

    assertEquals(new TreeSet<>(Set.of("ep_all/evt_1/cust_1/gated", "ep_enter/evt_1/cust_1", "ep_all/evt_2/cust_2",
            "ep_all/evt_3/cust_1/gated", "ep_b/evt_4/cust_9", "ep_all/evt_5/evt_5")),
        rows("SELECT d.endpoint_id || '/' || n.id || '/' || d.ordering_key"
            + " || CASE WHEN d.next_attempt_at > now() + interval '50 minutes' THEN '/gated' ELSE '' END"
            + " FROM webhook_deliveries d JOIN notifications n ON n.seq = d.notification_seq WHERE n.id <> 'evt_old'"));
    assertEquals(new TreeSet<>(Set.of("ep_all/evt_1/gated", "ep_enter/evt_1", "ep_all/evt_2", "ep_all/evt_3/gated",
            "ep_b/evt_4", "ep_all/evt_5")),
        new TreeSet<>(handed.get(30, TimeUnit.SECONDS)), "the dispatcher is handed every delivery after the commit");
  }
}
