package io.shoal.event.platform;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;

/** Builds events in the Shoal event form ({@code id, type, customer, occurred_at, data}). */
final class ShoalEvent {

  static final String ORDER_COMPLETED = "order.completed";
  static final String ORDER_REFUNDED = "order.refunded";
  static final String ORDER_CANCELLED = "order.cancelled";
  static final String CART_UPDATED = "cart.updated";
  static final String CHECKOUT_STARTED = "checkout.started";
  static final String CUSTOMER_UPDATED = "customer.updated";

  private ShoalEvent() {}

  /** An event; a null customer leaves the key out (refunds name only their order). */
  static JsonObject of(String id, String type, String occurredAt, CustomerFields customer,
      JsonObject data) {
    JsonObject event = new JsonObject().put("id", id).put("type", type);
    if (customer != null) {
      event.put("customer", customer.toJson());
    }
    return event.put("occurred_at", occurredAt).put("data", data);
  }

  /** A Shoal address with only the given lines; empty when none is given. */
  static JsonObject address(String line1, String line2, String city, String state,
      String postalCode, String country) {
    JsonObject address = new JsonObject();
    putIfPresent(address, "line1", line1);
    putIfPresent(address, "line2", line2);
    putIfPresent(address, "city", city);
    putIfPresent(address, "state", state);
    putIfPresent(address, "postal_code", postalCode);
    putIfPresent(address, "country", country);
    return address;
  }

  private static void putIfPresent(JsonObject json, String key, String value) {
    if (value != null) {
      json.put(key, value);
    }
  }

  static JsonObject item(String productId, String categoryId, int quantity, BigDecimal price) {
    return new JsonObject()
        .put("product_id", productId)
        .put("category_id", categoryId)
        .put("quantity", quantity)
        .put("price", price);
  }

  static JsonObject order(String orderId, BigDecimal total, String currency, JsonArray items) {
    return new JsonObject()
        .put("order_id", orderId)
        .put("total", total)
        .put("currency", currency)
        .put("items", items);
  }

  /**
   * The discount codes of an order ({@code discount_codes[].code} on Shopify,
   * {@code coupon_lines[].code} on WooCommerce) as {@code data.coupon_codes}; coupons redeem them.
   */
  static JsonObject withCouponCodes(JsonObject data, PayloadReader p, String key) {
    JsonArray codes = new JsonArray();
    for (PayloadReader line : p.objects(key)) {
      String code = line.text("code");
      if (code != null && !code.isBlank() && !codes.contains(code.trim())) {
        codes.add(code.trim());
      }
    }
    if (!codes.isEmpty()) {
      data.put("coupon_codes", codes);
    }
    return data;
  }

  static JsonObject cart(String cartId, BigDecimal total, String currency, JsonArray items) {
    return new JsonObject()
        .put("cart_id", cartId)
        .put("total", total)
        .put("currency", currency)
        .put("items", items);
  }

  static JsonObject refund(String orderId, BigDecimal amount, String currency) {
    return new JsonObject().put("order_id", orderId).put("amount", amount).put("currency", currency);
  }

  static JsonObject cancellation(String orderId) {
    return new JsonObject().put("order_id", orderId);
  }
}
