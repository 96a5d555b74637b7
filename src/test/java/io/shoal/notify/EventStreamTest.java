package io.shoal.notify;

import static io.shoal.notify.WebhookReceiver.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shoal.testing.ApiClient;
import io.shoal.testing.TestServer;
import io.shoal.testing.TestStore;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The live stream of a store's events and the list of past ones, as a dashboard uses them. */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class EventStreamTest {

  private static TestServer server;
  private TestStore store;
  private String big;
  private String buyers;

  @BeforeAll
  static void start() {
    server = TestServer.start();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @BeforeEach
  void storeWithSegments() {
    store = server.createStore("Streams");
    big = segment("Big spenders", "total_spent", 100);
    buyers = segment("Buyers", "total_orders", 1);
  }

  private String segment(String name, String field, int atLeast) {
    String id = store.api().post(store.path("/segments"), new JsonObject().put("name", name).put("is_dynamic", true)
        .put("rules", new JsonArray().add(new JsonObject().put("field", field).put("operator", "gte")
            .put("value", atLeast)))).expect(201).getString("id");
    assertTrue(eventually(10, () -> "done".equals(store.api().get(store.path("/segments/" + id)).expect(200)
        .getString("sync_status"))));
    return id;
  }

  private void order(String email, double total) {
    store.api().post(store.path("/events"), new JsonObject().put("type", "order.completed")
        .put("customer", new JsonObject().put("email", email))
        .put("data", new JsonObject().put("order_id", email + "-" + total).put("total", new BigDecimal(total))))
        .expect(202);
  }

  private SseClient stream(String query, String lastEventId) {
    return SseClient.connect(server.clientVertx(), server.port(), store.path("/events/stream" + query),
        store.apiKey(), lastEventId);
  }

  private static String email(SseClient.Event e) {
    return e.data().getJsonObject("data").getJsonObject("customer").getString("email");
  }

  @Test
  void segmentEntersArriveLiveAndAReconnectGetsExactlyTheOnesMissed() {
    String filter = "?types=customer.segment.entered&segment_id=" + big;
    String lastSeen;
    try (SseClient live = stream(filter, null)) {
      order("c1@stream.example", 150);
      SseClient.Event first = live.take(1, 10).get(0);
      assertEquals("customer.segment.entered", first.type());
      assertEquals(big, first.data().getJsonObject("data").getString("segment_id"));
      assertEquals("c1@stream.example", email(first));
      assertTrue(first.data().getString("id").startsWith("evt_"));
      lastSeen = first.id();
      assertTrue(live.drain(300).isEmpty(), "other types and segments are filtered out");
    }

    // while disconnected
    order("c2@stream.example", 150);
    order("c3@stream.example", 20); // enters Buyers only
    order("c4@stream.example", 200);
    String c4Seen = null;
    assertTrue(eventually(10, () -> store.api().get(store.path("/events?types=customer.segment.entered&limit=100"))
        .page().size() == 7), "c1..c4 entered Buyers, c1, c2, c4 Big spenders");

    try (SseClient resumed = stream(filter, lastSeen)) {
      List<SseClient.Event> missed = resumed.take(2, 10);
      // c2 and c4 are different customers, maybe in different evaluator partitions: their
      // announcements may commit in either order; the stream gives them in commit (seq) order
      assertEquals(java.util.Set.of("c2@stream.example", "c4@stream.example"),
          new java.util.HashSet<>(missed.stream().map(EventStreamTest::email).toList()));
      assertTrue(Long.parseLong(missed.get(0).id()) < Long.parseLong(missed.get(1).id()));
      assertTrue(resumed.drain(500).isEmpty(), "exactly the missed ones");
      c4Seen = missed.get(1).id();

      order("c5@stream.example", 300); // and live again on the same connection
      assertEquals("c5@stream.example", email(resumed.take(1, 10).get(0)));
    }

    // without filters, resumed: everything after, in order, the same as the list says
    try (SseClient all = stream("", lastSeen)) {
      List<SseClient.Event> got = new ArrayList<>();
      List<JsonObject> listed = store.api().get(store.path("/events?limit=100")).page();
      List<String> newerThanFirst = new ArrayList<>();
      for (JsonObject e : listed) { // newest first
        if (e.getJsonObject("data").getString("segment_id", "").equals(big)
            && "c1@stream.example".equals(e.getJsonObject("data").getJsonObject("customer").getString("email"))) {
          break;
        }
        newerThanFirst.add(0, e.getString("id"));
      }
      got.addAll(all.take(newerThanFirst.size(), 10));
      assertEquals(newerThanFirst, got.stream().map(e -> e.data().getString("id")).toList());
      for (int i = 1; i < got.size(); i++) {
        assertTrue(Long.parseLong(got.get(i - 1).id()) < Long.parseLong(got.get(i).id()), "ids increase");
      }
      assertTrue(all.drain(300).isEmpty());
    }
    assertTrue(c4Seen != null);
  }

  /**
   * A notification whose transaction commits after the stream stopped waiting for it (a writer
   * stalled past the settle limit while later ones committed) still reaches the live stream,
   * once, when it commits: late, without an id, so the client's Last-Event-ID stays where it was.
   */
  @Test
  void aNotificationCommittedAfterTheSettleLimitStillReachesTheLiveStreamOnce() throws Exception {
    try (SseClient live = stream("", null);
         java.sql.Connection held = io.shoal.testing.TestDatabase.connect(server.databaseUrl())) {
      held.setAutoCommit(false);
      try (java.sql.Statement st = held.createStatement()) {
        // as every writer of notifications, it has its transaction id before its seq (NotificationLog)
        st.execute("SELECT pg_current_xact_id()");
        st.execute("INSERT INTO notifications (store_id, id, type, customer_id, data) VALUES ('" + store.id()
            + "', 'evt_held_stream', 'customer.segment.entered', 'cus_held', '{\"segment_id\": \"" + big
            + "\", \"customer\": {\"email\": \"held@stream.example\"}}')");
      }
      order("after@stream.example", 150); // later notifications commit meanwhile
      List<SseClient.Event> later = new ArrayList<>();
      while (later.stream().noneMatch(e -> "customer.segment.entered".equals(e.type())
          && big.equals(e.data().getJsonObject("data").getString("segment_id")))) {
        List<SseClient.Event> next = live.take(1, 10 + EventStream.SETTLE_LIMIT_MS / 1000.0);
        assertEquals(1, next.size(), "the later notifications arrive once the stream stops waiting; got " + later);
        later.add(next.get(0));
      }
      assertTrue(later.stream().allMatch(e -> e.id() != null), "in order, with ids");
      later.addAll(live.drain(EventStream.SETTLE_LIMIT_MS)); // the rest of the order's
      assertTrue(later.stream().noneMatch(e -> "evt_held_stream".equals(e.data().getString("id"))));
      held.commit();

      List<SseClient.Event> got = live.take(1, 10);
      assertEquals(1, got.size(), "the held notification, once it committed");
      assertEquals("evt_held_stream", got.get(0).data().getString("id"));
      assertEquals(null, got.get(0).id(), "late: no id, the position stays");
      assertTrue(live.drain(500).isEmpty(), "once");
    }
  }

  @Test
  void typeFiltersWorkAndTheStreamNeedsAKeyOfTheStore() {
    try (SseClient created = stream("?types=customer.created,customer.deleted", null)) {
      order("d1@stream.example", 500);
      String id = store.createCustomer(new JsonObject().put("email", "d2@stream.example")).getString("id");
      store.api().delete(store.customer(id)).expect(200);
      List<SseClient.Event> got = created.take(3, 10);
      assertEquals(List.of("customer.created", "customer.created", "customer.deleted"),
          got.stream().map(SseClient.Event::type).toList());
      assertTrue(created.drain(300).isEmpty());
    }
    String path = store.path("/events/stream");
    server.anonymous().get(path).expectError(401, "unauthorized");
    TestStore other = server.createStore("Other");
    other.api().get(path).expectError(404, "resource_missing");
    store.api().get(path + "?types=customer.exploded").expectError(400, "parameter_invalid");
  }

  @Test
  void pastEventsAreListedNewestFirstWithTypeAndTimeFiltersAndPages() {
    order("e1@stream.example", 150);
    order("e2@stream.example", 150);
    assertTrue(eventually(10, () -> store.api().get(store.path("/events?types=customer.segment.entered")).page()
        .size() == 4));
    List<JsonObject> entered = store.api().get(store.path("/events?types=customer.segment.entered")).page();
    // e1 and e2 are evaluated in parallel partitions: the list is newest first by record, not by customer
    assertEquals(java.util.Set.of("e1@stream.example", "e2@stream.example"), new java.util.HashSet<>(entered.stream()
        .map(e -> e.getJsonObject("data").getJsonObject("customer").getString("email")).toList()));
    for (JsonObject e : entered) {
      assertEquals("event", e.getString("object"));
      assertEquals(store.id(), e.getString("store_id"));
      assertTrue(List.of(big, buyers).contains(e.getJsonObject("data").getString("segment_id")));
    }
    List<JsonObject> orders = store.api().get(store.path("/events?types=order.completed")).page();
    assertEquals(2, orders.size());

    ApiClient api = store.api();
    List<String> paged = new ArrayList<>();
    String cursor = null;
    do {
      var page = api.get(store.path("/events?limit=2" + (cursor == null ? "" : "&cursor=" + cursor)));
      page.page().forEach(e -> paged.add(e.getString("id")));
      cursor = page.nextCursor();
    } while (cursor != null);
    List<String> all = store.api().get(store.path("/events?limit=100")).page().stream().map(e -> e.getString("id"))
        .toList();
    assertEquals(all, paged);

    // list order is record order; created_at comes from the producer, so take the latest of them
    String newest = store.api().get(store.path("/events?limit=100")).page().stream()
        .map(e -> e.getString("created_at")).max(String::compareTo).orElseThrow();
    assertTrue(store.api().get(store.path("/events?after=" + ApiClient.encode(newest))).page().isEmpty());
    assertEquals(all.size(), store.api().get(store.path("/events?limit=100&after=2020-01-01")).page().size());
    store.api().get(store.path("/events?after=soon")).expectError(400, "parameter_invalid");
    server.createStore("Nosy").api().get(store.path("/events")).expectError(404, "resource_missing");
  }
}
