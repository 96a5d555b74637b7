package io.shoal.event;

import static io.shoal.engine.support.Events.by;
import static io.shoal.engine.support.Events.cart;
import static io.shoal.engine.support.Events.event;
import static io.shoal.engine.support.Events.order;
import static io.shoal.engine.support.Events.pageView;
import static io.shoal.engine.support.Events.refund;
import static io.shoal.engine.support.StoreDriver.money;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shoal.engine.support.StoreDriver;
import io.shoal.testing.TestServer;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** What events add to the customer object (aggregates, last seen, open cart) and to its timeline. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class CustomerAggregatesTest {

  private static final Instant T0 = Instant.parse("2025-03-01T09:30:00Z");

  private static TestServer server;
  private StoreDriver shop;
  private String customer;

  @BeforeAll
  static void start() {
    server = TestServer.start();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @BeforeEach
  void aCustomer() {
    shop = new StoreDriver(server.createStore("Aggregates"));
    customer = shop.newCustomer("agg@example.com");
  }

  private static Instant hour(int n) {
    return T0.plusSeconds(3600L * n);
  }

  @Test
  void aNewCustomerHasEmptyAggregates() {
    JsonObject c = shop.customer(customer);
    assertEquals(0, c.getInteger("total_orders"));
    assertEquals(new BigDecimal("0.00"), money(c, "total_spent"));
    assertEquals(new BigDecimal("0.00"), money(c, "average_order_value"));
    assertNull(c.getString("first_order_at"));
    assertNull(c.getString("last_order_at"));
    assertNull(c.getString("last_seen_at"));
    assertNull(c.getValue("cart"));
  }

  @Test
  void ordersMakeTotalsAverageAndFirstAndLastOrder() {
    shop.send(by(order("1001", "19.99", hour(5)), customer));
    shop.send(by(order("1002", "100.01", hour(1)), customer));
    shop.send(by(order("1003", "30.00", hour(9)), customer));
    shop.send(by(refund("1003", "0.50", hour(10)), customer));
    JsonObject c = shop.barrier(customer);
    assertEquals(3, c.getInteger("total_orders"));
    assertEquals(new BigDecimal("149.50"), money(c, "total_spent"));
    assertEquals(new BigDecimal("49.83"), money(c, "average_order_value"));
    assertEquals("2025-03-01T10:30:00.000Z", c.getString("first_order_at"));
    assertEquals("2025-03-01T18:30:00.000Z", c.getString("last_order_at"));
  }

  @Test
  void lastSeenAtIsTheLatestEventOfAnyKindWhateverTheArrivalOrder() {
    shop.send(by(pageView("/b", hour(7)), customer));
    shop.send(by(event("custom.newsletter_opened", hour(3), new JsonObject()), customer));
    shop.send(by(order("1", "5.00", hour(2)), customer));
    JsonObject c = shop.awaitOrders(customer, 1);
    assertEquals("2025-03-01T16:30:00.000Z", c.getString("last_seen_at"), "the page view at hour 7, sent first");
    assertEquals("2025-03-01T11:30:00.000Z", c.getString("last_order_at"));
  }

  @Test
  void aCartIsOpenUntilAnOrderAtOrAfterItClosesIt() {
    shop.send(by(cart("cart-9", "42.50", 3, hour(1)), customer));
    JsonObject open = shop.barrier(customer);
    JsonObject cart = open.getJsonObject("cart");
    assertNotNull(cart, open::encode);
    assertEquals("cart-9", cart.getString("cart_id"));
    assertEquals(new BigDecimal("42.50"), money(cart, "value"));
    assertEquals(3, cart.getInteger("item_count"));
    assertEquals("2025-03-01T10:30:00.000Z", cart.getString("updated_at"));

    shop.send(by(cart("cart-9", "55.00", 4, hour(2)), customer));
    shop.send(by(cart("cart-9", "10.00", 1, hour(1).minusSeconds(60)), customer)); // an older update, late
    JsonObject updated = shop.barrier(customer).getJsonObject("cart");
    assertEquals(new BigDecimal("55.00"), money(updated, "value"), "the latest cart update wins");
    assertEquals(4, updated.getInteger("item_count"));

    shop.send(by(order("7", "55.00", hour(3)), customer));
    JsonObject closed = shop.awaitOrders(customer, 1);
    assertNull(closed.getValue("cart"), () -> "the order closes the cart: " + closed.encode());

    shop.send(by(cart("cart-10", "12.00", 1, hour(2).plusSeconds(1)), customer));
    assertNull(shop.barrier(customer).getValue("cart"),
        "a cart update older than the last order does not reopen it");
    shop.send(by(cart("cart-11", "8.00", 2, hour(4)), customer));
    JsonObject reopened = shop.barrier(customer).getJsonObject("cart");
    assertEquals("cart-11", reopened.getString("cart_id"), "a new cart after the order is open");
  }

  @Test
  void theTimelineShowsOrdersPageViewsAndCustomEventsNewestFirstAndFiltersByType() {
    shop.send(by(order("1047", "25.50", hour(1)), customer));
    shop.send(by(pageView("/products/shoe-42", hour(2)).put("data", new JsonObject()
        .put("url", "/products/shoe-42").put("referrer", "https://search.example")), customer));
    shop.send(by(event("custom.wishlist_added", hour(3), new JsonObject().put("product_id", "shoe-42")), customer));
    shop.send(by(refund("1047", "5.50", hour(4)), customer));
    shop.send(by(cart("c-1", "9.99", 1, hour(5)), customer));

    List<JsonObject> all = shop.all(shop.customerPath(customer) + "/activity");
    List<String> types = all.stream().map(e -> e.getString("type")).toList();
    assertEquals(List.of("profile", "cart", "refund", "custom", "page_view", "order"), types,
        "newest first: the profile was created now, the events in 2025");

    JsonObject order = all.get(5);
    assertEquals("Order #1047 placed", order.getString("title"));
    assertEquals(new BigDecimal("25.50"), money(order, "amount"));
    assertEquals("1047", order.getString("order_id"));
    assertEquals("2025-03-01T10:30:00.000Z", order.getString("occurred_at"));
    assertTrue(order.getString("event_id").startsWith("evt_"));
    JsonObject view = all.get(4);
    assertEquals("Viewed: /products/shoe-42", view.getString("title"));
    assertEquals("/products/shoe-42", view.getString("url"));
    assertEquals("https://search.example", view.getString("referrer"));
    JsonObject custom = all.get(3);
    assertEquals("wishlist_added", custom.getString("title"));
    assertEquals("custom.wishlist_added", custom.getString("event_type"));
    assertEquals("shoe-42", custom.getJsonObject("data").getString("product_id"));
    JsonObject refund = all.get(2);
    assertEquals("Order #1047 refunded", refund.getString("title"));
    assertEquals(new BigDecimal("5.50"), money(refund, "amount"));

    assertEquals(List.of("order"), typesOf("?types=order"));
    assertEquals(List.of("custom", "page_view"), typesOf("?types=page_view,custom"));
    assertEquals(List.of("custom", "page_view"), typesOf("?types=page_view&types=custom"));
    assertEquals(List.of("refund", "custom"), typesOf("?after=2025-03-01T12:30:00Z&before=2025-03-01T14:00:00Z"));
  }

  private List<String> typesOf(String query) {
    return shop.all(shop.customerPath(customer) + "/activity" + query).stream().map(e -> e.getString("type")).toList();
  }
}
