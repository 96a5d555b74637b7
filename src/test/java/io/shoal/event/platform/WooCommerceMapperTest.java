package io.shoal.event.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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

/** WooCommerce deliveries, from fixtures in its REST v3 shapes (see the fixtures' README). */
@Timeout(10)
class WooCommerceMapperTest {

  private static final String ORDER = "woocommerce/order-processing.json";
  private static final String GUEST_ORDER = "woocommerce/order-guest-completed.json";
  private static final String REFUNDED_ORDER = "woocommerce/order-refunded.json";
  private static final String CUSTOMER = "woocommerce/customer-created.json";

  private final WebhookMapper mapper = Platform.WOOCOMMERCE.mapper();

  private static JsonObject fixture(String name) {
    return Fixtures.json(name);
  }

  /** The events as they go on the wire. */
  private List<JsonObject> events(String topic, JsonObject payload) {
    return mapper.map(topic, payload, "9c2d41e0a7f35b18").stream()
        .map(e -> new JsonObject(e.encode()))
        .toList();
  }

  private JsonObject single(String topic, JsonObject payload) {
    List<JsonObject> events = events(topic, payload);
    assertEquals(1, events.size(), () -> topic + " should map to one event: " + events);
    return events.get(0);
  }

  @Test
  void processingOrderIsACompletedOrderOfTheRegisteredCustomer() {
    JsonObject event = single("order.created", fixture(ORDER));
    assertEquals(new JsonObject("""
        {
          "id": "woocommerce:order:4817",
          "type": "order.completed",
          "customer": {
            "external_id": "woocommerce:17",
            "email": "lena.brandt@example.com",
            "phone": "+49 341 5550192",
            "first_name": "Lena",
            "last_name": "Brandt",
            "address": {"line1": "Schillerstraße 21", "city": "Leipzig", "state": "SN",
                        "postal_code": "04109", "country": "DE"}
          },
          "occurred_at": "2026-02-03T13:22:05.000Z",
          "data": {
            "order_id": "4817",
            "total": 44.65,
            "currency": "EUR",
            "items": [
              {"product_id": "233", "category_id": null, "quantity": 2, "price": 10.52},
              {"product_id": "310", "category_id": null, "quantity": 1, "price": 12.61}
            ],
            "coupon_codes": ["welcome5"]
          }
        }"""), event);
    assertTrue(mapper.map("order.created", fixture(ORDER), null).get(0).encode()
        .contains("\"total\":44.65"));
  }

  @Test
  void processingThenCompletedCountsTheOrderOnce() {
    JsonObject processing = single("order.created", fixture(ORDER));
    JsonObject completed = single("order.updated", fixture(ORDER).put("status", "completed")
        .put("date_modified_gmt", "2026-02-05T09:00:00").put("date_completed_gmt", "2026-02-05T09:00:00"));
    assertEquals(processing.getString("id"), completed.getString("id"));
    assertEquals(processing, completed);
    assertEquals(processing, single("order.updated", fixture(ORDER)), "a redelivery is the same event");
  }

  @Test
  void guestOrderIsIdentifiedByBillingEmail() {
    JsonObject event = single("order.updated", fixture(GUEST_ORDER));
    assertEquals("woocommerce:order:4822", event.getString("id"));
    assertEquals(new JsonObject("""
        {"email": "Jonas.Weber@example.net", "first_name": "Jonas", "last_name": "Weber",
         "address": {"line1": "Am Markt 4", "line2": "Hinterhaus", "city": "Bremen", "state": "HB",
                     "postal_code": "28195", "country": "DE"}}
        """), event.getJsonObject("customer"), "no external_id for a guest, no empty phone");
  }

  @Test
  void guestOrderWithoutAnyContactIsNoEvent() {
    JsonObject order = fixture(GUEST_ORDER);
    order.getJsonObject("billing").put("email", "").put("phone", "");
    assertEquals(List.of(), events("order.updated", order));
  }

  @Test
  void refundedOrderReportsEachRefundOnceWithPositiveAmounts() {
    List<JsonObject> events = events("order.updated", fixture(REFUNDED_ORDER));
    assertEquals(2, events.size(), events::toString);
    assertEquals(new JsonObject("""
        {
          "id": "woocommerce:refund:4801",
          "type": "order.refunded",
          "customer": {
            "external_id": "woocommerce:17",
            "email": "lena.brandt@example.com",
            "phone": "+49 341 5550192",
            "first_name": "Lena",
            "last_name": "Brandt",
            "address": {"line1": "Schillerstraße 21", "city": "Leipzig", "state": "SN",
                        "postal_code": "04109", "country": "DE"}
          },
          "occurred_at": "2026-01-29T09:15:40.000Z",
          "data": {"order_id": "4790", "amount": 24.90, "currency": "EUR"}
        }"""), events.get(0));
    assertEquals("woocommerce:refund:4795", events.get(1).getString("id"));
    assertEquals(10.00, events.get(1).getJsonObject("data").getDouble("amount"));
    double total = events.stream().mapToDouble(e -> e.getJsonObject("data").getDouble("amount")).sum();
    assertEquals(34.90, total, 0.001, "the refunds' total is the order's refunded amount");
  }

  @Test
  void partialRefundOfAnOpenOrderIsReportedAlongsideTheOrder() {
    JsonObject order = fixture(ORDER);
    order.getJsonArray("refunds").add(new JsonObject().put("id", 4830).put("reason", "").put("total", "-12.61"));
    List<JsonObject> events = events("order.updated", order);
    assertEquals(List.of("order.completed", "order.refunded"),
        events.stream().map(e -> e.getString("type")).toList());
    assertEquals(new JsonObject("{\"order_id\": \"4817\", \"amount\": 12.61, \"currency\": \"EUR\"}"),
        events.get(1).getJsonObject("data"));
  }

  @Test
  void cancelledOrderIsACancellation() {
    JsonObject event = single("order.updated", fixture(ORDER).put("status", "cancelled")
        .put("date_modified_gmt", "2026-02-04T07:30:00"));
    assertEquals("woocommerce:order_cancelled:4817", event.getString("id"));
    assertEquals("order.cancelled", event.getString("type"));
    assertEquals("2026-02-04T07:30:00.000Z", event.getString("occurred_at"));
    assertEquals(new JsonObject().put("order_id", "4817"), event.getJsonObject("data"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"pending", "on-hold", "failed", "trash", "checkout-draft", "refunded"})
  void ordersInOtherStatusesAreNoPurchase(String status) {
    assertEquals(List.of(), events("order.updated", fixture(ORDER).put("status", status)));
  }

  @Test
  void customerCreatedIsTheProfile() {
    JsonObject event = single("customer.created", fixture(CUSTOMER));
    assertEquals(new JsonObject("""
        {
          "id": "woocommerce:customer:31:2026-02-11T20:05:34.000Z",
          "type": "customer.updated",
          "customer": {
            "external_id": "woocommerce:31",
            "email": "amelie.roux@example.fr",
            "first_name": "Amélie",
            "last_name": "Roux",
            "phone": "+33 3 88 55 01 23",
            "address": {"line1": "7 rue des Tanneurs", "city": "Strasbourg", "postal_code": "67000",
                        "country": "FR"}
          },
          "occurred_at": "2026-02-11T20:05:34.000Z",
          "data": {}
        }"""), event);
    assertEquals(event, single("customer.updated", fixture(CUSTOMER)), "a redelivery is the same event");
    JsonObject edited = fixture(CUSTOMER).put("date_modified_gmt", "2026-02-12T08:00:00");
    assertEquals("woocommerce:customer:31:2026-02-12T08:00:00.000Z",
        single("customer.updated", edited).getString("id"));
  }

  @Test
  void lineItemWithoutUnitPriceIsPricedFromItsTotal() {
    JsonObject order = fixture(ORDER);
    JsonObject line = order.getJsonArray("line_items").getJsonObject(0);
    line.remove("price");
    line.put("product_id", 0);
    JsonObject item = single("order.created", order).getJsonObject("data").getJsonArray("items")
        .getJsonObject(0);
    assertEquals(10.52, item.getDouble("price"), "21.03 / 2, to the cent");
    assertNull(item.getString("product_id"), "product 0 is a deleted product");
  }

  @Test
  void thePingSentOnWebhookCreationIsRecognisedAndIgnored() {
    byte[] ping = Fixtures.bytes("woocommerce/ping.txt");
    assertTrue(WooCommerceMapper.isPing(ping));
    assertTrue(WooCommerceMapper.isPing("webhook_id=7\r\n".getBytes(StandardCharsets.US_ASCII)));
    assertEquals(List.of(), mapper.mapBody(null, ping, null), "the ping carries no topic header");
    assertEquals(List.of(), mapper.mapBody("order.updated", ping, null));

    assertFalse(WooCommerceMapper.isPing(Fixtures.bytes(ORDER)));
    assertFalse(WooCommerceMapper.isPing("webhook_id=".getBytes(StandardCharsets.US_ASCII)));
    assertFalse(WooCommerceMapper.isPing("webhook_id=4&status=x".getBytes(StandardCharsets.US_ASCII)));
    assertFalse(WooCommerceMapper.isPing(null));
  }

  @Test
  void mapBodyMapsTheRawBytes() {
    assertEquals(mapper.map("order.updated", fixture(REFUNDED_ORDER), null),
        mapper.mapBody("order.updated", Fixtures.bytes(REFUNDED_ORDER), null));
  }

  @ParameterizedTest
  @ValueSource(strings = {"order.deleted", "order.restored", "product.updated", "coupon.created",
      "customer.deleted", "action.woocommerce_add_to_cart"})
  void otherTopicsAreIgnored(String topic) {
    assertFalse(mapper.handles(topic));
    assertEquals(List.of(), mapper.map(topic, fixture(ORDER), null));
  }

  static Stream<Arguments> malformed() {
    return Stream.of(
        bad("order.created", ORDER, p -> p.remove("id"), "id"),
        bad("order.updated", ORDER, p -> p.remove("status"), "status"),
        bad("order.updated", ORDER, p -> p.put("total", "44,65"), "total"),
        bad("order.updated", ORDER, p -> p.put("total", new JsonObject()), "total"),
        bad("order.updated", ORDER, p -> p.remove("currency"), "currency"),
        bad("order.updated", ORDER, p -> p.getJsonArray("line_items").getJsonObject(1)
            .put("quantity", 1.5), "line_items[1].quantity"),
        bad("order.updated", ORDER, p -> p.getJsonArray("line_items").getJsonObject(0)
            .put("price", "n/a"), "line_items[0].price"),
        bad("order.updated", ORDER, p -> p.put("date_created_gmt", "3 Feb 2026"), "date_created_gmt"),
        bad("order.updated", ORDER, p -> p.put("billing", new JsonArray()), "billing"),
        bad("order.updated", REFUNDED_ORDER, p -> p.getJsonArray("refunds").getJsonObject(1)
            .put("total", "minus ten"), "refunds[1].total"),
        bad("order.updated", REFUNDED_ORDER, p -> p.getJsonArray("refunds").getJsonObject(0)
            .remove("id"), "refunds[0].id"),
        bad("customer.updated", CUSTOMER, p -> p.remove("id"), "id"),
        bad("customer.created", CUSTOMER, p -> {
          p.remove("date_modified_gmt");
          p.remove("date_created_gmt");
        }, "date_modified_gmt"));
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
        () -> mapper.map(topic, payload, null));
    assertEquals(field, e.field());
    assertTrue(e.getMessage().startsWith(topic + ": " + field + " "), e.getMessage());
  }

  @Test
  void aBodyThatIsNotJsonIsMalformed() {
    PlatformPayloadException e = assertThrows(PlatformPayloadException.class,
        () -> mapper.mapBody("order.updated", "<html>502</html>".getBytes(StandardCharsets.UTF_8), null));
    assertEquals("body", e.field());
  }
}
