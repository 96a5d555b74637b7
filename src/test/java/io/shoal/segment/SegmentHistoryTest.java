package io.shoal.segment;

import static io.shoal.engine.support.Events.by;
import static io.shoal.engine.support.Events.order;
import static io.shoal.engine.support.Events.refund;
import static io.shoal.engine.support.StoreDriver.cond;
import static io.shoal.engine.support.StoreDriver.rules;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.shoal.engine.support.Poll;
import io.shoal.engine.support.StoreDriver;
import io.shoal.testing.TestServer;
import io.shoal.testing.TestStore;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code GET .../segments/{id}/history}: per UTC day, the enters and leaves recorded that day and
 * the members at its end, for the dashboard's charts. The per-day counts must agree with the
 * transitions the API lists, and the member line must end at today's member count.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SegmentHistoryTest {

  private static TestServer server;

  @BeforeAll
  static void start() {
    server = TestServer.start();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static JsonObject history(TestStore store, String segment, int days) {
    return store.api().get(store.path("/segments/" + segment + "/history?days=" + days)).expect(200);
  }

  private static LocalDate day(String instant) {
    return Instant.parse(instant).atZone(ZoneOffset.UTC).toLocalDate();
  }

  @Test
  void enteredLeftAndMembersPerDayFollowTheRecordedTransitions() {
    TestStore store = server.createStore("History");
    StoreDriver shop = new StoreDriver(store);
    String segment = shop.dynamicSegment("Spent 100+", rules(cond("total_spent", "gte", 100)));
    String a = shop.newCustomer("a@history.example");
    String b = shop.newCustomer("b@history.example");
    String c = shop.newCustomer("c@history.example");
    Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    shop.send(by(order("1", "150.00", now.minus(2, ChronoUnit.DAYS)), a));  // a enters
    shop.send(by(order("2", "200.00", now.minus(1, ChronoUnit.DAYS)), b));  // b enters
    shop.send(by(order("3", "50.00", now), c));                             // c does not
    shop.send(by(refund("1", "100.00", now), a));                           // a leaves
    shop.awaitMembers(segment, Set.of(b));
    List<JsonObject> transitions = Poll.until("three transitions", () -> shop.transitions(segment), t -> t.size() == 3);

    JsonObject h = history(store, segment, 5);
    assertEquals("segment_history", h.getString("object"));
    assertEquals(segment, h.getString("segment_id"));
    assertEquals(1, h.getLong("member_count"));
    JsonArray days = h.getJsonArray("days");
    assertEquals(5, days.size());
    LocalDate today = LocalDate.now(ZoneOffset.UTC);
    assertEquals(today.toString(), days.getJsonObject(4).getString("date"));
    assertEquals(today.minusDays(4).toString(), days.getJsonObject(0).getString("date"));

    Map<LocalDate, long[]> expected = new HashMap<>();
    for (JsonObject t : transitions) {
      long[] counts = expected.computeIfAbsent(day(t.getString("occurred_at")), d -> new long[2]);
      counts[t.getString("type").endsWith("entered") ? 0 : 1]++;
    }
    LocalDate created = day(h.getString("created_at"));
    long running = 1; // members at the end of today, walked back day by day
    for (int i = 4; i >= 0; i--) {
      JsonObject d = days.getJsonObject(i);
      LocalDate date = LocalDate.parse(d.getString("date"));
      long[] counts = expected.getOrDefault(date, new long[2]);
      assertEquals(counts[0], d.getLong("entered"), () -> "entered on " + d.encode());
      assertEquals(counts[1], d.getLong("left"), () -> "left on " + d.encode());
      if (date.isBefore(created)) {
        assertNull(d.getValue("members"), () -> "no count before the segment existed: " + d.encode());
      } else {
        assertEquals(running, d.getLong("members"), () -> "members at the end of " + d.encode());
      }
      running -= counts[0] - counts[1];
    }
    assertEquals(2, days.stream().mapToLong(o -> ((JsonObject) o).getLong("entered")).sum());
    assertEquals(1, days.stream().mapToLong(o -> ((JsonObject) o).getLong("left")).sum());
  }

  @Test
  void aStaticSegmentHasAFlatLineAtItsMemberCount() {
    TestStore store = server.createStore("Static history");
    StoreDriver shop = new StoreDriver(store);
    String a = shop.newCustomer("a@static.example");
    String b = shop.newCustomer("b@static.example");
    String segment = shop.createSegment(new JsonObject().put("name", "VIP list").put("type", "static")
        .put("customer_ids", new JsonArray().add(a).add(b))).getString("id");
    JsonObject h = history(store, segment, 2);
    assertEquals(2, h.getLong("member_count"));
    JsonObject today = h.getJsonArray("days").getJsonObject(1);
    assertEquals(2, today.getLong("members"));
    assertEquals(0, today.getLong("entered"));
    assertNull(h.getJsonArray("days").getJsonObject(0).getValue("members"), "created today");
  }

  @Test
  void badDaysUnknownSegmentsAndOtherStoresAnswer4xx() {
    TestStore store = server.createStore("History errors");
    TestStore other = server.createStore("Other");
    String segment = new StoreDriver(store).dynamicSegment("Any", rules(cond("total_orders", "gte", 1)));
    store.api().get(store.path("/segments/" + segment + "/history?days=0")).expectError(400, "parameter_invalid");
    store.api().get(store.path("/segments/" + segment + "/history?days=367")).expectError(400, "parameter_invalid");
    store.api().get(store.path("/segments/seg_nope/history")).expectError(404, "resource_missing");
    other.api().get(store.path("/segments/" + segment + "/history")).expectError(404, "resource_missing");
    assertEquals(30, history(store, segment, 30).getJsonArray("days").size());
    assertEquals(30, store.api().get(store.path("/segments/" + segment + "/history")).expect(200)
        .getJsonArray("days").size(), "30 days by default");
  }
}
