package io.shoal.segment.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shoal.event.LoggedEvent;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The byte form of a customer's state keeps everything a rule, the profile or a replay reads. */
class CustomerStateBytesTest {

  private static final String STORE = "store_a";
  private final Instant t0 = Instant.parse("2026-12-01T10:00:00Z");
  private long seq;

  private LoggedEvent event(String type, JsonObject data, Instant at) {
    seq++;
    return new LoggedEvent(seq, STORE, "evt_" + seq, type, "cust_1", at, at, data);
  }

  private static JsonArray items(String... productAndCategory) {
    JsonArray a = new JsonArray();
    for (int i = 0; i < productAndCategory.length; i += 2) {
      JsonObject item = new JsonObject().put("product_id", productAndCategory[i]).put("quantity", 2).put("price", 9.5);
      if (productAndCategory[i + 1] != null) {
        item.put("category_id", productAndCategory[i + 1]);
      }
      a.add(item);
    }
    return a;
  }

  /** A customer with orders (one refunded, one cancelled, one refunded before it completed), events, a cart. */
  private CustomerState busyCustomer() {
    CustomerState c = new CustomerState(STORE, "cust_1");
    c.apply(event("order.completed", new JsonObject().put("order_id", "o1").put("total", "120.50")
        .put("items", items("p1", "cat1", "p2", null)), t0));
    c.apply(event("order.refunded", new JsonObject().put("order_id", "o1").put("amount", 20.25), t0.plusSeconds(60)));
    c.apply(event("order.completed", new JsonObject().put("order_id", "o2").put("total", 12345678901234.99)
        .put("items", items("p1", "cat1", "pé-ü", "cät")), t0.plusSeconds(120)));
    c.apply(event("order.completed", new JsonObject().put("order_id", "o3").put("total", 5), t0.plusSeconds(180)));
    c.apply(event("order.cancelled", new JsonObject().put("order_id", "o3"), t0.plusSeconds(200)));
    c.apply(event("order.refunded", new JsonObject().put("order_id", "o4").put("amount", "1.00"), t0.plusSeconds(210)));
    for (int i = 0; i < CustomerState.MAX_TIMES + 10; i++) {
      c.apply(event("page.viewed", new JsonObject().put("url", "/" + i), t0.minusSeconds(86_400L * 30).plusSeconds(i * 7L)));
    }
    c.apply(event("custom.review_written", new JsonObject(), t0.minusSeconds(5)));
    c.apply(event("cart.updated", new JsonObject().put("cart_id", "cart-9").put("total", "49.90")
        .put("items", new JsonArray().add(new JsonObject().put("product_id", "p3").put("quantity", 3))), t0.plusSeconds(300)));
    c.appliedSeq = 987_654_321L;
    c.nextCheckAt = t0.plusSeconds(86_400).toEpochMilli();
    return c;
  }

  private static final List<String> FIELDS = List.of("total_orders", "total_spent", "average_order_value",
      "first_order_at", "last_order_at", "last_seen_at", "cart.value", "cart.item_count", "cart.updated_at",
      "products_bought", "categories_bought");

  @Test
  void every_fact_survives_the_round_trip() {
    CustomerState c = busyCustomer();
    byte[] bytes = c.toBytes();
    CustomerState back = new CustomerState(STORE, "cust_1");
    back.loadBytes(bytes);

    for (String f : FIELDS) {
      assertEquals(c.value(f), back.value(f), f);
    }
    assertEquals(new BigDecimal("12345678901335.24"), back.value("total_spent"), "100.25 + 12345678901234.99");
    assertEquals(List.of("p1", "p2", "pé-ü"), back.value("products_bought"));
    assertEquals(List.of("cat1", "cät"), back.value("categories_bought"));
    assertEquals(c.purchaseTimes("product", "p1"), back.purchaseTimes("product", "p1"));
    assertEquals(2, back.purchaseTimes("product", "p1").size());
    assertEquals(c.purchaseTimes("category", "cät"), back.purchaseTimes("category", "cät"));
    assertEquals(c.eventTimes("page.viewed"), back.eventTimes("page.viewed"));
    assertEquals(CustomerState.MAX_TIMES, back.eventTimes("page.viewed").size());
    assertEquals(c.eventTimes("custom.review_written"), back.eventTimes("custom.review_written"));
    assertEquals(987_654_321L, back.appliedSeq);
    assertEquals(c.nextCheckAt, back.nextCheckAt);
    assertEquals(c.cartJson(), back.cartJson());
    assertEquals("cart-9", back.cartJson().getString("id"));

    // what happens next happens the same: the refund waiting for order o4 still applies when it completes
    LoggedEvent late = event("order.completed", new JsonObject().put("order_id", "o4").put("total", "10.00"),
        t0.plusSeconds(400));
    c.apply(late);
    back.apply(late);
    assertEquals(c.value("total_spent"), back.value("total_spent"));
    assertEquals(new BigDecimal("12345678901344.24"), back.value("total_spent"), "o4 counts 10.00 - 1.00");
    assertTrue(bytes.length < 2_000, "compact: " + bytes.length + " bytes");
  }

  @Test
  void an_empty_state_round_trips_to_an_empty_state() {
    CustomerState back = new CustomerState(STORE, "cust_2");
    back.loadBytes(new CustomerState(STORE, "cust_2").toBytes());
    for (String f : FIELDS) {
      assertEquals(new CustomerState(STORE, "cust_2").value(f), back.value(f), f);
    }
    assertEquals(Long.MAX_VALUE, back.nextCheckAt);
    assertEquals(null, back.cartJson());
  }

  /** What bench/engine's SqlCompare reads: the stored bytes as the JSON state, which reads back to the same facts. */
  @Test
  void the_public_reader_gives_the_state_as_json_with_every_fact() {
    CustomerState c = busyCustomer();
    JsonObject json = StoredStates.toJson(c.toBytes());
    CustomerState back = new CustomerState(STORE, "cust_1");
    back.loadJson(json);
    for (String f : FIELDS) {
      assertEquals(c.value(f), back.value(f), f);
    }
    assertEquals(c.purchaseTimes("category", "cät"), back.purchaseTimes("category", "cät"));
    assertEquals(c.eventTimes("page.viewed"), back.eventTimes("page.viewed"));
    assertEquals(987_654_321L, json.getLong("seq"));
    assertEquals(c.nextCheckAt, json.getLong("next_check"));
    assertEquals("120.50", json.getJsonObject("orders").getJsonObject("o1").getString("t"));
    assertEquals(true, json.getJsonObject("orders").getJsonObject("o3").getBoolean("c"));
    assertEquals(new JsonObject(), StoredStates.toJson(null));
  }

  /**
   * {@link #busyCustomer} as main stored it at 4851775, before the state was laid out in arrays
   * and cents (orders in a HashMap with BigDecimal totals, purchase times in maps): the byte
   * format did not change (version 1), and the states a store has stored read back to the same
   * facts.
   */
  private static final String STORED_AT_4851775 = "01b1d1f9d6030080f492e3c668c0d38491c6680107636172742d3906fc4d06c0d38491c66804036f33030200020ac080"
      + "f690c66800036f340006c801036f310106d21f06a4bc018084e090c66802037031056361743103703200036f32010200"
      + "06d6ebd5c8a7b5b10480d7ee90c6680203703105636174310770c3a92dc3bc0563c3a474060c706167652e7669657765"
      + "648002e0a9f2e8b268b06db06db06db06db06db06db06db06db06db06db06db06db06db06db06db06db06db06db06db0"
      + "6db06db06db06db06db06db06db06db06db06db06db06db06db06db06db06db06db06db06db06db06db06db06db06db0"
      + "6db06db06db06db06db06db06db06db06db06db06db06db06db06db06db06db06db06db06db06db06db06db06db06db0"
      + "6db06db06db06db06db06db06db06db06db06db06db06db06db06db06db06db06db06db06db06db06db06db06db06db0"
      + "6db06db06db06db06db06db06db06db06db06db06db06db06db06db06db06db06db06db06db06db06db06db06db06db0"
      + "6db06db06db06db06db06db06db06db06db06db06db06db06db06db06db06db06db06db06db06db06db06db06db06db0"
      + "6db06db06db06db06db06db06db06db06db06db06db06db06db06db06db06db06db06db06db06db06db06db06db06db0"
      + "6db06db06db06db06db06db06db06db06db06db06db06db06db06db06db06db06db06db06db06db06db06db06db06db0"
      + "6db06db06db06db06db06db06db06db06db06db06db06db06db06db06db06db06db06db06db06db06db06db06db06db0"
      + "6db06db06db06db06db06db06db06db06db06db06db06db06db06db06db06db06db06db06db06db06db06db06db06db0"
      + "6db06db06db06db06db06db06db06db06db06db06db06db06db06db06db06db06db06db06db06d16637573746f6d2e72"
      + "65766965775f7772697474656e01f0b5df90c6680d636172742e7570646174656401c0d38491c668106f726465722e63"
      + "616e63656c6c65640180b9f890c668106f726465722e636f6d706c65746564038084e090c66880d30ec0a9070f6f7264"
      + "65722e726566756e64656402c0ade790c668e0a712";;

  @Test
  void a_state_stored_before_the_compact_layout_reads_back_to_the_same_facts() {
    CustomerState c = busyCustomer();
    CustomerState back = new CustomerState(STORE, "cust_1");
    back.loadBytes(HexFormat.of().parseHex(STORED_AT_4851775));
    for (String f : FIELDS) {
      assertEquals(c.value(f), back.value(f), f);
    }
    assertEquals(c.purchaseTimes("product", "p1"), back.purchaseTimes("product", "p1"));
    assertEquals(c.purchaseTimes("category", "c\u00e4t"), back.purchaseTimes("category", "c\u00e4t"));
    assertEquals(1, back.purchaseTimes("category", "c\u00e4t").size());
    assertEquals(c.eventTimes("page.viewed"), back.eventTimes("page.viewed"));
    assertEquals(c.eventTimes("custom.review_written"), back.eventTimes("custom.review_written"));
    assertEquals(987_654_321L, back.appliedSeq);
    assertEquals(c.nextCheckAt, back.nextCheckAt);
    assertEquals(c.cartJson(), back.cartJson());
    assertEquals(StoredStates.toJson(c.toBytes()).getJsonObject("orders").getMap().keySet(),
        StoredStates.toJson(back.toBytes()).getJsonObject("orders").getMap().keySet());
  }

  /** Amounts are cents where that is exact; others (more decimals, more digits) keep every digit, as BigDecimal did. */
  @Test
  void amounts_that_are_not_whole_cents_add_up_exactly() {
    CustomerState c = new CustomerState(STORE, "cust_3");
    c.apply(event("order.completed", new JsonObject().put("order_id", "a").put("total", "10.005"), t0));
    c.apply(event("order.completed", new JsonObject().put("order_id", "b").put("total", 0.1), t0.plusSeconds(1)));
    c.apply(event("order.completed", new JsonObject().put("order_id", "c").put("total", 3), t0.plusSeconds(2)));
    c.apply(event("order.refunded", new JsonObject().put("order_id", "a").put("amount", "0.015"), t0.plusSeconds(3)));
    assertEquals(new BigDecimal("13.09"), c.value("total_spent"), "9.990 + 0.1 + 3");
    c.apply(event("order.completed", new JsonObject().put("order_id", "d").put("total", "0.0049"), t0.plusSeconds(4)));
    assertEquals(new BigDecimal("13.09"), c.value("total_spent"), "13.0949 rounds half-even to 13.09");
    c.apply(event("order.completed", new JsonObject().put("order_id", "e").put("total", "0.0001"), t0.plusSeconds(5)));
    assertEquals(new BigDecimal("13.10"), c.value("total_spent"), "13.0950");
    c.apply(event("order.refunded", new JsonObject().put("order_id", "c").put("amount", 5), t0.plusSeconds(6)));
    assertEquals(new BigDecimal("10.10"), c.value("total_spent"), "an order refunded beyond its total counts zero");
    CustomerState back = new CustomerState(STORE, "cust_3");
    back.loadBytes(c.toBytes());
    for (String f : FIELDS) {
      assertEquals(c.value(f), back.value(f), f);
    }
  }
}
