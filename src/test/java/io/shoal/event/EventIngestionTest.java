package io.shoal.event;

import static io.shoal.engine.support.Events.by;
import static io.shoal.engine.support.Events.byEmail;
import static io.shoal.engine.support.Events.byExternalId;
import static io.shoal.engine.support.Events.cancel;
import static io.shoal.engine.support.Events.event;
import static io.shoal.engine.support.Events.order;
import static io.shoal.engine.support.Events.pageView;
import static io.shoal.engine.support.Events.refund;
import static io.shoal.engine.support.Events.withId;
import static io.shoal.engine.support.StoreDriver.cond;
import static io.shoal.engine.support.StoreDriver.money;
import static io.shoal.engine.support.StoreDriver.rules;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shoal.engine.support.Events;
import io.shoal.engine.support.StoreDriver;
import io.shoal.testing.ApiResponse;
import io.shoal.testing.TestServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * {@code POST .../events} and {@code .../events/batch}: who an event is about, when it is
 * accepted, that repeats apply once, that order does not matter, and that bad events are
 * refused with a message naming the field.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
@TestInstance(TestInstance.Lifecycle.PER_CLASS) // one server per class, chosen by startServer()
class EventIngestionTest {

  private static final Instant T0 = Instant.parse("2025-01-01T10:00:00Z");

  private TestServer server;
  private StoreDriver shop;

  /** The server under test; {@link KafkaModeIngestionTest} runs the same tests in Kafka mode. */
  TestServer startServer() {
    return TestServer.start();
  }

  @BeforeAll
  @Timeout(value = 5, unit = TimeUnit.MINUTES) // a busy machine; Kafka mode starts a broker first
  void start() {
    server = startServer();
  }

  @AfterAll
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  @BeforeEach
  void aStore() {
    shop = new StoreDriver(server.createStore("Events"));
  }

  private static Instant day(int n) {
    return T0.plusSeconds(86_400L * n);
  }

  // --- who the event is about -----------------------------------------------------------------

  @Test
  void anUnknownEmailCreatesTheCustomerAndTheSameEmailFindsItAgain() {
    JsonObject first = shop.send(Events.event("page.viewed", day(0), new JsonObject().put("url", "/"))
        .put("customer", new JsonObject().put("email", "ada@example.com").put("first_name", "Ada")
            .put("tags", new JsonArray().add("newsletter"))));
    assertEquals("event", first.getString("object"));
    assertTrue(first.getString("id").startsWith("evt_"), first::encode);
    assertEquals("page.viewed", first.getString("type"));
    assertEquals("accepted", first.getString("status"));
    assertEquals("2025-01-01T10:00:00.000Z", first.getString("occurred_at"));
    String id = first.getString("customer_id");
    assertTrue(id.startsWith("cust_"), first::encode);

    JsonObject customer = shop.customer(id);
    assertEquals("ada@example.com", customer.getString("email"));
    assertEquals("Ada", customer.getString("first_name"));
    assertEquals(new JsonArray().add("newsletter"), customer.getJsonArray("tags"));

    JsonObject again = shop.send(byEmail(order("1", "10.00", day(1)), "ADA@example.com"));
    assertEquals(id, again.getString("customer_id"), "the email is matched case-insensitively");
    assertEquals(1, shop.all(shop.path("/customers")).size(), "no second customer");
  }

  @Test
  void anExternalIdIdentifiesAndCreatesCustomersAndAKnownPhoneFindsOne() {
    String byExternal = shop.send(byExternalId(order("1", "5.00", day(0)), "shopify-77")).getString("customer_id");
    assertEquals("shopify-77", shop.customer(byExternal).getString("external_id"));
    assertEquals(byExternal, shop.send(byExternalId(order("2", "5.00", day(1)), "shopify-77")).getString("customer_id"));

    String withPhone = shop.newCustomer(new JsonObject().put("email", "p@example.com").put("phone", "+33123456789"));
    JsonObject byPhone = shop.send(pageView("/", day(2)).put("customer", new JsonObject().put("phone", "+33123456789")));
    assertEquals(withPhone, byPhone.getString("customer_id"));

    // A phone alone cannot create a customer: the store must name new people by email or external id.
    JsonObject error = shop.sendRaw(pageView("/", day(2)).put("customer", new JsonObject().put("phone", "+1555000")))
        .expectError(404, "resource_missing");
    assertEquals("customer.phone", error.getString("param"));
  }

  @Test
  void anUnknownCustomerIdIs404AndNothingIsCreated() {
    JsonObject error = shop.sendRaw(by(order("1", "10.00", day(0)), "cust_doesnotexist"))
        .expectError(404, "resource_missing");
    assertEquals("customer_id", error.getString("param"));
    assertTrue(error.getString("message").contains("cust_doesnotexist"), error::encode);
    assertEquals(0, shop.all(shop.path("/customers")).size());
  }

  /**
   * An accepted event's id begins with the time it was made, in milliseconds (Ids.newRecordId):
   * the log's (store_id, id) key and its order's notification's take a new id at their end, not
   * on a random leaf. The rest of the id is random, so ids made in one millisecond differ.
   */
  @Test
  void anEventsIdBeginsWithTheTimeItWasAccepted() {
    String customer = shop.newCustomer("ids@example.com");
    long before = System.currentTimeMillis();
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      ids.add(shop.send(by(order("ids-" + i, "1.00", day(0)), customer)).getString("id"));
    }
    ids.add(shop.sendBatch(List.of(by(pageView("/a", day(0)), customer), by(pageView("/b", day(0)), customer)))
        .getJsonArray("results").getJsonObject(1).getString("id"));
    long after = System.currentTimeMillis();
    for (String id : ids) {
      long made = io.shoal.testing.IdTimes.millisOf(id);
      assertTrue(made >= before && made <= after, id + " was not made between " + before + " and " + after + ": " + made);
    }
    assertEquals(ids.size(), Set.copyOf(ids).size(), "an id came twice: " + ids);
  }

  @Test
  void anAcceptedEventIsInTheLogWhenThe202Arrives() {
    String customer = shop.newCustomer("log@example.com");
    JsonObject accepted = shop.send(by(order("1047", "25.50", day(0)), customer));
    // No waiting: the timeline reads the log, and the 202 promises the event is already there.
    List<JsonObject> activity = shop.api().get(shop.customerPath(customer) + "/activity?types=order").page();
    assertEquals(1, activity.size(), activity::toString);
    assertEquals(accepted.getString("id"), activity.get(0).getString("event_id"));
  }

  // --- repeats --------------------------------------------------------------------------------

  @Test
  void theSameClientIdTwiceIsAppliedOnceAndTheRepeatAnswersTheFirstEvent() {
    String customer = shop.newCustomer("twice@example.com");
    JsonObject first = shop.send(withId(by(order("A-1", "40.00", day(0)), customer), "shop-event-1"));
    assertEquals("accepted", first.getString("status"));

    JsonObject repeat = shop.send(withId(by(order("A-1", "40.00", day(0)), customer), "shop-event-1"));
    assertEquals("duplicate", repeat.getString("status"));
    assertEquals(first.getString("id"), repeat.getString("id"));
    assertEquals(first.getString("customer_id"), repeat.getString("customer_id"));

    // Even a repeat with other content is the first event: the id is what identifies it.
    JsonObject changed = shop.send(withId(by(order("A-2", "999.00", day(1)), customer), "shop-event-1"));
    assertEquals("duplicate", changed.getString("status"));
    assertEquals(first.getString("id"), changed.getString("id"));

    JsonObject c = shop.barrier(customer);
    assertEquals(1, c.getInteger("total_orders"));
    assertEquals(new BigDecimal("40.00"), money(c, "total_spent"));
    assertEquals(1, shop.api().get(shop.customerPath(customer) + "/activity?types=order").page().size());
  }

  @Test
  void anIdempotencyKeyReplaysTheFirstAnswerAndRefusesAnotherRequest() {
    String customer = shop.newCustomer("idem@example.com");
    JsonObject event = by(order("K-1", "12.00", day(0)), customer);
    ApiResponse first = shop.api().post(shop.path("/events"), event, "key-123");
    JsonObject accepted = first.expect(202);

    ApiResponse replay = shop.api().post(shop.path("/events"), event, "key-123");
    assertEquals(accepted, replay.expect(202));
    assertEquals("true", replay.header("Idempotent-Replayed"));

    shop.api().post(shop.path("/events"), by(order("K-2", "13.00", day(0)), customer), "key-123")
        .expectError(409, "idempotency_key_reused");

    JsonObject c = shop.barrier(customer);
    assertEquals(1, c.getInteger("total_orders"));
    assertEquals(new BigDecimal("12.00"), money(c, "total_spent"));
  }

  // --- order semantics ------------------------------------------------------------------------

  /**
   * The same orders, refunds and cancellations applied in time order to one customer and in
   * reverse to another (refunds and cancellations before their orders) give equal aggregates.
   */
  @Test
  void eventsInAnyOrderOfOccurredAtGiveTheSameAggregates() {
    List<JsonObject> story = List.of(
        order("E", "70.00", day(0)),        // the earliest order, cancelled below
        order("A", "100.00", day(1)),
        order("B", "50.00", day(2)),
        refund("A", "20.00", day(3)),
        order("D", "10.50", day(4)),
        refund("B", "5.25", day(5)),
        order("C", "30.00", day(6)),        // the latest order, cancelled below
        cancel("C", day(7)),
        cancel("E", day(8)),
        refund("B", "4.75", day(9)));
    List<JsonObject> reversed = new ArrayList<>(story);
    Collections.reverse(reversed);
    List<JsonObject> shuffled = new ArrayList<>(story);
    Collections.shuffle(shuffled, new java.util.Random(7));

    String inOrder = shop.newCustomer("in-order@example.com");
    String backwards = shop.newCustomer("backwards@example.com");
    String mixed = shop.newCustomer("mixed@example.com");
    story.forEach(e -> shop.send(by(e, inOrder)));
    reversed.forEach(e -> shop.send(by(e, backwards)));
    shuffled.forEach(e -> shop.send(by(e, mixed)));

    for (String id : List.of(inOrder, backwards, mixed)) {
      JsonObject c = shop.barrier(id);
      String who = id.equals(inOrder) ? "in order" : id.equals(backwards) ? "reversed" : "shuffled";
      // A (80.00) + B (40.00) + D (10.50); C and E were cancelled.
      assertEquals(3, c.getInteger("total_orders"), who);
      assertEquals(new BigDecimal("130.50"), money(c, "total_spent"), who);
      assertEquals(new BigDecimal("43.50"), money(c, "average_order_value"), who);
      assertEquals("2025-01-02T10:00:00.000Z", c.getString("first_order_at"), who);
      assertEquals("2025-01-05T10:00:00.000Z", c.getString("last_order_at"), who);
    }
  }

  @Test
  void aRefundBeforeItsOrderWaitsForItAndACancelledOrderDoesNotCount() {
    String customer = shop.newCustomer("refunds@example.com");
    shop.send(by(refund("R", "15.00", day(1)), customer));
    JsonObject afterRefundAlone = shop.barrier(customer);
    assertEquals(0, afterRefundAlone.getInteger("total_orders"), "a refund is not an order");
    assertEquals(new BigDecimal("0.00"), money(afterRefundAlone, "total_spent"));

    shop.send(by(order("R", "60.00", day(0)), customer));
    JsonObject withOrder = shop.barrier(customer);
    assertEquals(1, withOrder.getInteger("total_orders"));
    assertEquals(new BigDecimal("45.00"), money(withOrder, "total_spent"), "the earlier refund subtracts");

    shop.send(by(order("X", "25.00", day(2)), customer));
    shop.send(by(cancel("X", day(3)), customer));
    shop.send(by(cancel("Y", day(4)), customer));
    shop.send(by(order("Y", "99.00", day(2)), customer));
    JsonObject c = shop.barrier(customer);
    assertEquals(1, c.getInteger("total_orders"), "cancelled orders do not count, whichever arrives first");
    assertEquals(new BigDecimal("45.00"), money(c, "total_spent"));
    assertEquals("2025-01-01T10:00:00.000Z", c.getString("last_order_at"), "a cancelled order is not the last order");
  }

  @Test
  void everyEventTypeIsAccepted() {
    String customer = shop.newCustomer("types@example.com");
    List<JsonObject> events = List.of(
        order("1", "10.00", day(0)),
        refund("1", "1.00", day(1)),
        cancel("2", day(1)),
        Events.cart("cart-1", "19.99", 2, day(2)),
        event("checkout.started", day(2), new JsonObject().put("cart_id", "cart-1").put("total", 19.99)),
        pageView("/products/1", day(3)),
        event("customer.updated", day(3), new JsonObject()),
        event("custom.wishlist_added", day(4), new JsonObject().put("product_id", "p-9")),
        event("custom.x", day(4), new JsonObject()));
    for (JsonObject e : events) {
      JsonObject accepted = shop.send(by(e, customer));
      assertEquals(e.getString("type"), accepted.getString("type"));
      assertEquals("accepted", accepted.getString("status"));
      assertEquals(customer, accepted.getString("customer_id"));
    }
  }

  @Test
  void badEventsAre400NamingTheFieldAndNothingIsApplied() {
    String customer = shop.newCustomer("bad@example.com");
    JsonObject good = by(order("1", "10.00", day(0)), customer);
    assertRefused(by(event("order.completed", day(0), new JsonObject().put("total", 10)), customer),
        "parameter_missing", "data.order_id");
    assertRefused(by(order("1", "-5.00", day(0)), customer), "parameter_invalid", "data.total");
    assertRefused(good.copy().put("occurred_at", "yesterday"), "parameter_invalid", "occurred_at");
    assertRefused(good.copy().put("occurred_at", "2025-01-01T10:00:00"), "parameter_invalid", "occurred_at");
    assertRefused(good.copy().put("colour", "blue"), "parameter_unknown", "colour");
    assertRefused(good.copy().put("customer", new JsonObject().put("email", "bad@example.com")),
        "parameter_invalid", "customer_id");
    assertRefused(good.copy().put("type", "order.exploded"), "parameter_invalid", "type");
    assertRefused(good.copy().put("type", "custom.Shouting"), "parameter_invalid", "type");
    assertRefused(new JsonObject().put("type", "page.viewed"), "parameter_invalid", "customer_id");
    assertRefused(by(order("1", "10.00", Instant.now().plusSeconds(3 * 86_400)), customer),
        "parameter_invalid", "occurred_at");
    assertRefused(by(event("order.refunded", day(0), new JsonObject().put("order_id", "1")), customer),
        "parameter_missing", "data.amount");

    JsonObject c = shop.barrier(customer);
    assertEquals(0, c.getInteger("total_orders"), "no refused event was applied");
  }

  private void assertRefused(JsonObject event, String code, String param) {
    JsonObject error = shop.sendRaw(event).expectError(400, code);
    assertEquals(param, error.getString("param"), error::encode);
    assertTrue(error.getString("message").contains(param.substring(param.lastIndexOf('.') + 1)),
        () -> "the message should name " + param + ": " + error.encode());
  }

  // --- batches --------------------------------------------------------------------------------

  @Test
  void aBatchAnswersOneResultPerEventInOrderAndRefusesABadOneAlone() {
    String customer = shop.newCustomer("batch@example.com");
    List<JsonObject> events = List.of(
        withId(by(order("1", "10.00", day(0)), customer), "b-1"),
        byEmail(order("2", "20.00", day(1)), "new-in-batch@example.com"),
        by(order("3", "-1", day(2)), customer),
        withId(by(order("4", "40.00", day(3)), customer), "b-1"),
        by(order("5", "50.00", day(4)), customer));
    JsonObject result = shop.sendBatch(events);
    assertEquals("event_batch", result.getString("object"));
    assertEquals(3, result.getInteger("accepted"), result::encode);
    assertEquals(1, result.getInteger("duplicates"), result::encode);
    assertEquals(1, result.getInteger("rejected"), result::encode);
    JsonArray results = result.getJsonArray("results");
    assertEquals(5, results.size());
    for (int i = 0; i < 5; i++) {
      assertEquals(i, results.getJsonObject(i).getInteger("index"));
    }
    assertEquals("accepted", results.getJsonObject(0).getString("status"));
    assertEquals("accepted", results.getJsonObject(1).getString("status"));
    JsonObject rejected = results.getJsonObject(2);
    assertEquals("rejected", rejected.getString("status"));
    assertEquals("events[2].data.total", rejected.getJsonObject("error").getString("param"), rejected::encode);
    assertNull(rejected.getString("id"));
    JsonObject duplicate = results.getJsonObject(3);
    assertEquals("duplicate", duplicate.getString("status"));
    assertEquals(results.getJsonObject(0).getString("id"), duplicate.getString("id"));
    assertEquals("accepted", results.getJsonObject(4).getString("status"));

    JsonObject c = shop.barrier(customer);
    assertEquals(2, c.getInteger("total_orders"), "orders 1 and 5: the bad one and the repeat are not applied");
    assertEquals(new BigDecimal("60.00"), money(c, "total_spent"));
    String created = results.getJsonObject(1).getString("customer_id");
    assertNotEquals(customer, created);
    assertEquals(1, shop.awaitOrders(created, 1).getInteger("total_orders"));
  }

  @Test
  void aBatchHoldsUpTo1000Events() {
    String customer = shop.newCustomer("thousand@example.com");
    List<JsonObject> thousand = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      thousand.add(by(order("o-" + i, "1.00", day(0).plusSeconds(i)), customer));
    }
    JsonObject result = shop.sendBatch(thousand);
    assertEquals(1000, result.getInteger("accepted"));
    assertEquals(1000, result.getJsonArray("results").size());
    assertEquals(new BigDecimal("1000.00"), money(shop.awaitOrders(customer, 1000), "total_spent"));

    List<JsonObject> tooMany = new ArrayList<>(thousand);
    tooMany.add(by(order("o-1000", "1.00", day(1)), customer));
    JsonObject error = shop.api().post(shop.path("/events/batch"), new JsonObject().put("events", new JsonArray(tooMany)))
        .expectError(400, null);
    assertEquals("events", error.getString("param"));
    assertTrue(error.getString("message").contains("1000"), error::encode);

    shop.api().post(shop.path("/events/batch"), new JsonObject().put("events", new JsonArray()))
        .expectError(400, null);
    JsonObject c = shop.barrier(customer);
    assertEquals(1000, c.getInteger("total_orders"), "a refused batch applies nothing");
  }

  // --- profiles carried by events -------------------------------------------------------------

  @Test
  void aCustomerUpdatedEventChangesTheProfileAndMovesATagSegment() {
    String customer = shop.newCustomer(new JsonObject().put("email", "vip@example.com").put("tags", new JsonArray().add("new")));
    String vip = shop.dynamicSegment("VIPs", rules(cond("tags", "contains", "vip")));
    assertEquals(Set.of(), shop.members(vip));

    JsonObject accepted = shop.send(event("customer.updated", null, new JsonObject())
        .put("customer", new JsonObject().put("email", "vip@example.com").put("first_name", "Vera")
            .put("tags", new JsonArray().add("vip").add("wholesale"))));
    assertEquals(customer, accepted.getString("customer_id"));
    JsonObject c = shop.customer(customer);
    assertEquals(new JsonArray().add("vip").add("wholesale"), c.getJsonArray("tags"));
    assertEquals("Vera", c.getString("first_name"));

    shop.awaitMembers(vip, Set.of(customer));
    List<JsonObject> transitions = shop.transitions(vip);
    assertEquals(1, transitions.size(), transitions::toString);
    assertEquals("customer.segment.entered", transitions.get(0).getString("type"));
    assertEquals("event", transitions.get(0).getString("cause"));
    assertEquals(accepted.getString("id"), transitions.get(0).getString("event_id"));

    shop.send(event("customer.updated", null, new JsonObject())
        .put("customer", new JsonObject().put("email", "vip@example.com").put("tags", new JsonArray().add("lapsed"))));
    shop.awaitMembers(vip, Set.of());
    assertEquals("customer.segment.left", shop.transitions(vip).get(1).getString("type"));
  }
}
