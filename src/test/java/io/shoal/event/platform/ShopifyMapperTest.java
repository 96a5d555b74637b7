package io.shoal.event.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Shopify deliveries, from fixtures in Shopify's payload shapes (see the fixtures' README). */
@Timeout(10)
class ShopifyMapperTest {

  private static final String ORDER = "shopify/orders-create.json";
  private static final String REFUND = "shopify/refunds-create.json";
  private static final String CHECKOUT = "shopify/checkouts-create.json";
  private static final String CUSTOMER = "shopify/customers-create.json";

  private final WebhookMapper mapper = Platform.SHOPIFY.mapper();

  private static JsonObject fixture(String name) {
    return Fixtures.json(name);
  }

  private JsonObject single(String topic, JsonObject payload, String webhookId) {
    List<JsonObject> events = mapper.map(topic, payload, webhookId);
    assertEquals(1, events.size(), () -> topic + " should map to one event: " + events);
    // compare what goes on the wire: BigDecimal money and the platform's numbers alike
    return new JsonObject(events.get(0).encode());
  }

  @Test
  void orderCreateIsACompletedOrderWithTheBuyerAndItsItems() {
    JsonObject event = single("orders/create", fixture(ORDER), "b54557e4-0c1f-4c0e-9b7a-1d2a1e0f3c11");
    assertEquals(new JsonObject("""
        {
          "id": "shopify:order:5710219461337",
          "type": "order.completed",
          "customer": {
            "external_id": "shopify:7390142857433",
            "email": "maya.okafor@example.com",
            "first_name": "Maya",
            "last_name": "Okafor",
            "tags": ["loyalty", "newsletter"],
            "email_consent": true,
            "address": {"line1": "418 Larkspur Lane", "line2": "Apt 3", "city": "Portland",
                        "state": "OR", "postal_code": "97214", "country": "US"},
            "phone": "+1 503-555-0142"
          },
          "occurred_at": "2026-02-14T14:41:05.000Z",
          "data": {
            "order_id": "5710219461337",
            "total": 142.50,
            "currency": "USD",
            "items": [
              {"product_id": "8123456789017", "category_id": null, "quantity": 2, "price": 59.00},
              {"product_id": "8123456821785", "category_id": null, "quantity": 1, "price": 24.50}
            ]
          }
        }"""), event);
  }

  @Test
  void anOrdersDiscountCodesBecomeItsCouponCodesForCouponsToRedeem() {
    JsonObject order = fixture(ORDER).put("discount_codes", new io.vertx.core.json.JsonArray()
        .add(new JsonObject().put("code", "SPRING10").put("amount", "14.25").put("type", "percentage"))
        .add(new JsonObject().put("code", "SPRING10").put("amount", "0.00").put("type", "fixed_amount")));
    JsonObject data = single("orders/create", order, null).getJsonObject("data");
    assertEquals(new io.vertx.core.json.JsonArray().add("SPRING10"), data.getJsonArray("coupon_codes"));
    assertFalse(single("orders/create", fixture(ORDER), null).getJsonObject("data").containsKey("coupon_codes"),
        "no codes, no field");
  }

  @Test
  void moneyIsEmittedAsNumbersWithTwoDecimals() {
    String wire = mapper.map("orders/create", fixture(ORDER), null).get(0).encode();
    assertTrue(wire.contains("\"total\":142.50"), wire);
    assertTrue(wire.contains("\"price\":59.00"), wire);
  }

  @ParameterizedTest
  @ValueSource(strings = {"199", "199.0", "199.000", "1.99e2"})
  void decimalStringsOfOneAmountAreOneNumber(String amount) {
    JsonObject order = fixture(ORDER).put("total_price", amount);
    String wire = mapper.map("orders/create", order, null).get(0).encode();
    assertTrue(wire.contains("\"total\":199.00"), wire);
  }

  @Test
  void moneyIsRoundedHalfEvenToCents() {
    JsonObject order = fixture(ORDER);
    order.put("total_price", "10.005");
    order.getJsonArray("line_items").getJsonObject(0).put("price", 3);
    JsonObject data = single("orders/create", order, null).getJsonObject("data");
    assertEquals(10.00, data.getDouble("total"));
    assertEquals(3.00, data.getJsonArray("items").getJsonObject(0).getDouble("price"));
  }

  @Test
  void ordersPaidCountsTheSameOrderOnceWhicheverArrivesFirst() {
    JsonObject created = fixture(ORDER).put("financial_status", "pending");
    JsonObject paid = fixture(ORDER).put("financial_status", "paid")
        .put("updated_at", "2026-02-14T10:02:00-05:00");
    JsonObject fromCreate = single("orders/create", created, "webhook-1");
    JsonObject fromPaid = single("orders/paid", paid, "webhook-2");
    assertEquals("shopify:order:5710219461337", fromPaid.getString("id"));
    assertEquals(fromCreate, fromPaid);
  }

  @Test
  void redeliveriesMapToTheSameIds() {
    String[][] deliveries = {
        {"orders/create", ORDER}, {"orders/paid", ORDER}, {"orders/cancelled", ORDER},
        {"refunds/create", REFUND}, {"checkouts/create", CHECKOUT}, {"checkouts/update", CHECKOUT},
        {"customers/create", CUSTOMER}, {"customers/update", CUSTOMER}};
    for (String[] d : deliveries) {
      JsonObject payload = fixture(d[1]);
      if (d[0].equals("orders/cancelled")) {
        payload.put("cancelled_at", "2026-02-15T08:00:00-05:00");
      }
      String first = single(d[0], payload, null).getString("id");
      String again = single(d[0], payload.copy(), null).getString("id");
      assertEquals(first, again, d[0]);
    }
    // Shopify keeps the webhook id across retries of one delivery
    assertEquals(single("checkouts/update", fixture(CHECKOUT), "wh-77").getString("id"),
        single("checkouts/update", fixture(CHECKOUT), "wh-77").getString("id"));
    // natural keys do not depend on the webhook id at all
    assertEquals(single("customers/update", fixture(CUSTOMER), "wh-1").getString("id"),
        single("customers/update", fixture(CUSTOMER), "wh-2").getString("id"));
  }

  @Test
  void orderCancelledNamesTheOrderAndWhenItWasCancelled() {
    JsonObject order = fixture(ORDER).put("cancelled_at", "2026-02-15T08:00:00-05:00")
        .put("cancel_reason", "customer").put("financial_status", "voided");
    JsonObject event = single("orders/cancelled", order, null);
    assertEquals("shopify:order_cancelled:5710219461337", event.getString("id"));
    assertEquals("order.cancelled", event.getString("type"));
    assertEquals("2026-02-15T13:00:00.000Z", event.getString("occurred_at"));
    assertEquals(new JsonObject().put("order_id", "5710219461337"), event.getJsonObject("data"));
    assertEquals("shopify:7390142857433", event.getJsonObject("customer").getString("external_id"));
  }

  @Test
  void refundIsTheAmountItsSuccessfulTransactionsReturned() {
    JsonObject event = single("refunds/create", fixture(REFUND), null);
    assertEquals(new JsonObject("""
        {
          "id": "shopify:refund:983214567129",
          "type": "order.refunded",
          "occurred_at": "2026-02-20T19:03:11.000Z",
          "data": {"order_id": "5710219461337", "amount": 59.00, "currency": "USD"}
        }"""), event);
    assertFalse(event.containsKey("customer"), "a refund payload names no customer, only its order");
  }

  @Test
  void refundCountsOnlySuccessfulRefundTransactions() {
    JsonObject refund = fixture(REFUND);
    JsonArray transactions = refund.getJsonArray("transactions");
    JsonObject ok = transactions.getJsonObject(0);
    transactions.add(ok.copy().put("id", 1).put("status", "failure").put("amount", "59.00"));
    transactions.add(ok.copy().put("id", 2).put("status", "pending").put("amount", "5.00"));
    transactions.add(ok.copy().put("id", 3).put("amount", "10.25"));
    transactions.add(ok.copy().put("id", 4).put("kind", "void").put("amount", "99.00"));
    JsonObject data = single("refunds/create", refund, null).getJsonObject("data");
    assertEquals(69.25, data.getDouble("amount"));
  }

  @Test
  void refundWithoutTransactionsCountsItsLineItemSubtotals() {
    JsonObject refund = fixture(REFUND).put("transactions", new JsonArray());
    JsonArray lines = refund.getJsonArray("refund_line_items");
    lines.add(lines.getJsonObject(0).copy().put("id", 2).put("subtotal", 24.5));
    JsonObject data = single("refunds/create", refund, null).getJsonObject("data");
    assertEquals(83.50, data.getDouble("amount"));
    assertEquals("USD", data.getString("currency"));
  }

  @Test
  void refundsThatReturnedNothingOrWereTestsAreNoEvents() {
    JsonObject failed = fixture(REFUND);
    failed.getJsonArray("transactions").getJsonObject(0).put("status", "failure");
    assertEquals(List.of(), mapper.map("refunds/create", failed, null));

    JsonObject ofATestOrder = fixture(REFUND);
    ofATestOrder.getJsonArray("transactions").getJsonObject(0).put("test", true);
    assertEquals(List.of(), mapper.map("refunds/create", ofATestOrder, null));

    JsonObject restockOnly = fixture(REFUND).put("transactions", new JsonArray())
        .put("refund_line_items", new JsonArray());
    assertEquals(List.of(), mapper.map("refunds/create", restockOnly, null));
  }

  @Test
  void checkoutCreateStartsACheckoutWhoseCartIsTheCheckoutToken() {
    JsonObject event = single("checkouts/create", fixture(CHECKOUT), "wh-1");
    assertEquals("shopify:checkout_started:b7e1f0c2a9d84e3f9c16a5d2e8b4f071", event.getString("id"));
    assertEquals("checkout.started", event.getString("type"));
    assertEquals("2026-02-14T14:32:50.000Z", event.getString("occurred_at"));
    assertEquals(new JsonObject("""
        {"cart_id": "b7e1f0c2a9d84e3f9c16a5d2e8b4f071", "total": 118.00, "currency": "USD",
         "items": [{"product_id": "8123456789017", "category_id": null, "quantity": 2, "price": 59.00}]}
        """), event.getJsonObject("data"));
    JsonObject customer = event.getJsonObject("customer");
    assertEquals("shopify:7390142857433", customer.getString("external_id"));
    assertEquals("maya.okafor@example.com", customer.getString("email"));
  }

  @Test
  void checkoutUpdateIsACartUpdateKeyedByTheWebhookIdOrTheUpdateTime() {
    JsonObject withHeader = single("checkouts/update", fixture(CHECKOUT), "7f6b0c2e-44d1-4c55-a1b9-02d6f1e2c3a4");
    assertEquals("cart.updated", withHeader.getString("type"));
    assertEquals("shopify:webhook:7f6b0c2e-44d1-4c55-a1b9-02d6f1e2c3a4", withHeader.getString("id"));
    assertEquals("2026-02-14T14:36:12.000Z", withHeader.getString("occurred_at"));

    JsonObject withoutHeader = single("checkouts/update", fixture(CHECKOUT), null);
    assertEquals("shopify:checkout:b7e1f0c2a9d84e3f9c16a5d2e8b4f071:2026-02-14T14:36:12.000Z",
        withoutHeader.getString("id"));
    JsonObject later = fixture(CHECKOUT).put("updated_at", "2026-02-14T09:40:00-05:00");
    assertNotEquals(withoutHeader.getString("id"), single("checkouts/update", later, null).getString("id"),
        "a later change of the cart is another event");
  }

  @Test
  void completedAndAnonymousCheckoutsAreNoEvents() {
    JsonObject completed = fixture(CHECKOUT).put("completed_at", "2026-02-14T09:41:05-05:00");
    assertEquals(List.of(), mapper.map("checkouts/update", completed, "wh-1"));

    JsonObject anonymous = fixture(CHECKOUT).putNull("customer").putNull("email");
    assertEquals(List.of(), mapper.map("checkouts/create", anonymous, "wh-2"));
  }

  @Test
  void customerCreateIsTheProfileWithTagsConsentAndAddress() {
    JsonObject event = single("customers/create", fixture(CUSTOMER), "wh-3");
    assertEquals(new JsonObject("""
        {
          "id": "shopify:customer:7412987650137:2026-03-01T15:20:45.000Z",
          "type": "customer.updated",
          "customer": {
            "external_id": "shopify:7412987650137",
            "email": "tomas.lindqvist@example.com",
            "phone": "+46701234567",
            "first_name": "Tomas",
            "last_name": "Lindqvist",
            "tags": ["wholesale", "Café owner"],
            "email_consent": false,
            "sms_consent": true,
            "address": {"line1": "Kungsgatan 12", "city": "Göteborg", "postal_code": "411 19",
                        "country": "SE"}
          },
          "occurred_at": "2026-03-01T15:20:45.000Z",
          "data": {}
        }"""), event);
  }

  @Test
  void customerPayloadsWithoutTagsOrConsentLeaveThemUntouched() {
    // API 2025-01 and later: no tags, no marketing consent in customer webhooks
    JsonObject current = fixture(CUSTOMER);
    current.remove("tags");
    current.remove("email_marketing_consent");
    current.remove("sms_marketing_consent");
    current.remove("accepts_marketing");
    JsonObject customer = single("customers/update", current, null).getJsonObject("customer");
    assertFalse(customer.containsKey("tags"));
    assertFalse(customer.containsKey("email_consent"));
    assertFalse(customer.containsKey("sms_consent"));

    JsonObject legacy = fixture(CUSTOMER).put("accepts_marketing", true);
    legacy.remove("email_marketing_consent");
    assertTrue(single("customers/update", legacy, null).getJsonObject("customer")
        .getBoolean("email_consent"), "the legacy accepts_marketing stands in for the consent object");

    JsonObject tagArray = fixture(CUSTOMER).put("tags", new JsonArray().add("VIP").add(" VIP ").add("b2b"));
    assertEquals(new JsonArray().add("VIP").add("b2b"), single("customers/update", tagArray, null)
        .getJsonObject("customer").getJsonArray("tags"), "tags as an array are taken too");

    JsonObject noTags = fixture(CUSTOMER).put("tags", "");
    assertEquals(new JsonArray(), single("customers/update", noTags, null)
        .getJsonObject("customer").getJsonArray("tags"), "an empty tag string is no tags");
  }

  @Test
  void itemCategoryIsTheProductTypeWhenShopifySendsOne() {
    JsonObject order = fixture(ORDER);
    order.getJsonArray("line_items").getJsonObject(0).put("product_type", "Green tea");
    order.getJsonArray("line_items").getJsonObject(1).putNull("product_id");
    JsonArray items = single("orders/create", order, null).getJsonObject("data").getJsonArray("items");
    assertEquals("Green tea", items.getJsonObject(0).getString("category_id"));
    assertNull(items.getJsonObject(1).getString("category_id"));
    assertNull(items.getJsonObject(1).getString("product_id"), "a custom line item has no product");
  }

  @Test
  void ordersWithoutCustomerFieldsStillIdentifyTheBuyerByContact() {
    JsonObject order = fixture(ORDER).putNull("customer");
    JsonObject customer = single("orders/create", order, null).getJsonObject("customer");
    assertFalse(customer.containsKey("external_id"));
    assertEquals("maya.okafor@example.com", customer.getString("email"));
    assertEquals("Maya", customer.getString("first_name"));
    assertEquals("OR", customer.getJsonObject("address").getString("state"));
  }

  @Test
  void testOrdersAndOrdersWithNobodyToCreditAreNoEvents() {
    JsonObject test = fixture(ORDER).put("test", true);
    assertEquals(List.of(), mapper.map("orders/create", test, null));
    assertEquals(List.of(), mapper.map("orders/paid", test, null));

    JsonObject posSale = fixture(ORDER).putNull("customer").putNull("email").putNull("contact_email")
        .putNull("billing_address");
    assertEquals(List.of(), mapper.map("orders/create", posSale, null));
  }

  @ParameterizedTest
  @ValueSource(strings = {"orders/updated", "orders/fulfilled", "products/update", "app/uninstalled",
      "customers/delete", "carts/update", ""})
  void otherTopicsAreIgnored(String topic) {
    assertFalse(mapper.handles(topic));
    assertEquals(List.of(), mapper.map(topic, fixture(ORDER), null));
    assertEquals(List.of(), mapper.mapBody(topic, "not json".getBytes(StandardCharsets.UTF_8), null),
        "an ignored topic's body is not even parsed");
    assertFalse(mapper.handles(null));
  }

  static Stream<Arguments> malformed() {
    return Stream.of(
        bad("orders/create", ORDER, p -> p.remove("id"), "id"),
        bad("orders/create", ORDER, p -> p.put("id", true), "id"),
        bad("orders/create", ORDER, p -> p.put("total_price", "abc"), "total_price"),
        bad("orders/paid", ORDER, p -> p.remove("total_price"), "total_price"),
        bad("orders/create", ORDER, p -> p.remove("currency"), "currency"),
        bad("orders/create", ORDER, p -> p.getJsonArray("line_items").getJsonObject(1)
            .put("price", "24,50"), "line_items[1].price"),
        bad("orders/create", ORDER, p -> p.getJsonArray("line_items").getJsonObject(0)
            .put("quantity", "two"), "line_items[0].quantity"),
        bad("orders/create", ORDER, p -> p.getJsonArray("line_items").getJsonObject(0)
            .put("quantity", -1), "line_items[0].quantity"),
        bad("orders/create", ORDER, p -> p.put("line_items", "none"), "line_items"),
        bad("orders/create", ORDER, p -> p.getJsonArray("line_items").add(7), "line_items[2]"),
        bad("orders/create", ORDER, p -> p.put("processed_at", "yesterday"), "processed_at"),
        bad("orders/create", ORDER, p -> {
          p.remove("processed_at");
          p.remove("created_at");
        }, "processed_at"),
        bad("orders/create", ORDER, p -> p.put("customer", "Maya"), "customer"),
        bad("orders/create", ORDER, p -> p.getJsonObject("customer")
            .put("email_marketing_consent", new JsonArray()), "customer.email_marketing_consent"),
        bad("orders/cancelled", ORDER, p -> p.remove("id"), "id"),
        bad("refunds/create", REFUND, p -> p.remove("order_id"), "order_id"),
        bad("refunds/create", REFUND, p -> p.remove("id"), "id"),
        bad("refunds/create", REFUND, p -> p.getJsonArray("transactions").getJsonObject(0)
            .put("amount", "fifty"), "transactions[0].amount"),
        bad("refunds/create", REFUND, p -> p.put("transactions", new JsonArray())
            .getJsonArray("refund_line_items").getJsonObject(0).remove("subtotal"),
            "refund_line_items[0].subtotal"),
        bad("checkouts/create", CHECKOUT, p -> p.remove("token"), "token"),
        bad("checkouts/update", CHECKOUT, p -> p.put("total_price", ""), "total_price"),
        bad("customers/create", CUSTOMER, p -> p.remove("id"), "id"),
        bad("customers/update", CUSTOMER, p -> p.put("updated_at", "01/03/2026"), "updated_at"),
        bad("customers/update", CUSTOMER, p -> p.put("tags", 3), "tags"));
  }

  private static Arguments bad(String topic, String fixture, Consumer<JsonObject> breakIt,
      String field) {
    return Arguments.of(topic, fixture, breakIt, field);
  }

  @ParameterizedTest(name = "{0} with a bad {3}")
  @MethodSource("malformed")
  void malformedPayloadsNameTheField(String topic, String fixture, Consumer<JsonObject> breakIt,
      String field) {
    JsonObject payload = fixture(fixture);
    breakIt.accept(payload);
    PlatformPayloadException e = assertThrows(PlatformPayloadException.class,
        () -> mapper.map(topic, payload, "wh-1"));
    assertEquals(field, e.field());
    assertTrue(e.getMessage().startsWith(topic + ": " + field + " "), e.getMessage());
  }

  @Test
  void aBodyThatIsNotJsonIsMalformed() {
    for (String body : new String[] {"{\"id\": 1,", "[1, 2]", "id=1", "", "null", "\"text\"", "42"}) {
      PlatformPayloadException e = assertThrows(PlatformPayloadException.class,
          () -> mapper.mapBody("orders/create", body.getBytes(StandardCharsets.UTF_8), null));
      assertEquals("body", e.field());
      assertEquals("orders/create: the body is not a JSON object", e.getMessage());
    }
    assertThrows(PlatformPayloadException.class, () -> mapper.mapBody("orders/create", null, null));
  }

  @Test
  void mapBodyMapsTheRawBytes() {
    assertEquals(mapper.map("orders/create", fixture(ORDER), null),
        mapper.mapBody("orders/create", Fixtures.bytes(ORDER), null));
  }
}
