package io.shoal.segment;

import static io.shoal.engine.support.Events.by;
import static io.shoal.engine.support.Events.order;
import static io.shoal.engine.support.Events.pageView;
import static io.shoal.engine.support.StoreDriver.cond;
import static io.shoal.engine.support.StoreDriver.rules;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shoal.engine.support.Poll;
import io.shoal.engine.support.StoreDriver;
import io.shoal.testing.TestServer;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Rules relative to now change their answer with no event at all: a customer whose last order
 * grows older than N seconds leaves at that instant (within a second), cause {@code time}, and
 * the next such instant is scheduled again by the next order. Seconds keep the tests short.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class TimeTransitionsTest {

  /** How late after the exact instant a time transition may be. */
  private static final Duration PROMPTNESS = Duration.ofSeconds(1);

  private static TestServer server;
  private StoreDriver shop;

  @BeforeAll
  static void start() {
    server = TestServer.start();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @BeforeEach
  void aStore() {
    shop = new StoreDriver(server.createStore("Time"));
  }

  private static Instant nowMillis() {
    return Instant.now().truncatedTo(ChronoUnit.MILLIS);
  }

  @Test
  void aCustomerLeavesWhenTheirLastOrderGrowsOlderThanTheWindowAndReentersWithTheNextOrder() {
    String recent = shop.dynamicSegment("Ordered in the last 4 s", rules(cond("last_order_at", "after", "4_seconds_ago")));
    String c = shop.newCustomer("recent@example.com");

    Instant firstOrder = nowMillis();
    JsonObject first = shop.send(by(order("1", "10.00", firstOrder), c));
    shop.awaitMembers(recent, Set.of(c));
    Instant flip = firstOrder.plusSeconds(4);
    JsonObject left = awaitTransition(recent, c, 2, flip);
    assertEquals("customer.segment.left", left.getString("type"));
    assertEquals("time", left.getString("cause"));
    assertNull(left.getString("event_id"), "no event caused it");
    assertWithin(flip, left);
    assertEquals(Set.of(), shop.members(recent));
    assertEquals(0, shop.segment(recent).getInteger("customer_count"));

    // The next order brings the customer back, and the next leave is scheduled from it.
    Instant secondOrder = nowMillis();
    JsonObject second = shop.send(by(order("2", "10.00", secondOrder), c));
    JsonObject reentered = awaitTransition(recent, c, 3, secondOrder);
    assertEquals("customer.segment.entered", reentered.getString("type"));
    assertEquals("event", reentered.getString("cause"));
    assertEquals(second.getString("id"), reentered.getString("event_id"));
    JsonObject leftAgain = awaitTransition(recent, c, 4, secondOrder.plusSeconds(4));
    assertEquals("customer.segment.left", leftAgain.getString("type"));
    assertEquals("time", leftAgain.getString("cause"));
    assertWithin(secondOrder.plusSeconds(4), leftAgain);

    List<JsonObject> all = shop.transitions(recent, c);
    assertEquals(4, all.size(), all::toString);
    assertEquals(first.getString("id"), all.get(0).getString("event_id"));
  }

  @Test
  void aCustomerEntersALapsedSegmentByTimeAloneAndALaterOrderPushesTheInstantBack() {
    String lapsed = shop.dynamicSegment("No order for 3 s", rules(
        cond("total_orders", "gte", 1), cond("last_order_at", "before", "3_seconds_ago")));
    String c = shop.newCustomer("lapsing@example.com");
    Instant firstOrder = nowMillis();
    shop.send(by(order("1", "10.00", firstOrder), c));
    shop.awaitOrders(c, 1);

    // An order 1.5 s later moves the instant: nothing may happen at the first one.
    Poll.sleepUntil(firstOrder.plusMillis(1500));
    Instant secondOrder = nowMillis();
    shop.send(by(order("2", "10.00", secondOrder), c));
    shop.awaitOrders(c, 2);
    Instant flip = secondOrder.plusSeconds(3);
    JsonObject entered = awaitTransition(lapsed, c, 1, flip);
    assertEquals("customer.segment.entered", entered.getString("type"));
    assertEquals("time", entered.getString("cause"));
    assertWithin(flip, entered);
    assertEquals(Set.of(c), shop.members(lapsed));
    assertEquals(1, shop.transitions(lapsed, c).size(), "no enter at the first order's instant");
  }

  @Test
  void withinLastOnLastSeenAtExpiresEachCustomerAtItsOwnInstant() {
    String active = shop.dynamicSegment("Seen in the last 3 s", rules(cond("last_seen_at", "within_last", "3_seconds")));
    String early = shop.newCustomer("early@example.com");
    String late = shop.newCustomer("late@example.com");
    Instant earlyAt = nowMillis();
    shop.send(by(pageView("/", earlyAt), early));
    Poll.sleepUntil(earlyAt.plusMillis(1200));
    Instant lateAt = nowMillis();
    shop.send(by(pageView("/", lateAt), late));
    shop.awaitMembers(active, Set.of(early, late));

    JsonObject earlyLeft = awaitTransition(active, early, 2, earlyAt.plusSeconds(3));
    assertWithin(earlyAt.plusSeconds(3), earlyLeft);
    assertEquals("time", earlyLeft.getString("cause"));
    assertTrue(shop.members(active).contains(late) || Instant.now().isAfter(lateAt.plusSeconds(3)),
        "the later customer is still in until its own instant");
    JsonObject lateLeft = awaitTransition(active, late, 2, lateAt.plusSeconds(3));
    assertWithin(lateAt.plusSeconds(3), lateLeft);
    assertEquals(Set.of(), shop.members(active));
  }

  // --- helpers ----------------------------------------------------------------------------------

  /** Waits (past {@code expectedAt} plus a margin) until the customer has this many transitions; answers the last. */
  private JsonObject awaitTransition(String segment, String customer, int count, Instant expectedAt) {
    Duration wait = Duration.between(Instant.now(), expectedAt).plus(Poll.DEFAULT);
    List<JsonObject> transitions = Poll.until("transition " + count + " of " + customer, wait,
        () -> shop.transitions(segment, customer), t -> t.size() >= count);
    assertEquals(count, transitions.size(), transitions::toString);
    return transitions.get(count - 1);
  }

  /** The transition happened at the instant the rule flipped, or less than a second after it. */
  private static void assertWithin(Instant flip, JsonObject transition) {
    Instant at = Instant.parse(transition.getString("occurred_at"));
    assertFalse(at.isBefore(flip), () -> "too early: flip at " + flip + ", " + transition.encode());
    assertTrue(!at.isAfter(flip.plus(PROMPTNESS)), () -> "later than " + PROMPTNESS + " after " + flip + ": "
        + transition.encode());
  }
}
