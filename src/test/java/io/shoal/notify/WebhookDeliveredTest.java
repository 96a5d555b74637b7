package io.shoal.notify;

import static io.shoal.testing.TestPool.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shoal.config.WebhookConfig;
import io.shoal.kernel.DataSubject;
import io.shoal.testing.TestDatabase;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * webhook_delivered holds one row per delivered request (V67), not one per notification and
 * endpoint: what reads it (the deliveries list, redeliver, export and erasure of a customer's
 * data) answers per notification as before, and a recorded request is never sent again.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class WebhookDeliveredTest extends WebhookLogFixture {

  private static final WebhookConfig CONFIG = new WebhookConfig(2_000, 16, 256, 200, 1_000, 60_000, 100);
  /** One group of customers a page: their notifications share requests. */
  private static final WebhookConfig ONE_GROUP = new WebhookConfig(2_000, 1, 256, 200, 1_000, 60_000, 100);
  private static final IntFunction<String> UPDATED = i -> "customer.updated";

  private static String endpoint(String storeId, String url, int maxBatchSize) throws Exception {
    String id = "whep_" + storeId;
    await(store.createEndpoint(storeId, id, url, List.of("*"), null, true, "whsec_" + storeId, maxBatchSize));
    return id;
  }

  /** The condition, false when its query fails (for eventually). */
  private static boolean quietly(Callable<Boolean> condition) {
    try {
      return condition.call();
    } catch (Exception e) {
      return false;
    }
  }

  private static long rows(String endpointId) throws Exception {
    return count("SELECT count(*) FROM webhook_delivered WHERE endpoint_id = '" + endpointId + "'");
  }

  /** The store's notifications' seqs, oldest first. */
  private static List<Long> seqs(String storeId) throws Exception {
    return await(store.readAfter(storeId, 0, 10_000)).rows().stream().map(DeliveryStore.Stored::seq).toList();
  }

  @Test
  void a_request_is_one_row_and_after_a_restart_nothing_recorded_is_sent_again() throws Exception {
    String s = newStore("store_dlv_restart");
    try (WebhookReceiver receiver = WebhookReceiver.answering(db.vertx, 200)) {
      String ep = endpoint(s, receiver.url(), 10);
      List<String> first = recordTogether(s, "evt_dr_a", 60, UPDATED, "cust_1", "cust_2", "cust_3");
      String a = await(db.vertx.deployVerticle(new WebhookDispatcherVerticle(new DeliveryStore(db.pool), CONFIG,
          "node-a", 30_000)));
      assertTrue(WebhookReceiver.eventually(20, () -> receiver.deduplicated().keySet().containsAll(first)));
      assertTrue(WebhookReceiver.eventually(10, () -> quietly(() -> delivered(ep) == 60)), "the page recorded");
      assertEquals(receiver.requestCount(), rows(ep), "one row per request");
      assertTrue(rows(ep) <= 12, "60 notifications in requests of up to 10 (per customer group): " + rows(ep));
      await(db.vertx.undeploy(a));

      // another node takes over: it starts after the recorded requests
      String b = await(db.vertx.deployVerticle(new WebhookDispatcherVerticle(new DeliveryStore(db.pool), CONFIG,
          "node-b", 30_000)));
      List<String> second = recordTogether(s, "evt_dr_b", 20, UPDATED, "cust_1", "cust_2");
      assertTrue(WebhookReceiver.eventually(20, () -> receiver.deduplicated().keySet().containsAll(second)));
      assertTrue(WebhookReceiver.eventually(10, () -> quietly(() -> delivered(ep) == 80)), "the second page recorded");
      Thread.sleep(500);
      await(db.vertx.undeploy(b));
      Map<String, Integer> receipts = receiver.receipts();
      assertEquals(80, receipts.size());
      assertTrue(receipts.values().stream().allMatch(n -> n == 1), "each once across the restart: " + receipts);
      assertEquals(0, count("SELECT count(*) FROM (SELECT s FROM webhook_delivered, unnest(seqs) s WHERE endpoint_id = '"
          + ep + "' GROUP BY s HAVING count(*) > 1) x"), "no seq recorded twice");
      assertEquals(seqs(s), await(store.deliveries(s, ep, null, null, 100)).stream()
          .map(DeliveryStore.DeliveryRow::seq).sorted().toList(), "the list shows each notification once");
    }
  }

  /**
   * Requests that interleave (customers' groups sent in parallel) and span each other: pages of
   * the list, every size, answer each notification once, newest first, with its request's status,
   * and a redelivered one as its kept row, as the per-notification table did.
   */
  @Test
  void the_deliveries_list_pages_exactly_over_interleaved_requests() throws Exception {
    String s = newStore("store_dlv_list");
    String ep = endpoint(s, "http://127.0.0.1:9/none", 100);
    List<String> ids = recordTogether(s, "evt_dl_", 40, UPDATED, "cust_1", "cust_2", "cust_3");
    List<Long> seqs = seqs(s);
    assertEquals(40, seqs.size());
    java.util.Map<String, Long> notHeld = new HashMap<>();
    notHeld.put(ep, null);
    List<DeliveryStore.Cursor> held = await(store.holdCursors(notHeld, "test", 60_000));
    assertEquals(1, held.size());
    Map<Long, Integer> codeOf = new HashMap<>();
    // page 1: seqs 0..19 in 3 interleaved requests (i % 3); page 2: 20..39 in 2 (i % 2)
    for (int[] page : new int[][] {{0, 20, 3}, {20, 40, 2}}) {
      List<DeliveryStore.Delivered> requests = new ArrayList<>();
      for (int r = 0; r < page[2]; r++) {
        List<Long> mine = new ArrayList<>();
        for (int i = page[0]; i < page[1]; i++) {
          if (i % page[2] == r) {
            mine.add(seqs.get(i));
          }
        }
        int code = 200 + page[0] + r;
        mine.forEach(q -> codeOf.put(q, code));
        requests.add(new DeliveryStore.Delivered(mine.stream().mapToLong(Long::longValue).toArray(), code, 5,
            System.currentTimeMillis()));
      }
      DeliveryStore.Resolution res = new DeliveryStore.Resolution(ep, held.get(0).epoch(), seqs.get(page[1] - 1),
          requests, List.of());
      assertEquals(java.util.Set.of(ep), await(store.resolve(List.of(res), "test")));
    }
    assertEquals(5, rows(ep));

    // redeliver one in the middle of a request: found through the request, kept as a row
    long again = seqs.get(13);
    DeliveryStore.Stored n = await(store.notification(s, ids.get(13)));
    assertEquals(List.of(ep), await(store.redeliver(n, null)), "the endpoint that had it delivered");
    assertEquals(1, count("SELECT count(*) FROM webhook_deliveries WHERE endpoint_id = '" + ep + "' AND notification_seq = "
        + again));

    List<Long> newestFirst = new ArrayList<>(seqs);
    newestFirst.sort((x, y) -> Long.compare(y, x));
    for (int limit : new int[] {1, 3, 7, 40, 100}) {
      List<DeliveryStore.DeliveryRow> all = pages(s, ep, null, limit);
      assertEquals(newestFirst, all.stream().map(DeliveryStore.DeliveryRow::seq).toList(), "limit " + limit);
      for (DeliveryStore.DeliveryRow row : all) {
        if (row.seq() == again) {
          assertEquals("pending", row.json().getString("status"), "the redelivered one shows its row");
        } else {
          assertEquals("succeeded", row.json().getString("status"));
          assertEquals(codeOf.get(row.seq()), row.json().getInteger("last_status_code"), "its request's status");
        }
      }
      List<Long> succeeded = pages(s, ep, "succeeded", limit).stream().map(DeliveryStore.DeliveryRow::seq).toList();
      assertEquals(newestFirst.stream().filter(q -> q != again).toList(), succeeded, "succeeded, limit " + limit);
    }
  }

  private static List<DeliveryStore.DeliveryRow> pages(String s, String ep, String status, int limit) throws Exception {
    List<DeliveryStore.DeliveryRow> all = new ArrayList<>();
    Long before = null;
    while (true) {
      List<DeliveryStore.DeliveryRow> page = await(store.deliveries(s, ep, status, before, limit));
      assertTrue(page.size() <= limit);
      all.addAll(page);
      if (page.size() < limit) {
        return all;
      }
      before = page.get(page.size() - 1).seq();
    }
  }

  @Test
  void erasure_takes_the_customers_notifications_out_of_shared_requests_and_keeps_the_others() throws Exception {
    String s = newStore("store_dlv_erase");
    String other = newStore("store_dlv_erase_other");
    try (WebhookReceiver receiver = WebhookReceiver.answering(db.vertx, 200)) {
      String ep = endpoint(s, receiver.url(), 100);
      String otherEp = endpoint(other, receiver.url(), 100);
      // cust_1 and cust_2 share requests; cust_3's come in a transaction of its own (a request of its own)
      recordTogether(s, "evt_de_a", 30, UPDATED, "cust_1", "cust_2");
      recordTogether(other, "evt_de_o", 10, UPDATED, "cust_1");
      String d = await(db.vertx.deployVerticle(new WebhookDispatcherVerticle(new DeliveryStore(db.pool), ONE_GROUP,
          "node-e", 30_000)));
      assertTrue(WebhookReceiver.eventually(20, () -> quietly(() -> delivered(ep) == 30 && delivered(otherEp) == 10)));
      recordTogether(s, "evt_de_c", 5, UPDATED, "cust_1");
      assertTrue(WebhookReceiver.eventually(20, () -> quietly(() -> delivered(ep) == 35)));
      await(db.vertx.undeploy(d));

      NotificationPersonalData data = new NotificationPersonalData(db.pool);
      JsonObject before2 = await(data.export(new DataSubject(s, "cust_2", "dr_1")));
      JsonArray deliveries1 = await(data.export(new DataSubject(s, "cust_1", "dr_1"))).getJsonArray("webhook_deliveries");
      assertEquals(20, deliveries1.size(), "cust_1's 20 deliveries exported, one each");
      assertTrue(deliveries1.stream().allMatch(x -> ((JsonObject) x).getString("endpoint_id").equals(ep)
          && ((JsonObject) x).getString("status").equals("succeeded")), "this store's endpoint only");
      long rowsBefore = rows(ep);

      await(data.erase(new DataSubject(s, "cust_1", "dr_1")));

      assertEquals(15, delivered(ep), "cust_2's 15 left");
      assertEquals(0, await(data.export(new DataSubject(s, "cust_1", "dr_1"))).getJsonArray("webhook_deliveries").size());
      assertEquals(before2, await(data.export(new DataSubject(s, "cust_2", "dr_1"))), "cust_2's export unchanged");
      assertTrue(rows(ep) < rowsBefore, "the request that carried only cust_1's went: " + rows(ep) + " of " + rowsBefore);
      assertEquals(15, await(store.deliveries(s, ep, null, null, 100)).size(), "the list shows cust_2's");
      assertEquals(10, delivered(otherEp), "another store's cust_1 untouched");
      assertFalse(count("SELECT count(*) FROM webhook_delivered WHERE cardinality(seqs) = 0") > 0, "no empty request");
    }
  }

  /** V67 turns the rows of one request (same endpoint, status, latency and time) into one, exact. */
  @Test
  void the_migration_makes_one_row_of_each_requests_rows() throws Exception {
    String url = TestDatabase.createDatabase();
    try {
      TestDatabase.migrate(url, "66"); // the last version before V67
      TestDatabase.execute(url, "INSERT INTO webhook_cursors (endpoint_id, store_id, position)"
          + " VALUES ('whep_m', 'store_m', 6), ('whep_n', 'store_m', 6)");
      TestDatabase.execute(url, "INSERT INTO webhook_delivered (endpoint_id, notification_seq, store_id,"
          + " status_code, latency_ms, delivered_at) VALUES"
          + " ('whep_m', 1, 'store_m', 200, 5, '2026-12-05 10:00:00.001Z'), ('whep_m', 3, 'store_m', 200, 5, '2026-12-05 10:00:00.001Z'),"
          + " ('whep_m', 5, 'store_m', 200, 5, '2026-12-05 10:00:00.001Z'), ('whep_m', 2, 'store_m', 200, 7, '2026-12-05 10:00:00.001Z'),"
          + " ('whep_m', 4, 'store_m', 200, 7, '2026-12-05 10:00:00.001Z'), ('whep_m', 6, 'store_m', 201, 5, '2026-12-05 10:00:01Z'),"
          + " ('whep_n', 1, 'store_m', 200, 5, '2026-12-05 10:00:00.001Z')");
      TestDatabase.migrate(url, null);
      try (Connection c = TestDatabase.connect(url);
           Statement st = c.createStatement();
           ResultSet rs = st.executeQuery("SELECT endpoint_id || ':' || first_seq || '-' || last_seq || ':'"
               + " || seqs::text || ':' || status_code || '/' || latency_ms FROM webhook_delivered ORDER BY 1")) {
        List<String> rows = new ArrayList<>();
        while (rs.next()) {
          rows.add(rs.getString(1));
        }
        assertEquals(List.of("whep_m:1-5:{1,3,5}:200/5", "whep_m:2-4:{2,4}:200/7", "whep_m:6-6:{6}:201/5",
            "whep_n:1-1:{1}:200/5"), rows);
        try (ResultSet span = st.executeQuery("SELECT string_agg(endpoint_id || '=' || delivered_span, ','"
            + " ORDER BY endpoint_id) FROM webhook_cursors")) {
          span.next();
          assertEquals("whep_m=4,whep_n=0", span.getString(1), "the widest request of each endpoint");
        }
        try (ResultSet found = st.executeQuery("SELECT l.latency_ms FROM webhook_cursors c JOIN webhook_delivered l"
            + " ON " + DeliveryStore.deliveredHolds("c", "4") + " WHERE c.endpoint_id = 'whep_m'")) {
          assertTrue(found.next());
          assertEquals(7, found.getInt(1), "seq 4 found in the request that started at 2");
          assertFalse(found.next());
        }
      }
    } finally {
      TestDatabase.dropDatabase(url);
    }
  }
}
