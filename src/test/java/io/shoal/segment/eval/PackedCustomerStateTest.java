package io.shoal.segment.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shoal.event.LoggedEvent;
import io.shoal.metrics.MetricsSettings;
import io.shoal.metrics.live.LiveMetrics;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A customer loaded at start keeps its stored behaviour (cart, orders, event times) packed in the
 * stored bytes ({@link CustomerState#pack}) until first read or changed: every fact, the bytes it
 * writes back, its cart and its metrics are those of the customer decoded in full.
 */
class PackedCustomerStateTest {

  private static final String STORE = "store_p";
  private final Instant t0 = Instant.parse("2026-12-01T10:00:00Z");
  private final LiveMetrics metrics = new LiveMetrics(true, MetricsSettings.DEFAULT);
  private long seq;

  private LoggedEvent event(String type, JsonObject data, Instant at) {
    seq++;
    return new LoggedEvent(seq, STORE, "evt_" + seq, type, "cust_1", at, at, data);
  }

  private CustomerState busyCustomer() {
    CustomerState c = new CustomerState(STORE, "cust_1", metrics);
    JsonArray items = new JsonArray().add(new JsonObject().put("product_id", "p1").put("category_id", "cat1")
        .put("quantity", 1).put("price", 10));
    c.apply(event("order.completed", new JsonObject().put("order_id", "o1").put("total", "120.50").put("items", items),
        t0));
    c.apply(event("order.refunded", new JsonObject().put("order_id", "o1").put("amount", 20.25), t0.plusSeconds(60)));
    c.apply(event("order.completed", new JsonObject().put("order_id", "o2").put("total", "33.10").put("items", items),
        t0.plusSeconds(86_400)));
    for (int i = 0; i < 12; i++) {
      c.apply(event("page.viewed", new JsonObject().put("url", "/" + i), t0.plusSeconds(i * 600L)));
    }
    c.apply(event("cart.updated", new JsonObject().put("cart_id", "cart-9").put("total", "49.90")
        .put("items", new JsonArray().add(new JsonObject().put("product_id", "p3").put("quantity", 3))),
        t0.plusSeconds(2 * 86_400)));
    c.appliedSeq = 4_321L;
    c.nextCheckAt = t0.plusSeconds(90 * 86_400L).toEpochMilli();
    return c;
  }

  private static final List<String> FIELDS = List.of("total_orders", "total_spent", "average_order_value",
      "first_order_at", "last_order_at", "last_seen_at", "cart.value", "cart.item_count", "cart.updated_at",
      "products_bought", "categories_bought");

  /** As the start loads it: the header and the orders' amounts read, the behaviour part kept packed. */
  private CustomerState loadedPacked(byte[] bytes) {
    CustomerState c = new CustomerState(STORE, "cust_1", metrics);
    c.loadPacked(bytes);
    return c;
  }

  /** As the start loaded it before the twenty-eighth pass: decoded in full, then packed. */
  private CustomerState decodedThenPacked(byte[] bytes, LiveMetrics m) {
    CustomerState c = new CustomerState(STORE, "cust_1", m);
    c.loadBytes(bytes);
    c.pack(bytes);
    return c;
  }

  @Test
  void a_state_loaded_packed_without_decoding_its_behaviour_is_the_one_decoded_in_full_then_packed() {
    CustomerState odd = busyCustomer();
    // amounts that are not whole cents, a cancelled order, an order known from its refund only
    odd.apply(event("order.completed", new JsonObject().put("order_id", "o3").put("total", "10.005"),
        t0.plusSeconds(3 * 86_400)));
    odd.apply(event("order.completed", new JsonObject().put("order_id", "o4").put("total", "7"),
        t0.plusSeconds(4 * 86_400)));
    odd.apply(event("order.cancelled", new JsonObject().put("order_id", "o4"), t0.plusSeconds(5 * 86_400)));
    odd.apply(event("order.refunded", new JsonObject().put("order_id", "o5").put("amount", "1.5"),
        t0.plusSeconds(6 * 86_400)));
    CustomerState none = new CustomerState(STORE, "cust_1", metrics);
    none.apply(event("page.viewed", new JsonObject().put("url", "/"), t0));
    long now = t0.plusSeconds(20 * 86_400).toEpochMilli();
    for (CustomerState s : List.of(busyCustomer(), odd, none, new CustomerState(STORE, "cust_1", metrics))) {
      byte[] bytes = s.toBytes();
      LiveMetrics before = new LiveMetrics(true, MetricsSettings.DEFAULT);
      LiveMetrics after = new LiveMetrics(true, MetricsSettings.DEFAULT);
      CustomerState old = decodedThenPacked(bytes, before);
      old.countInMetrics();
      CustomerState loaded = new CustomerState(STORE, "cust_1", after);
      loaded.loadPacked(bytes);
      loaded.countInMetrics();
      assertTrue(loaded.isPacked());
      assertFalse(loaded.aggregatesDirty, "as loaded, the aggregates match the customers row");
      assertArrayEquals(old.toBytes(), loaded.toBytes());
      assertEquals(old.totalOrders(), loaded.totalOrders());
      assertEquals(old.totalSpent(), loaded.totalSpent());
      assertEquals(old.firstOrderAt(), loaded.firstOrderAt());
      assertEquals(old.lastOrderAt(), loaded.lastOrderAt());
      assertEquals(old.lastSeenAt(), loaded.lastSeenAt());
      assertEquals(old.nextCheckAt, loaded.nextCheckAt);
      assertEquals(old.appliedSeq, loaded.appliedSeq);
      assertEquals(old.cartJson(), loaded.cartJson());
      assertEquals(old.purchaseLog().total(), loaded.purchaseLog().total());
      assertEquals(old.metricsAt(now), loaded.metricsAt(now));
      assertEquals(before.store(STORE).buyers(), after.store(STORE).buyers(), "the store's buyers counted alike");
      for (String f : FIELDS) {
        assertEquals(old.value(f), loaded.value(f), f);
      }
      assertEquals(old.eventTimes("page.viewed"), loaded.eventTimes("page.viewed"));
    }
    CustomerState loaded = loadedPacked(odd.toBytes());
    assertEquals(3, loaded.totalOrders(), "the cancelled order and the one known from its refund do not count");
    assertEquals(new java.math.BigDecimal("143.36"), loaded.totalSpent(), "100.25 + 33.10 + 10.005, to the cent");
  }

  private CustomerState loadedInFull(byte[] bytes) {
    CustomerState c = new CustomerState(STORE, "cust_1", metrics);
    c.loadBytes(bytes);
    return c;
  }

  @Test
  void a_packed_customer_writes_its_stored_bytes_back_and_answers_its_cart_and_metrics_without_unpacking() {
    byte[] bytes = busyCustomer().toBytes();
    CustomerState packed = loadedPacked(bytes);
    CustomerState full = loadedInFull(bytes);
    assertTrue(packed.isPacked());

    assertArrayEquals(full.toBytes(), packed.toBytes(), "the same bytes as the customer decoded in full");
    assertEquals(full.cartJson(), packed.cartJson());
    assertEquals("cart-9", packed.cartJson().getString("id"));
    assertEquals(full.purchaseLog().total(), packed.purchaseLog().total());
    assertEquals(2, packed.purchaseLog().asOf(t0.plusSeconds(3 * 86_400).toEpochMilli()).x() + 1);
    long now = t0.plusSeconds(10 * 86_400).toEpochMilli();
    assertEquals(full.metricsAt(now), packed.metricsAt(now));
    assertEquals(full.totalOrders(), packed.totalOrders());
    assertEquals(full.totalSpent(), packed.totalSpent());
    assertEquals(full.lastOrderAt(), packed.lastOrderAt());
    assertTrue(packed.isPacked(), "none of those decoded it for good");

    // header fields changed since the load are written with the packed part unchanged
    packed.nextCheckAt = full.nextCheckAt = t0.plusSeconds(91 * 86_400L).toEpochMilli();
    packed.appliedSeq = full.appliedSeq = 5_000L;
    assertArrayEquals(full.toBytes(), packed.toBytes());
    assertNotEquals(bytes.length, 0);
  }

  @Test
  void every_fact_of_a_packed_customer_is_that_of_the_customer_decoded_in_full() {
    byte[] bytes = busyCustomer().toBytes();
    CustomerState full = loadedInFull(bytes);
    for (String f : FIELDS) {
      CustomerState packed = loadedPacked(bytes);
      assertEquals(full.value(f), packed.value(f), f);
    }
    CustomerState packed = loadedPacked(bytes);
    assertEquals(full.eventTimes("page.viewed"), packed.eventTimes("page.viewed"));
    assertFalse(packed.isPacked(), "reading event times decodes it");
    packed = loadedPacked(bytes);
    assertEquals(full.purchaseTimes("product", "p1"), packed.purchaseTimes("product", "p1"));
    assertEquals(2, packed.purchaseTimes("product", "p1").size());
    for (String f : LiveMetrics.FIELDS) {
      assertEquals(full.value(f), loadedPacked(bytes).value(f), f);
    }
  }

  @Test
  void an_event_unpacks_the_customer_and_applies_as_to_the_customer_decoded_in_full() {
    byte[] bytes = busyCustomer().toBytes();
    CustomerState packed = loadedPacked(bytes);
    CustomerState full = loadedInFull(bytes);
    // the refund of o2 and a new order: both need the stored orders
    LoggedEvent refund = event("order.refunded", new JsonObject().put("order_id", "o2").put("amount", "3.10"),
        t0.plusSeconds(3 * 86_400));
    LoggedEvent order = event("order.completed", new JsonObject().put("order_id", "o3").put("total", "7.00"),
        t0.plusSeconds(4 * 86_400));
    for (LoggedEvent e : List.of(refund, order)) {
      assertEquals(full.apply(e), packed.apply(e));
    }
    assertFalse(packed.isPacked());
    for (String f : FIELDS) {
      assertEquals(full.value(f), packed.value(f), f);
    }
    assertEquals(3L, packed.value("total_orders"));
    assertEquals(full.eventTimes("order.completed"), packed.eventTimes("order.completed"));
    assertArrayEquals(full.toBytes(), packed.toBytes());
    CustomerState again = loadedInFull(packed.toBytes());
    assertEquals(full.value("total_spent"), again.value("total_spent"));
  }

  @Test
  void customers_with_the_same_tags_or_metadata_share_one_list_or_array() {
    SharedValues shared = new SharedValues(1 << 8);
    List<String> a = shared.shareList(new String[] {"vip", "newsletter"});
    List<String> b = shared.shareList(new String[] {"vip", "newsletter"});
    assertSame(a, b);
    assertEquals(List.of("vip", "newsletter"), b);
    assertEquals(List.of("vip"), shared.shareList(new String[] {"vip"}));

    Object[] m1 = shared.shareStrings(new Object[] {"source", "web", "plan", "pro"});
    Object[] m2 = shared.shareStrings(new Object[] {"source", "web", "plan", "pro"});
    assertSame(m1, m2);
    Object[] other = new Object[] {"source", "web", "plan", "free"};
    assertSame(other, shared.shareStrings(other));
    // a nested value may be changed by whoever holds it: never shared
    Object[] nested = {"source", new JsonObject().put("a", 1)};
    Object[] nested2 = {"source", new JsonObject().put("a", 1)};
    assertSame(nested, shared.shareStrings(nested));
    assertSame(nested2, shared.shareStrings(nested2));
    // nor one with a null (another partition's view of a kept array may still show nulls)
    Object[] withNull = {"source", null};
    Object[] withNull2 = {"source", null};
    assertSame(withNull, shared.shareStrings(withNull));
    assertSame(withNull2, shared.shareStrings(withNull2));
  }
}
