package io.shoal.engine.support;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;

/**
 * Events as a store sends them to {@code POST .../events}: the type, when it happened and its
 * data. Who it is about is added with {@link #by(JsonObject, String)} (a customer id) or
 * {@link #byEmail(JsonObject, String)} / {@link #byExternalId(JsonObject, String)} (an identity).
 */
public final class Events {

  private Events() {}

  public static JsonObject event(String type, Instant at, JsonObject data) {
    JsonObject e = new JsonObject().put("type", type).put("data", data);
    if (at != null) {
      e.put("occurred_at", at.toString());
    }
    return e;
  }

  public static JsonObject order(String orderId, String total, Instant at) {
    return event("order.completed", at, new JsonObject().put("order_id", orderId).put("total", total)
        .put("currency", "EUR"));
  }

  /** An order of some products: {@code items} alternate product id and category id. */
  public static JsonObject order(String orderId, String total, Instant at, String... productsAndCategories) {
    JsonArray items = new JsonArray();
    for (int i = 0; i < productsAndCategories.length; i += 2) {
      items.add(new JsonObject().put("product_id", productsAndCategories[i])
          .put("category_id", productsAndCategories[i + 1]).put("quantity", 1));
    }
    JsonObject e = order(orderId, total, at);
    e.getJsonObject("data").put("items", items);
    return e;
  }

  public static JsonObject refund(String orderId, String amount, Instant at) {
    return event("order.refunded", at, new JsonObject().put("order_id", orderId).put("amount", amount));
  }

  public static JsonObject cancel(String orderId, Instant at) {
    return event("order.cancelled", at, new JsonObject().put("order_id", orderId));
  }

  public static JsonObject cart(String cartId, String total, int quantity, Instant at) {
    return event("cart.updated", at, new JsonObject().put("cart_id", cartId).put("total", total)
        .put("items", new JsonArray().add(new JsonObject().put("product_id", "sku-1").put("quantity", quantity))));
  }

  public static JsonObject pageView(String url, Instant at) {
    return event("page.viewed", at, new JsonObject().put("url", url));
  }

  /** The event about the customer with this id. */
  public static JsonObject by(JsonObject event, String customerId) {
    return event.copy().put("customer_id", customerId);
  }

  /** The event about the customer with this email (created if unknown). */
  public static JsonObject byEmail(JsonObject event, String email) {
    return event.copy().put("customer", new JsonObject().put("email", email));
  }

  /** The event about the customer with this external id (created if unknown). */
  public static JsonObject byExternalId(JsonObject event, String externalId) {
    return event.copy().put("customer", new JsonObject().put("external_id", externalId));
  }

  /** The same event with the store's own event id. */
  public static JsonObject withId(JsonObject event, String id) {
    return event.copy().put("id", id);
  }
}
