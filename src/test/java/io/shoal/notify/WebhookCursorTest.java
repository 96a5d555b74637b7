package io.shoal.notify;

import static io.shoal.notify.WebhookReceiver.eventually;
import static io.shoal.testing.TestPool.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shoal.config.WebhookConfig;
import io.shoal.db.Database;
import io.shoal.outbox.Notification;
import io.shoal.testing.Stall;
import io.shoal.testing.TestDatabase;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgBuilder;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The dispatcher follows the notification log by position: the event's transaction writes no
 * delivery, an endpoint's cursor survives a restart, a failure keeps only its customer's later
 * deliveries back, and two dispatchers (nodes) never both send an endpoint's batch.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class WebhookCursorTest extends WebhookLogFixture {

  private static final WebhookConfig CONFIG = new WebhookConfig(2_000, 16, 256, 200, 1_000, 60_000, 100);

  /** Every notification these tests record is a customer.updated. */
  private static final IntFunction<String> CUSTOMER_UPDATED = i -> "customer.updated";

  private static String endpoint(String storeId, String url) throws Exception {
    return endpoint(storeId, "whep_" + storeId, url, 1);
  }

  private static String endpoint(String storeId, String id, String url, int maxBatchSize) throws Exception {
    await(store.createEndpoint(storeId, id, url, List.of("*"), null, true, "whsec_" + storeId, maxBatchSize));
    return id;
  }

  /** Records {@code n} notifications, customers taking turns, one transaction each, and wakes the readers. */
  private static List<String> record(String storeId, String prefix, int n, String... customers) throws Exception {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      String customer = customers[i % customers.length];
      Notification x = new Notification(storeId, prefix + i, "customer.updated", customer,
          new JsonObject().put("customer_id", customer).put("i", i), Instant.now());
      await(db.pool.withTransaction(conn -> log.record(conn, List.of(x))));
      log.wake(List.of(x));
      ids.add(x.id());
    }
    return ids;
  }

  private static String deploy(String holder, long holdMs) throws Exception {
    return await(db.vertx.deployVerticle(new WebhookDispatcherVerticle(new DeliveryStore(db.pool), CONFIG, holder,
        holdMs)));
  }

  @Test
  void the_cursor_survives_a_restart_without_loss_or_duplicates_and_ingest_writes_no_delivery() throws Exception {
    String s = newStore("store_restart");
    try (WebhookReceiver receiver = WebhookReceiver.answering(db.vertx, 200)) {
      String ep = endpoint(s, receiver.url());
      List<String> before = record(s, "evt_r_a", 30, "cust_1", "cust_2", "cust_3");
      assertEquals(0, count("SELECT count(*) FROM webhook_deliveries"), "recording writes no delivery");

      String first = deploy("node-a", 15_000);
      assertTrue(eventually(20, () -> receiver.deduplicated().keySet().containsAll(before)), () -> receiver.deduplicated().keySet().toString());
      await(db.vertx.undeploy(first));
      List<String> after = record(s, "evt_r_b", 30, "cust_1", "cust_2", "cust_3");

      String second = deploy("node-b", 15_000); // another holder: the first let its cursor go when it stopped
      List<String> all = new ArrayList<>(before);
      all.addAll(after);
      assertTrue(eventually(20, () -> receiver.deduplicated().keySet().containsAll(all)), () -> receiver.deduplicated().keySet().toString());
      Thread.sleep(300);
      Map<String, Integer> receipts = receiver.receipts();

      // a delivered event redelivered to every endpoint that had it goes out again
      DeliveryStore.Stored redelivered = await(store.notification(s, "evt_r_a5"));
      assertEquals(List.of(ep), await(store.redeliver(redelivered, null)));
      db.vertx.eventBus().publish(WebhookDispatcherVerticle.ENDPOINTS_CHANGED, s);
      assertTrue(eventually(10, () -> receiver.receipts().get("evt_r_a5") == 2), () -> receiver.receipts().toString());
      await(db.vertx.undeploy(second));

      assertEquals(60, receipts.size());
      assertTrue(receipts.values().stream().allMatch(n -> n == 1), "each once after a graceful restart: " + receipts);
      for (String customer : List.of("cust_1", "cust_2", "cust_3")) {
        List<String> order = receiver.orderOf(customer);
        List<String> expected = all.stream().filter(id -> order.contains(id)).toList();
        assertEquals(expected, order, "in seq order for " + customer);
      }
      assertEquals(1, count("SELECT count(*) FROM webhook_deliveries"), "a row for the redelivery only");
      assertEquals(60, delivered(ep));
      List<DeliveryStore.DeliveryRow> listed = await(store.deliveries(s, ep, "succeeded", null, 100));
      assertEquals(60, listed.size());
      assertTrue(listed.get(0).seq() > listed.get(59).seq(), "newest first");
      assertEquals(200, listed.get(0).json().getInteger("last_status_code"));
    }
  }

  @Test
  void a_failure_keeps_back_only_its_customers_later_deliveries() throws Exception {
    String s = newStore("store_park");
    try (WebhookReceiver receiver = WebhookReceiver.answering(db.vertx, 200)) {
      String ep = endpoint(s, receiver.url());
      // cust_x's first delivery fails until cust_y's have all arrived (not for a time: a slow start
      // must not let it succeed first); everything else is accepted
      AtomicBoolean xFails = new AtomicBoolean(true);
      receiver.answerEach(d -> d.id().equals("evt_p0") && xFails.get() ? 500 : 200);
      String dispatcher = deploy("node-a", 15_000);
      List<String> ids = record(s, "evt_p", 12, "cust_x", "cust_y");
      List<String> ofY = ids.stream().filter(id -> Integer.parseInt(id.substring(5)) % 2 == 1).toList();
      List<String> ofX = ids.stream().filter(id -> Integer.parseInt(id.substring(5)) % 2 == 0).toList();

      assertTrue(eventually(10, () -> receiver.deduplicated().keySet().containsAll(ofY)), () -> receiver.deduplicated().keySet().toString());
      assertEquals(List.of("evt_p0"), receiver.orderOf("cust_x"), "cust_y's went out while cust_x's first one"
          + " was failing, and cust_x's later ones wait for its first");
      assertTrue(receiver.all().stream().filter(d -> d.id().equals("evt_p0")).count() >= 1, "cust_x's first was tried");
      assertTrue(eventually(5, () -> countQuietly("SELECT count(*) FROM webhook_deliveries WHERE ordering_key = 'cust_x'") == 6),
          "the failed one and the ones behind it are kept");
      assertEquals(0, count("SELECT count(*) FROM webhook_deliveries WHERE ordering_key = 'cust_y'"));
      xFails.set(false);

      assertTrue(eventually(15, () -> receiver.deduplicated().keySet().containsAll(ofX)), () -> receiver.deduplicated().keySet().toString());
      assertEquals(ofX, receiver.orderOf("cust_x"), "in order once the retry succeeded");
      List<WebhookReceiver.Delivery> firsts = receiver.all().stream().filter(d -> d.id().equals("evt_p0")).toList();
      assertTrue(firsts.size() >= 2, "retried");
      assertEquals("1", firsts.get(0).attempt());
      assertTrue(eventually(5, () -> {
        try {
          return await(store.deliveries(s, ep, null, null, 100)).stream()
              .allMatch(d -> d.json().getString("status").equals("succeeded"));
        } catch (Exception e) {
          return false;
        }
      }));
      await(db.vertx.undeploy(dispatcher));
    }
  }

  @Test
  void an_endpoint_taking_batches_gets_signed_arrays_in_customer_order_and_the_others_single_events() throws Exception {
    String s = newStore("store_batches");
    try (WebhookReceiver batched = WebhookReceiver.answering(db.vertx, 200);
         WebhookReceiver single = WebhookReceiver.answering(db.vertx, 200)) {
      endpoint(s, "whep_batched", batched.url(), 10);
      endpoint(s, "whep_single", single.url(), 1);
      String dispatcher = deploy("node-a", 15_000);
      List<String> ids = recordTogether(s, "evt_b", 60, CUSTOMER_UPDATED, "cust_1", "cust_2", "cust_3");
      assertTrue(eventually(20, () -> batched.deduplicated().keySet().containsAll(ids)
          && single.deduplicated().keySet().containsAll(ids)), () -> batched.deduplicated().keySet().toString());
      await(db.vertx.undeploy(dispatcher));

      assertEquals(60, single.requestCount(), "one event per request where batches were not asked for");
      assertTrue(batched.requestCount() <= 60 / 10 + 3, "up to 10 events a request: " + batched.requestCount());
      for (WebhookReceiver.Delivery d : batched.all()) {
        assertTrue(d.body()[0] == '[', "a JSON array");
        assertTrue(DeliverySignature.verify(d.signature(), d.body(), "whsec_" + s, Instant.now().getEpochSecond(), 300),
            "signed over the whole body");
      }
      for (String customer : List.of("cust_1", "cust_2", "cust_3")) {
        List<String> order = batched.orderOf(customer);
        assertEquals(ids.stream().filter(order::contains).toList(), order, "in seq order for " + customer);
        assertEquals(20, order.size());
      }
    }
  }

  @Test
  void two_dispatchers_never_both_send_an_endpoints_batch() throws Exception {
    String s = newStore("store_nodes");
    try (WebhookReceiver receiver = WebhookReceiver.answering(db.vertx, 200)) {
      endpoint(s, receiver.url());
      String a = deploy("node-a", 2_000);
      String b = deploy("node-b", 2_000);
      List<String> ids = record(s, "evt_n_a", 40, "cust_1", "cust_2", "cust_3", "cust_4");
      assertTrue(eventually(20, () -> receiver.deduplicated().keySet().containsAll(ids)), () -> receiver.deduplicated().keySet().toString());

      // the holder stops; the other takes the cursor over and goes on from where it stood
      long holders = count("SELECT count(DISTINCT holder) FROM webhook_cursors WHERE store_id = '" + s + "'");
      assertEquals(1, holders);
      String first = count("SELECT count(*) FROM webhook_cursors WHERE store_id = '" + s + "' AND holder = 'node-a'")
          == 1 ? a : b;
      await(db.vertx.undeploy(first));
      List<String> later = record(s, "evt_n_b", 20, "cust_1", "cust_2", "cust_3", "cust_4");
      assertTrue(eventually(20, () -> receiver.deduplicated().keySet().containsAll(later)), () -> receiver.deduplicated().keySet().toString());
      Thread.sleep(300);

      Map<String, Integer> receipts = receiver.receipts();
      assertEquals(60, receipts.size());
      assertEquals(new TreeSet<>(List.of(1)), new TreeSet<>(receipts.values()), "nothing sent twice: " + receipts);
      await(db.vertx.undeploy(first == a ? b : a));
    }
  }

  /** Answers may take 15 s (the tests below answer slower than the holds). */
  private static final WebhookConfig SLOW_ANSWERS = new WebhookConfig(15_000, 16, 256, 200, 1_000, 60_000, 100);

  /** A dispatcher with {@link #SLOW_ANSWERS}, once it holds the endpoint's cursor. */
  private static String deployHolding(String holder, long holdMs, String endpointId) throws Exception {
    String id = await(db.vertx.deployVerticle(new WebhookDispatcherVerticle(new DeliveryStore(db.pool), SLOW_ANSWERS,
        holder, holdMs)));
    assertTrue(eventually(10, () -> countQuietly("SELECT count(*) FROM webhook_cursors WHERE endpoint_id = '"
        + endpointId + "' AND holder = '" + holder + "'") == 1), holder + " holds the cursor");
    return id;
  }

  /**
   * With the receiver answering {@code delayMs} after each request, records one event per
   * customer (one page) and waits until all are out, unanswered.
   */
  private static List<String> outAndUnanswered(WebhookReceiver receiver, long delayMs, String storeId, String prefix,
                                               String... customers) throws Exception {
    int before = receiver.requestCount();
    receiver.delay(delayMs);
    List<String> out = recordTogether(storeId, prefix, customers.length, CUSTOMER_UPDATED, customers);
    assertTrue(eventually(10, () -> receiver.requestCount() == before + customers.length),
        "the page went out, its customers at once");
    return out;
  }

  /**
   * Records one more event per customer and waits for them, then stops {@code dispatcher}: the
   * endpoint got {@code earlier} and these, each once, and every one is recorded.
   */
  private static void assertEachOnceAfterMore(WebhookReceiver receiver, String storeId, String endpointId,
                                              String dispatcher, List<String> earlier, String prefix,
                                              String... customers) throws Exception {
    List<String> later = recordTogether(storeId, prefix, customers.length, CUSTOMER_UPDATED, customers);
    assertTrue(eventually(20, () -> receiver.deduplicated().keySet().containsAll(later)),
        () -> receiver.deduplicated().keySet().toString());
    Thread.sleep(300);
    await(db.vertx.undeploy(dispatcher));
    Map<String, Integer> receipts = receiver.receipts();
    List<String> all = new ArrayList<>(earlier);
    all.addAll(later);
    assertEquals(new TreeSet<>(all), new TreeSet<>(receipts.keySet()));
    assertEquals(new TreeSet<>(List.of(1)), new TreeSet<>(receipts.values()), "nothing sent twice: " + receipts);
    assertEquals(all.size(), delivered(endpointId));
  }

  /**
   * A holder that stops while its requests are out keeps its cursor until their answers are
   * recorded (answers slower than the hold): the next holder starts after them and sends none of
   * them again. (It let the hold lapse while draining, and dropped the page it was answered for
   * once its own clock said the hold was too old to send: none of the 8 was recorded.)
   */
  @Test
  void a_holder_stopping_while_its_requests_are_out_keeps_its_cursor_until_they_are_recorded() throws Exception {
    String s = newStore("store_drain");
    try (WebhookReceiver receiver = WebhookReceiver.answering(db.vertx, 200)) {
      String ep = endpoint(s, receiver.url());
      String a = deployHolding("node-a", 2_000, ep);
      String b = await(db.vertx.deployVerticle(new WebhookDispatcherVerticle(new DeliveryStore(db.pool), SLOW_ANSWERS,
          "node-b", 2_000)));
      String[] customers = {"cust_1", "cust_2", "cust_3", "cust_4", "cust_5", "cust_6", "cust_7", "cust_8"};
      // each answered 3 s after its request: longer than the 2 s hold
      List<String> out = outAndUnanswered(receiver, 3_000, s, "evt_dr_a", customers);
      await(db.vertx.undeploy(a)); // waits for the answers (3 s)
      assertEquals(8, delivered(ep), "node-a recorded what it was answered for");
      receiver.delay(0);
      assertEachOnceAfterMore(receiver, s, ep, b, out, "evt_dr_b", customers);
    }
  }

  /**
   * A holder whose renewal stalls (here: the cursor's row locked by another transaction) past two
   * thirds of its hold sends nothing new, but what it was answered for meanwhile is recorded once
   * the row is free, as long as it still holds the cursor: when the renewal comes back it goes on
   * after them. (It dropped that page and, the renewal back, sent all 4 again.)
   */
  @Test
  void a_holder_whose_renewal_stalls_records_what_it_was_answered_for_and_sends_it_once() throws Exception {
    String s = newStore("store_stall");
    try (WebhookReceiver receiver = WebhookReceiver.answering(db.vertx, 200)) {
      String ep = endpoint(s, receiver.url());
      String a = deployHolding("node-a", 6_000, ep);
      // answered after the lane's 4 s to send on an unrenewed hold, within the 6 s hold
      List<String> out = outAndUnanswered(receiver, 4_500, s, "evt_st_a", "cust_1", "cust_2", "cust_3", "cust_4");
      try (Connection c = TestDatabase.connect(db.url); Statement st = c.createStatement()) {
        c.setAutoCommit(false);
        st.executeQuery("SELECT 1 FROM webhook_cursors WHERE endpoint_id = '" + ep + "' FOR UPDATE").close();
        Thread.sleep(5_200); // renewals and the resolve wait; the answers arrive meanwhile
        c.rollback();
      }
      receiver.delay(0);
      assertTrue(eventually(10, () -> countQuietly(deliveredSql("endpoint_id = '" + ep + "'")) == 4),
          "recorded once the row was free");
      assertEachOnceAfterMore(receiver, s, ep, a, out, "evt_st_b", "cust_1", "cust_2", "cust_3", "cust_4");
    }
  }

  /**
   * A lane sends its next page while the page before is being resolved (the resolve statement is
   * not on the path of the next delivery), but not a third one: a page's record is written after
   * the one before it, and everything arrives once, in order, once the records can be written.
   */
  @Test
  void a_lane_sends_its_next_page_while_the_one_before_is_resolved_but_no_further() throws Exception {
    String s = newStore("store_pipelined");
    try (WebhookReceiver receiver = WebhookReceiver.answering(db.vertx, 200)) {
      String ep = endpoint(s, "whep_" + s, receiver.url(), 10);
      String dispatcher = await(db.vertx.deployVerticle(new WebhookDispatcherVerticle(new DeliveryStore(db.pool),
          CONFIG, "node-a", 30_000, 20)));
      List<String> first = recordTogether(s, "evt_pl_a", 20, CUSTOMER_UPDATED, "cust_1", "cust_2");
      assertTrue(eventually(20, () -> receiver.deduplicated().keySet().containsAll(first)));
      assertTrue(eventually(10, () -> countQuietly(deliveredSql("endpoint_id = '" + ep + "'")) == 20), "the first page resolved");

      List<String> all = new ArrayList<>(first);
      try (Connection blocker = TestDatabase.connect(db.url); Statement st = blocker.createStatement()) {
        // resolves block on the delivery log until this transaction ends
        blocker.setAutoCommit(false);
        st.execute("LOCK TABLE webhook_delivered IN SHARE MODE");
        List<String> second = recordTogether(s, "evt_pl_b", 20, CUSTOMER_UPDATED, "cust_1", "cust_2");
        all.addAll(second);
        assertTrue(eventually(20, () -> receiver.deduplicated().keySet().containsAll(second)), "page 2 sent");
        List<String> third = recordTogether(s, "evt_pl_c", 20, CUSTOMER_UPDATED, "cust_1", "cust_2");
        all.addAll(third);
        assertTrue(eventually(20, () -> receiver.deduplicated().keySet().containsAll(third)),
            "page 3 sent while page 2's record waits");
        List<String> fourth = recordTogether(s, "evt_pl_d", 20, CUSTOMER_UPDATED, "cust_1", "cust_2");
        all.addAll(fourth);
        Thread.sleep(3_000); // past the settle limit: page 4 would have been read and sent by now
        assertTrue(receiver.deduplicated().keySet().stream().noneMatch(fourth::contains),
            "no page sent while two wait for their records");
        assertEquals(20, delivered(ep),
            "nothing recorded while the delivery log is locked");
        blocker.rollback();
      }
      assertTrue(eventually(20, () -> receiver.deduplicated().keySet().containsAll(all)), "page 4 sent after");
      assertTrue(eventually(10, () -> countQuietly(deliveredSql("endpoint_id = '" + ep + "'")) == 80), "every page recorded");
      await(db.vertx.undeploy(dispatcher));

      Map<String, Integer> receipts = receiver.receipts();
      assertEquals(new TreeSet<>(all), new TreeSet<>(receipts.keySet()));
      assertEquals(new TreeSet<>(List.of(1)), new TreeSet<>(receipts.values()), "each once: " + receipts);
      for (String customer : List.of("cust_1", "cust_2")) {
        List<String> order = receiver.orderOf(customer);
        assertEquals(all.stream().filter(order::contains).toList(), order, "in seq order for " + customer);
      }
      assertEquals(1, count("SELECT count(*) FROM webhook_cursors WHERE endpoint_id = '" + ep
          + "' AND position = (SELECT max(seq) FROM notifications_after('" + s + "', 0, 100000))"),
          "the cursor at the store's last notification");
    }
  }

  /**
   * A -> B -> A: node-a stalls (its event loop blocked) past its hold, node-b takes the cursor,
   * sends the next page and moves the position, stops and lets the cursor go; node-a, back, takes
   * it again. It goes on from where the row stands, not from its own position from before the
   * stall: each event once, in order. (Its renewal took the cursor back under the holder's name
   * alone, the lane never noticed the take-over, and it sent node-b's page again: 4 events twice.)
   */
  @Test
  void a_holder_that_stalls_while_another_takes_its_cursor_goes_on_from_the_row_when_it_takes_it_back()
      throws Exception {
    String s = newStore("store_aba");
    String[] customers = {"cust_1", "cust_2", "cust_3", "cust_4"};
    // node-a on a Vert.x of its own: a stall stops the whole node (its timers, pool, HTTP client)
    Vertx nodeA = Stall.node();
    Pool poolA = PgBuilder.pool().with(new PoolOptions().setMaxSize(2)).connectingTo(Database.parseUrl(db.url))
        .using(nodeA).build();
    Stall stall = null;
    try (WebhookReceiver receiver = WebhookReceiver.answering(db.vertx, 200)) {
      String ep = endpoint(s, receiver.url());
      String a = await(nodeA.deployVerticle(new WebhookDispatcherVerticle(new DeliveryStore(poolA), CONFIG, "node-a",
          2_000)));
      List<String> all = new ArrayList<>(recordTogether(s, "evt_aba_a", 4, CUSTOMER_UPDATED, customers));
      assertTrue(eventually(20, () -> countQuietly(deliveredSql("endpoint_id = '" + ep + "'")) == 4
          && countQuietly("SELECT count(*) FROM webhook_cursors WHERE endpoint_id = '" + ep + "' AND holder = 'node-a'"
          + " AND position = (SELECT max(seq) FROM notifications_after('" + s + "', 0, 100))") == 1),
          "node-a sent and recorded the first page");

      stall = Stall.of(nodeA);
      String b = deployHolding("node-b", 2_000, ep); // once node-a's 2 s hold ran out
      all.addAll(recordTogether(s, "evt_aba_b", 4, CUSTOMER_UPDATED, customers));
      assertTrue(eventually(20, () -> countQuietly(deliveredSql("endpoint_id = '" + ep + "'")) == 8),
          "node-b sent and recorded the second page");
      await(db.vertx.undeploy(b)); // lets the cursor go
      assertEquals(0, count("SELECT count(*) FROM webhook_cursors WHERE endpoint_id = '" + ep
          + "' AND holder IS NOT NULL"), "node-b let the cursor go");

      stall.close();
      assertTrue(eventually(20, () -> countQuietly("SELECT count(*) FROM webhook_cursors WHERE endpoint_id = '" + ep
          + "' AND holder = 'node-a'") == 1), "node-a took the cursor back");
      List<String> later = recordTogether(s, "evt_aba_c", 4, CUSTOMER_UPDATED, customers);
      all.addAll(later);
      assertTrue(eventually(20, () -> receiver.deduplicated().keySet().containsAll(later)),
          () -> receiver.deduplicated().keySet().toString());
      assertTrue(eventually(10, () -> countQuietly(deliveredSql("endpoint_id = '" + ep + "'")) >= 12), "recorded");
      Thread.sleep(300);
      await(nodeA.undeploy(a));

      Map<String, Integer> receipts = receiver.receipts();
      assertEquals(new TreeSet<>(all), new TreeSet<>(receipts.keySet()));
      assertEquals(new TreeSet<>(List.of(1)), new TreeSet<>(receipts.values()), "each once: " + receipts);
      for (String customer : customers) {
        List<String> order = receiver.orderOf(customer);
        assertEquals(all.stream().filter(order::contains).toList(), order, "in seq order for " + customer);
      }
      assertEquals(12, delivered(ep));
    } finally {
      if (stall != null) {
        stall.close();
      }
      await(poolA.close());
      await(nodeA.close());
    }
  }

  /**
   * The fence itself, statement by statement: a renewal keeps the epoch; a take-over raises it,
   * also when the earlier holder takes the cursor back; a batch read under an earlier epoch is
   * not recorded (nor its position), while one under the current epoch is.
   */
  @Test
  void a_batch_read_under_an_earlier_hold_is_not_recorded_after_the_cursor_went_to_another_and_back()
      throws Exception {
    String s = newStore("store_epochs");
    String ep = endpoint(s, "http://127.0.0.1:9/none");
    recordTogether(s, "evt_ep_", 8, CUSTOMER_UPDATED, "cust_1", "cust_2");
    List<Long> seqs = new ArrayList<>();
    try (Connection c = TestDatabase.connect(db.url); Statement st = c.createStatement();
         java.sql.ResultSet rs = st.executeQuery("SELECT seq FROM notifications_after('" + s + "', 0, 100)"
             + " ORDER BY seq")) {
      while (rs.next()) {
        seqs.add(rs.getLong(1));
      }
    }
    assertEquals(8, seqs.size());

    long first = hold(ep, null, "node-a").epoch();
    assertEquals(first, hold(ep, first, "node-a").epoch(), "a renewal keeps the epoch");
    TestDatabase.execute(db.url, "UPDATE webhook_cursors SET held_until = clock_timestamp() - interval '1 second'"
        + " WHERE endpoint_id = '" + ep + "'"); // node-a stalled past its hold
    long ofB = hold(ep, null, "node-b").epoch();
    assertTrue(ofB > first, "node-b's take raised it");
    assertEquals(Set.of(ep), await(store.resolve(List.of(resolution(ep, ofB, seqs.subList(0, 8))), "node-b")));
    await(store.releaseCursors(Collections.singletonMap(ep, ofB), "node-b"));

    DeliveryStore.Cursor back = hold(ep, first, "node-a");
    assertTrue(back.epoch() > ofB, "taking it back raised it again");
    assertEquals(seqs.get(7), back.position(), "node-a starts where node-b left it");
    assertEquals(Set.of(), await(store.resolve(List.of(resolution(ep, first, seqs.subList(0, 4))), "node-a")),
        "node-a's batch from before the stall is not recorded");
    assertEquals(8, delivered(ep), "only node-b's");
    assertEquals(Set.of(ep), await(store.resolve(List.of(resolution(ep, back.epoch(), List.of())), "node-a")),
        "under the epoch it holds now, node-a records");
    assertEquals(seqs.get(7), hold(ep, back.epoch(), "node-a").position(), "the position never went back");
  }

  private static DeliveryStore.Cursor hold(String ep, Long known, String holder) throws Exception {
    List<DeliveryStore.Cursor> held = await(store.holdCursors(Collections.singletonMap(ep, known), holder, 60_000));
    assertEquals(1, held.size(), holder + " holds the cursor");
    return held.get(0);
  }

  /** A batch delivered in one request ({@code seqs}, none: a position only), the position after its last. */
  private static DeliveryStore.Resolution resolution(String ep, long epoch, List<Long> seqs) throws Exception {
    List<DeliveryStore.Delivered> requests = seqs.isEmpty() ? List.of() : List.of(new DeliveryStore.Delivered(
        seqs.stream().mapToLong(Long::longValue).toArray(), 200, 5, System.currentTimeMillis()));
    long position = seqs.isEmpty() ? count("SELECT position FROM webhook_cursors WHERE endpoint_id = '" + ep + "'")
        : seqs.get(seqs.size() - 1);
    return new DeliveryStore.Resolution(ep, epoch, position, requests, List.of());
  }
}
