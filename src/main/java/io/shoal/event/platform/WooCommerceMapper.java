package io.shoal.event.platform;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * WooCommerce webhooks (payloads are the REST API v3 resource, as WooCommerce delivers them) to
 * Shoal events.
 *
 * <pre>
 * order.created, order.updated, by the order's status:
 *   processing, completed      -> order.completed   id woocommerce:order:{order id}
 *   cancelled                  -> order.cancelled   id woocommerce:order_cancelled:{order id}
 *   any other status           -> nothing
 *   and, whatever the status, each entry of refunds[]
 *                              -> order.refunded    id woocommerce:refund:{refund id}
 * customer.created, .updated   -> customer.updated  id woocommerce:customer:{id}:{date_modified_gmt}
 * the creation ping, anything else -> nothing
 * </pre>
 *
 * <p>WooCommerce has no refund topic: an order's refunds arrive inside its order.updated
 * deliveries, all of them every time. One event per refund, keyed by the refund's id, makes a
 * partial refund count when it appears (the order stays "processing" or "completed") and every
 * later delivery repeat it harmlessly; a fully refunded order (status "refunded") yields the sum
 * of its refunds, refund by refund. WooCommerce's refund totals are negative; Shoal's amounts are
 * positive.
 *
 * <p>A processing and a completed delivery of one order share an id, so the order counts once.
 * Customers: {@code customer_id} 0 is a guest, identified by billing email (and phone); other
 * customers are {@code woocommerce:{customer_id}}. An order nobody can be identified in (a guest
 * with neither email nor phone) is no purchase or cancellation; its refunds are still reported,
 * naming only their order. WooCommerce core has no marketing consent, so none is emitted. Line items have no category ({@code category_id} is null); the price is the
 * line's unit price after discounts. Times are read from the {@code *_gmt} fields.
 *
 * <p>All ids are natural keys: WooCommerce makes a new delivery id for every delivery (a hash
 * of the webhook id and the time), so it cannot recognise a redelivery and is not used.
 */
public final class WooCommerceMapper implements WebhookMapper {

  private static final Set<String> TOPICS = Set.of(
      "order.created", "order.updated", "customer.created", "customer.updated");
  private static final String PING_PREFIX = "webhook_id=";

  @Override
  public boolean handles(String topic) {
    return topic != null && TOPICS.contains(topic);
  }

  /**
   * True for the ping WooCommerce posts when a webhook is created or re-activated: the form body
   * {@code webhook_id=<n>}, without signature or topic headers. It must be answered 200 (else
   * WooCommerce refuses to save the webhook), so check for it before the signature.
   */
  public static boolean isPing(byte[] rawBody) {
    if (rawBody == null || rawBody.length > 64) {
      return false;
    }
    String body = new String(rawBody, StandardCharsets.US_ASCII).trim();
    if (!body.startsWith(PING_PREFIX) || body.length() == PING_PREFIX.length()) {
      return false;
    }
    for (int i = PING_PREFIX.length(); i < body.length(); i++) {
      if (!Character.isDigit(body.charAt(i))) {
        return false;
      }
    }
    return true;
  }

  /** As {@link WebhookMapper#mapBody}, and the creation ping maps to no events. */
  @Override
  public List<JsonObject> mapBody(String topic, byte[] rawBody, String deliveryId) {
    if (isPing(rawBody)) {
      return List.of();
    }
    return WebhookMapper.super.mapBody(topic, rawBody, deliveryId);
  }

  @Override
  public List<JsonObject> map(String topic, JsonObject payload, String deliveryId) {
    if (!handles(topic)) {
      return List.of();
    }
    PayloadReader p = new PayloadReader(topic, payload);
    return topic.startsWith("order.") ? order(p) : customerUpdated(p);
  }

  private static List<JsonObject> order(PayloadReader p) {
    String orderId = p.id("id");
    String status = p.requiredText("status");
    CustomerFields customer = orderCustomer(p);
    JsonObject statusEvent = switch (status) {
      case "processing", "completed" -> ShoalEvent.of("woocommerce:order:" + orderId,
          ShoalEvent.ORDER_COMPLETED, p.time("date_created_gmt"), customer,
          ShoalEvent.withCouponCodes(ShoalEvent.order(orderId, p.money("total"), p.requiredText("currency"),
              items(p)), p, "coupon_lines"));
      case "cancelled" -> ShoalEvent.of("woocommerce:order_cancelled:" + orderId,
          ShoalEvent.ORDER_CANCELLED, p.time("date_modified_gmt", "date_created_gmt"), customer,
          ShoalEvent.cancellation(orderId));
      // pending, on-hold, failed, refunded, trash, checkout-draft, custom statuses: no purchase
      // (the money of a refunded order is reported by its refunds, below)
      default -> null;
    };
    List<JsonObject> events = new ArrayList<>();
    if (statusEvent != null && customer.identified()) {
      events.add(statusEvent);
    }
    List<PayloadReader> refunds = p.objects("refunds");
    if (!refunds.isEmpty()) {
      String currency = p.requiredText("currency");
      String occurredAt = p.time("date_modified_gmt", "date_created_gmt");
      for (PayloadReader refund : refunds) {
        BigDecimal amount = refund.money("total").abs();
        if (amount.signum() != 0) {
          // like Shopify's refunds, these name their order, which is enough to find the customer
          events.add(ShoalEvent.of("woocommerce:refund:" + refund.id("id"),
              ShoalEvent.ORDER_REFUNDED, occurredAt, customer.identified() ? customer : null,
              ShoalEvent.refund(orderId, amount, currency)));
        }
      }
    }
    return events;
  }

  private static List<JsonObject> customerUpdated(PayloadReader p) {
    String customerId = p.id("id");
    PayloadReader billing = p.object("billing");
    CustomerFields customer = new CustomerFields()
        .set("external_id", "woocommerce:" + customerId)
        .set("email", p.text("email"))
        .set("first_name", p.text("first_name"))
        .set("last_name", p.text("last_name"));
    if (billing != null) {
      fillFromBilling(customer, billing);
    }
    String occurredAt = p.time("date_modified_gmt", "date_created_gmt");
    return List.of(ShoalEvent.of("woocommerce:customer:" + customerId + ":" + occurredAt,
        ShoalEvent.CUSTOMER_UPDATED, occurredAt, customer, new JsonObject()));
  }

  /** A registered customer by id; a guest ({@code customer_id} 0 or absent) by billing contact. */
  private static CustomerFields orderCustomer(PayloadReader p) {
    String customerId = p.optionalId("customer_id");
    CustomerFields customer = new CustomerFields();
    if (customerId != null && !customerId.equals("0")) {
      customer.set("external_id", "woocommerce:" + customerId);
    }
    PayloadReader billing = p.object("billing");
    if (billing != null) {
      fillFromBilling(customer, billing);
    }
    return customer;
  }

  private static void fillFromBilling(CustomerFields customer, PayloadReader billing) {
    customer.fill("email", billing.text("email"))
        .fill("phone", billing.text("phone"))
        .fill("first_name", billing.text("first_name"))
        .fill("last_name", billing.text("last_name"));
    JsonObject address = ShoalEvent.address(billing.text("address_1"), billing.text("address_2"),
        billing.text("city"), billing.text("state"), billing.text("postcode"),
        billing.text("country"));
    customer.fillAddress(address);
  }

  /**
   * WooCommerce's {@code price} is the unit price after discounts (total / quantity, as a float);
   * where it is absent the unit price is derived from the line's total.
   */
  private static JsonArray items(PayloadReader p) {
    JsonArray items = new JsonArray();
    for (PayloadReader line : p.objects("line_items")) {
      String productId = line.optionalId("product_id");
      int quantity = line.quantity("quantity");
      BigDecimal price = line.optionalMoney("price");
      if (price == null) {
        BigDecimal total = line.money("total");
        price = quantity == 0 ? total
            : total.divide(BigDecimal.valueOf(quantity), 2, RoundingMode.HALF_EVEN);
      }
      items.add(ShoalEvent.item("0".equals(productId) ? null : productId, null, quantity, price));
    }
    return items;
  }
}
