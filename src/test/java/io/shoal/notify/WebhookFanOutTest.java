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
  /** One per Vert.x: it registers the event bus codec of what it hands the dispatcher. */
  private static WebhookFanOut fanOut;

  @BeforeAll
  static void database() {
    db = TestPool.migrated();
    fanOut = new WebhookFanOut(db.vertx);
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
    NotificationLog log = new NotificationLog(db.vertx, fanOut);
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
  /**
   * Segment notifications stored as a set (V61) get their ids from their seq: the dispatcher is
   * handed them with those ids, the ones GET .../events/{id} and redeliveries read back.
   */
  @Test
  void a_sets_deliveries_carry_the_ids_readers_get_back() throws Exception {
    TestDatabase.execute(db.url, "INSERT INTO stores (id, name) VALUES ('store_c', 'C')");
    TestDatabase.execute(db.url, "INSERT INTO webhook_endpoints (store_id, id, url, events, enabled, secret) VALUES"
        + " ('store_c', 'ep_c', 'http://127.0.0.1:9/c', '{*}', true, 's')");
    CompletableFuture<List<DeliveryAttempt>> handed = new CompletableFuture<>();
    db.vertx.eventBus().<FreshDeliveries>localConsumer(FreshDeliveries.ADDRESS, m -> {
      List<DeliveryAttempt> ofC = m.body().deliveries().stream().map(FreshDeliveries.Fresh::attempt)
          .filter(a -> a.storeId().equals("store_c")).toList();
      if (!ofC.isEmpty()) {
        handed.complete(ofC);
      }
    });
    NotificationLog log = new NotificationLog(db.vertx, fanOut);
    Instant at = Instant.parse("2026-12-05T02:00:00.000Z");
    List<Notification> batch = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      batch.add(new Notification("store_c", "evt_given" + i, "customer.segment.entered", "cust_c",
          new JsonObject().put("segment_id", "seg_" + i).put("segment_name", "S" + i).put("customer_id", "cust_c")
              .put("customer", NotificationLog.customerSummary("c@shop.example", null, null)).put("cause", "evt_x")
              .put("occurred_at", "2026-12-05T02:00:00.000Z"), at));
    }
    await(db.pool.withTransaction(conn -> log.record(conn, batch)));
    log.wake(batch);

    List<DeliveryAttempt> attempts = handed.get(30, TimeUnit.SECONDS);
    assertEquals(3, attempts.size());
    DeliveryStore store = new DeliveryStore(db.pool);
    for (DeliveryAttempt a : attempts) {
      assertEquals(NotificationLog.setId(a.seq()), a.eventId(), "the id made from its seq, not the given one");
      DeliveryStore.Stored read = await(store.notification("store_c", a.eventId()));
      assertEquals(a.seq(), read.seq());
      assertEquals(a.data(), read.notification().data());
    }
  }
}
