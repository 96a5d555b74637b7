package io.shoal.notify;

import static io.shoal.notify.WebhookReceiver.eventually;
import static io.shoal.testing.TestPool.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shoal.config.WebhookConfig;
import io.shoal.outbox.Doubts;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A store's log is read once for all its webhook endpoints, and the lanes that finished a page
 * meanwhile resolve it in one statement: each endpoint still gets every event
 * after its cursor exactly once and in its customers' order; an endpoint behind reads on its own
 * until it reaches the others, then shares their pages; a second dispatcher taking over keeps
 * every endpoint's deliveries exactly once.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class WebhookLogReaderTest extends WebhookLogFixture {

  /**
   * Ticks every 5 s (cursors held 15 s): the reads counted are the wakes', not the ticks'. A
   * request may take 15 s (a loaded machine): a timeout would send it again, rightly, and the
   * receiver would count it twice.
   */
  private static final WebhookConfig SLOW_TICKS = new WebhookConfig(15_000, 16, 256, 200, 1_000, 60_000, 5_000);
  private static final WebhookConfig CONFIG = new WebhookConfig(15_000, 16, 256, 200, 1_000, 60_000, 100);

  /** Types alternating: customer.updated, segment.entered, ... */
  private static final IntFunction<String> TURNS = i -> i % 2 == 0 ? "customer.updated" : "segment.entered";

  /** Ten endpoints of one store: the even ones take every type, the odd ones customer.updated only. */
  private static List<WebhookReceiver> tenEndpoints(String s) throws Exception {
    List<WebhookReceiver> receivers = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      WebhookReceiver r = WebhookReceiver.answering(db.vertx, 200);
      receivers.add(r);
      await(store.createEndpoint(s, "whep_" + s + "_" + i, r.url(), i % 2 == 0 ? List.of("*")
          : List.of("customer.updated"), null, true, "whsec_" + s, i % 3 == 0 ? 1 : 10));
    }
    return receivers;
  }

  /** The ids endpoint {@code i} of {@link #tenEndpoints} is sent, of those recorded. */
  private static List<String> wanted(int i, List<String> ids) {
    return i % 2 == 0 ? ids : ids.stream().filter(id -> Integer.parseInt(id.replaceAll("^.*_", "")) % 2 == 0).toList();
  }

  private static void assertEachOnceInOrder(List<WebhookReceiver> receivers, List<String> ids, String... customers) {
    for (int i = 0; i < receivers.size(); i++) {
      WebhookReceiver r = receivers.get(i);
      List<String> want = wanted(i, ids);
      Map<String, Integer> got = r.receipts();
      assertEquals(new TreeSet<>(want), new TreeSet<>(got.keySet()), "endpoint " + i + " got what it subscribed to");
      assertEquals(new TreeSet<>(List.of(1)), new TreeSet<>(got.values()), "endpoint " + i + ", each once: " + got);
      for (String customer : customers) {
        List<String> order = r.orderOf(customer);
        assertEquals(want.stream().filter(order::contains).toList(), order, "endpoint " + i + ", in seq order");
      }
    }
  }

  private static boolean allArrived(List<WebhookReceiver> receivers, List<String> ids) {
    for (int i = 0; i < receivers.size(); i++) {
      if (!receivers.get(i).deduplicated().keySet().containsAll(wanted(i, ids))) {
        return false;
      }
    }
    return true;
  }

  private static List<Integer> missing(List<WebhookReceiver> receivers, List<String> ids) {
    List<Integer> out = new ArrayList<>();
    for (int i = 0; i < receivers.size(); i++) {
      Set<String> got = receivers.get(i).deduplicated().keySet();
      out.add((int) wanted(i, ids).stream().filter(id -> !got.contains(id)).count());
    }
    return out;
  }

  @Test
  void ten_endpoints_each_get_every_event_once_while_each_page_is_read_once() throws Exception {
    String s = newStore("store_shared");
    String[] customers = {"cust_1", "cust_2", "cust_3", "cust_4", "cust_5"};
    List<WebhookReceiver> receivers = tenEndpoints(s);
    try {
      // a backlog of 200 before the dispatcher starts: 4 pages of 50 (+ the empty read at the end)
      List<String> ids = new ArrayList<>(recordTogether(s, "evt_sh_a_", 200, TURNS, customers));
      WebhookDispatcherVerticle dispatcher = new WebhookDispatcherVerticle(new DeliveryStore(db.pool), SLOW_TICKS,
          "node-a", 15_000, 50);
      String id = await(db.vertx.deployVerticle(dispatcher));
      assertTrue(eventually(30, () -> allArrived(receivers, ids)), "the backlog arrived everywhere");
      long backlogReads = dispatcher.logReader().pagesRead();
      assertTrue(backlogReads <= 6, "4 pages read once for the 10 endpoints (each reading its own: >= 40): "
          + backlogReads);
      long backlogResolves = dispatcher.resolveStatements();
      // how many lanes share a statement depends on timing (24 seen at most); one statement a lane would be 40
      assertTrue(backlogResolves < 40, "the lanes that finished a page meanwhile resolve it together (one"
          + " statement each: 40): " + backlogResolves);

      // then live: 10 commits of 20, each waited for at every endpoint
      for (int round = 0; round < 10; round++) {
        List<String> more = recordTogether(s, "evt_sh_b" + round + "_", 20, TURNS, customers);
        ids.addAll(more);
        assertTrue(eventually(20, () -> allArrived(receivers, more)), "round " + round + " arrived everywhere");
      }
      Thread.sleep(300);
      long liveReads = dispatcher.logReader().pagesRead() - backlogReads;
      assertTrue(liveReads <= 20, "about one read a commit for the 10 endpoints (each reading its own: >= 100): "
          + liveReads);
      long liveResolves = dispatcher.resolveStatements() - backlogResolves;
      // up to 66 seen, by timing (lanes finishing apart resolve apart); one statement a lane would be 100
      assertTrue(liveResolves < 100, "10 commits, 10 lanes, fewer statements than lanes (one a lane: 100): "
          + liveResolves);
      await(db.vertx.undeploy(id));

      assertEachOnceInOrder(receivers, ids, customers);
      assertEquals(0, count("SELECT count(*) FROM webhook_deliveries WHERE store_id = '" + s + "'"));
      assertEquals(5 * 400 + 5 * 200, count(deliveredSql("store_id = '" + s + "'")));
      assertEquals(10, count("SELECT count(*) FROM webhook_cursors WHERE store_id = '" + s
          + "' AND position = (SELECT max(seq) FROM notifications_after('" + s + "', 0, 100000))"),
          "every cursor at the store's last notification");
    } finally {
      receivers.forEach(WebhookReceiver::close);
    }
  }

  /** Runs {@code call} on one context (the reader's, as in the dispatcher) and waits for it. */
  private static <T> T on(Context ctx, Supplier<Future<T>> call) throws Exception {
    Promise<T> done = Promise.promise();
    ctx.runOnContext(v -> call.get().onComplete(done));
    return await(done.future());
  }

  @Test
  void a_lane_behind_reads_on_its_own_until_it_reaches_the_others_and_then_shares_their_pages() throws Exception {
    String s = newStore("store_behind");
    long start = await(store.lastSeq(s));
    List<String> first = recordTogether(s, "evt_bh_a_", 45, TURNS, "cust_1", "cust_2");
    Context ctx = db.vertx.getOrCreateContext();
    WebhookLogReader reader = new WebhookLogReader(db.vertx, new DeliveryStore(db.pool), 10);

    // lane A reads it all, in pages of 10 (the last of 5), then three commits of 3 as they come
    List<Long> starts = new ArrayList<>();
    List<Long> seqsA = new ArrayList<>();
    long a = start;
    Doubts doubtsA = new Doubts();
    for (int commit = 0; commit <= 3; commit++) {
      if (commit > 0) {
        recordTogether(s, "evt_bh_" + commit + "_", 3, TURNS, "cust_1", "cust_2");
        on(ctx, () -> {
          reader.woken(s); // as the dispatcher is on NEW_NOTIFICATIONS
          return Future.succeededFuture();
        });
      }
      while (true) {
        long from = a;
        Doubts d = doubtsA;
        WebhookLogReader.Page page = on(ctx, () -> reader.next(s, from, d));
        if (page == null) {
          break;
        }
        starts.add(a);
        page.rows().forEach(r -> seqsA.add(r.seq()));
        a = page.upTo();
        doubtsA = page.doubts();
      }
    }
    assertEquals(45 + 9, seqsA.size());
    assertEquals(8, starts.size(), "5 pages, then one for each commit");
    assertEquals(8 + 4, reader.pagesRead(), "each page once, and an empty read after each commit's");

    // lane B stands 3 notifications in: its own pages of 10 run to s+33, then one cut where A's
    // kept pages start (s+40); from there it takes A's 4 kept pages without reading
    long b = seqsA.get(2);
    List<Long> seqsB = new ArrayList<>();
    List<Long> startsB = new ArrayList<>();
    long readsBefore = reader.pagesRead();
    Doubts doubtsB = new Doubts();
    while (true) {
      long from = b;
      Doubts d = doubtsB;
      WebhookLogReader.Page page = on(ctx, () -> reader.next(s, from, d));
      if (page == null) {
        break;
      }
      startsB.add(b);
      page.rows().forEach(r -> seqsB.add(r.seq()));
      b = page.upTo();
      doubtsB = page.doubts();
    }
    assertEquals(seqsA.subList(3, seqsA.size()), seqsB, "every notification after B's position, once, in order");
    assertEquals(4, reader.pagesRead() - readsBefore, "its own 4 pages; A's last 4 shared, the end known empty");
    assertEquals(starts.subList(4, 8), startsB.subList(4, 8), "B took A's kept pages from where A's 5th began");
    assertEquals(a, b);

    // a commit now: B and A at the same position share the one read
    List<String> more = recordTogether(s, "evt_bh_c_", 4, TURNS, "cust_1");
    on(ctx, () -> {
      reader.woken(s);
      return Future.succeededFuture();
    });
    long readsBeforeLive = reader.pagesRead();
    long at = a;
    Doubts ofA = doubtsA;
    Promise<List<WebhookLogReader.Page>> both = Promise.promise();
    ctx.runOnContext(v -> Future.all(reader.next(s, at, ofA), reader.next(s, at, new Doubts()))
        .map(f -> List.<WebhookLogReader.Page>of(f.resultAt(0), f.resultAt(1))).onComplete(both));
    List<WebhookLogReader.Page> pages = await(both.future());
    assertEquals(1, reader.pagesRead() - readsBeforeLive, "one read for both");
    assertEquals(4, pages.get(0).rows().size());
    assertEquals(pages.get(0).rows(), pages.get(1).rows());
    long end = pages.get(0).upTo();
    assertNull(on(ctx, () -> reader.next(s, end, new Doubts())), "nothing after: " + more);
  }

  @Test
  void a_second_dispatcher_taking_over_mid_stream_keeps_each_endpoints_deliveries_exactly_once() throws Exception {
    String s = newStore("store_takeover");
    String[] customers = {"cust_1", "cust_2", "cust_3", "cust_4"};
    List<WebhookReceiver> receivers = tenEndpoints(s);
    try {
      WebhookDispatcherVerticle a = new WebhookDispatcherVerticle(new DeliveryStore(db.pool), CONFIG, "node-a",
          2_000, 20);
      WebhookDispatcherVerticle b = new WebhookDispatcherVerticle(new DeliveryStore(db.pool), CONFIG, "node-b",
          2_000, 20);
      String idA = await(db.vertx.deployVerticle(a));
      // node-a holds the cursors before node-b starts (its first hold is not waited for by its start)
      assertTrue(eventually(20, () -> countQuietly("SELECT count(*) FROM webhook_cursors WHERE store_id = '" + s
          + "' AND holder = 'node-a'") == 10), "node-a holds the cursors");
      List<String> ids = new ArrayList<>(recordTogether(s, "evt_to_a_", 60, TURNS, customers));
      String idB = await(db.vertx.deployVerticle(b));
      for (int round = 0; round < 6; round++) {
        ids.addAll(recordTogether(s, "evt_to_b" + round + "_", 10, TURNS, customers));
      }
      // node-a stops while it sends; node-b goes on (on a loaded machine node-b may have taken some
      // cursors already, a 2 s hold not renewed in time: each endpoint's deliveries stay exactly once)
      await(db.vertx.undeploy(idA));
      for (int round = 0; round < 6; round++) {
        ids.addAll(recordTogether(s, "evt_to_c" + round + "_", 10, TURNS, customers));
      }
      assertTrue(eventually(60, () -> allArrived(receivers, ids)), () -> "everything arrived everywhere; missing: "
          + missing(receivers, ids));
      Thread.sleep(500);
      assertTrue(b.logReader().pagesRead() > 0, "node-b read the log");
      assertEquals(10, count("SELECT count(*) FROM webhook_cursors WHERE store_id = '" + s + "' AND holder = 'node-b'"));
      await(db.vertx.undeploy(idB));
      assertEachOnceInOrder(receivers, ids, customers);
    } finally {
      receivers.forEach(WebhookReceiver::close);
    }
  }
}
