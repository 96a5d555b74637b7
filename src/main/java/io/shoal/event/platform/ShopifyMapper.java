package io.shoal.event.platform;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.util.List;
import java.util.Set;

/**
 * Shopify webhooks (REST-shaped JSON payloads, as Shopify delivers them) to Shoal events.
 *
 * <pre>
 * orders/create, orders/paid  -> order.completed   id shopify:order:{order id}
 * orders/cancelled            -> order.cancelled   id shopify:order_cancelled:{order id}
 * refunds/create              -> order.refunded    id shopify:refund:{refund id}
 * checkouts/create            -> checkout.started  id shopify:checkout_started:{token}
 * checkouts/update            -> cart.updated      id shopify:webhook:{X-Shopify-Webhook-Id}
 *                                                     or shopify:checkout:{token}:{updated_at}
 * customers/create, /update   -> customer.updated  id shopify:customer:{id}:{updated_at}
 * anything else               -> nothing
 * </pre>
 *
 * <p>orders/create and orders/paid share one id, so an order counts once whichever arrives first
 * (a cash-on-delivery or bank-transfer order counts when it is placed; its cancellation arrives
 * as order.cancelled). Nothing is emitted for test orders ({@code "test": true}, which includes
 * the admin's "Send test notification"), for completed checkouts (the order reports the
 * purchase), for deliveries that identify no customer (a checkout before the email step, a POS
 * sale without a customer), and for refunds that returned no money. Refund payloads name no
 * customer: order.refunded carries only the order id, and Shoal finds the customer by it.
 *
 * <p>Line items have no category in Shopify; {@code category_id} is the product's
 * {@code product_type} when the payload carries one, else null. Ids are emitted as strings, money
 * as numbers with 2 decimals, times in UTC.
 */
public final class ShopifyMapper implements WebhookMapper {

  private static final Set<String> TOPICS = Set.of(
      "orders/create", "orders/paid", "orders/cancelled", "refunds/create",
      "checkouts/create", "checkouts/update", "customers/create", "customers/update");

  @Override
  public boolean handles(String topic) {
    return topic != null && TOPICS.contains(topic);
  }

  @Override
  public List<JsonObject> map(String topic, JsonObject payload, String webhookId) {
    if (!handles(topic)) {
      return List.of();
    }
    PayloadReader p = new PayloadReader(topic, payload);
    return switch (topic) {
      case "orders/create", "orders/paid" -> orderCompleted(p);
      case "orders/cancelled" -> orderCancelled(p);
      case "refunds/create" -> refund(p);
      case "checkouts/create" -> checkout(p, ShoalEvent.CHECKOUT_STARTED, null);
      case "checkouts/update" -> checkout(p, ShoalEvent.CART_UPDATED, webhookId);
      default -> customerUpdated(p);
    };
  }

  private static List<JsonObject> orderCompleted(PayloadReader p) {
    String orderId = p.id("id");
    if (Boolean.TRUE.equals(p.bool("test"))) {
      return List.of();
    }
    CustomerFields customer = orderCustomer(p);
    JsonObject data = ShoalEvent.withCouponCodes(ShoalEvent.order(orderId, p.money("total_price"),
        p.requiredText("currency"), items(p)), p, "discount_codes");
    String occurredAt = p.time("processed_at", "created_at");
    if (!customer.identified()) {
      return List.of();
    }
    return List.of(ShoalEvent.of("shopify:order:" + orderId, ShoalEvent.ORDER_COMPLETED,
        occurredAt, customer, data));
  }

  private static List<JsonObject> orderCancelled(PayloadReader p) {
    String orderId = p.id("id");
    if (Boolean.TRUE.equals(p.bool("test"))) {
      return List.of();
    }
    CustomerFields customer = orderCustomer(p);
    String occurredAt = p.time("cancelled_at", "updated_at");
    if (!customer.identified()) {
      return List.of();
    }
    return List.of(ShoalEvent.of("shopify:order_cancelled:" + orderId, ShoalEvent.ORDER_CANCELLED,
        occurredAt, customer, ShoalEvent.cancellation(orderId)));
  }

  /**
   * The refunded amount is what successful refund transactions returned. A refund recorded
   * without transactions (refunded outside Shopify's payment flow) counts its line items'
   * subtotals instead. Failed or pending transactions return nothing (yet), and a refund of
   * nothing is not an event.
   */
  private static List<JsonObject> refund(PayloadReader p) {
    String refundId = p.id("id");
    String orderId = p.id("order_id");
    String occurredAt = p.time("processed_at", "created_at");
    List<PayloadReader> transactions = p.objects("transactions");
    BigDecimal amount = BigDecimal.ZERO.setScale(2);
    String currency = null;
    if (!transactions.isEmpty()) {
      boolean allTest = true;
      for (PayloadReader t : transactions) {
        allTest &= Boolean.TRUE.equals(t.bool("test"));
        String kind = t.text("kind");
        if ((kind == null || kind.equals("refund")) && "success".equals(t.text("status"))) {
          amount = amount.add(t.money("amount"));
          currency = currency != null ? currency : t.requiredText("currency");
        }
      }
      if (allTest) {
        return List.of();
      }
    } else {
      for (PayloadReader line : p.objects("refund_line_items")) {
        amount = amount.add(line.money("subtotal"));
        if (currency == null) {
          currency = shopMoneyCurrency(line.object("subtotal_set"));
        }
      }
      if (currency == null && amount.signum() != 0) {
        throw p.missing("refund_line_items[0].subtotal_set.shop_money.currency_code");
      }
    }
    if (amount.signum() == 0) {
      return List.of();
    }
    return List.of(ShoalEvent.of("shopify:refund:" + refundId, ShoalEvent.ORDER_REFUNDED,
        occurredAt, null, ShoalEvent.refund(orderId, amount, currency)));
  }

  private static String shopMoneyCurrency(PayloadReader moneySet) {
    PayloadReader shopMoney = moneySet == null ? null : moneySet.object("shop_money");
    return shopMoney == null ? null : shopMoney.text("currency_code");
  }

  /**
   * checkouts/create starts a checkout once per token; checkouts/update reports each change,
   * identified by the webhook id when Shopify sent one (stable across its retries), else by the
   * checkout's own update time.
   */
  private static List<JsonObject> checkout(PayloadReader p, String type, String webhookId) {
    String token = p.requiredText("token");
    if (p.has("completed_at")) {
      return List.of();
    }
    CustomerFields customer = orderCustomer(p);
    JsonObject data = ShoalEvent.cart(token, p.money("total_price"), p.requiredText("currency"),
        items(p));
    String id;
    String occurredAt;
    if (type.equals(ShoalEvent.CHECKOUT_STARTED)) {
      occurredAt = p.time("created_at", "updated_at");
      id = "shopify:checkout_started:" + token;
    } else {
      occurredAt = p.time("updated_at", "created_at");
      id = webhookId != null && !webhookId.isBlank()
          ? "shopify:webhook:" + webhookId.trim()
          : "shopify:checkout:" + token + ":" + occurredAt;
    }
    if (!customer.identified()) {
      return List.of();
    }
    return List.of(ShoalEvent.of(id, type, occurredAt, customer, data));
  }

  private static List<JsonObject> customerUpdated(PayloadReader p) {
    String customerId = p.id("id");
    CustomerFields customer = customerFields(p);
    String occurredAt = p.time("updated_at", "created_at");
    return List.of(ShoalEvent.of("shopify:customer:" + customerId + ":" + occurredAt,
        ShoalEvent.CUSTOMER_UPDATED, occurredAt, customer, new JsonObject()));
  }

  /**
   * The buyer of an order or checkout: the embedded customer first, then the order's own contact
   * fields and billing address for whatever the customer object leaves out.
   */
  private static CustomerFields orderCustomer(PayloadReader p) {
    PayloadReader c = p.object("customer");
    CustomerFields customer = c == null ? new CustomerFields() : customerFields(c);
    customer.fill("email", p.text("email"))
        .fill("email", p.text("contact_email"))
        .fill("phone", p.text("phone"));
    PayloadReader billing = p.object("billing_address");
    if (billing != null) {
      customer.fill("first_name", billing.text("first_name"))
          .fill("last_name", billing.text("last_name"))
          .fill("phone", billing.text("phone"))
          .fillAddress(address(billing));
    }
    return customer;
  }

  /** A Shopify customer object, as in customers/* payloads and embedded in orders. */
  private static CustomerFields customerFields(PayloadReader c) {
    String id = c.optionalId("id");
    CustomerFields customer = new CustomerFields()
        .set("external_id", id == null ? null : "shopify:" + id)
        .set("email", c.text("email"))
        .set("phone", c.text("phone"))
        .set("first_name", c.text("first_name"))
        .set("last_name", c.text("last_name"))
        .tags(c.labels("tags")) // a comma-separated string; absent stays absent
        .consent("email_consent", emailConsent(c))
        .consent("sms_consent", marketingState(c, "sms_marketing_consent"));
    PayloadReader defaultAddress = c.object("default_address");
    if (defaultAddress != null) {
      customer.fillAddress(address(defaultAddress));
    }
    return customer;
  }

  /** {@code email_marketing_consent.state}, else the legacy {@code accepts_marketing}. */
  private static Boolean emailConsent(PayloadReader c) {
    Boolean state = marketingState(c, "email_marketing_consent");
    return state != null ? state : c.bool("accepts_marketing");
  }

  private static Boolean marketingState(PayloadReader c, String key) {
    PayloadReader consent = c.object(key);
    String state = consent == null ? null : consent.text("state");
    return state == null ? null : state.equals("subscribed");
  }

  /** A Shopify address; the state is the province code where given, the country its code. */
  private static JsonObject address(PayloadReader a) {
    String province = a.text("province_code");
    return ShoalEvent.address(a.text("address1"), a.text("address2"), a.text("city"),
        province != null ? province : a.text("province"), a.text("zip"), a.text("country_code"));
  }

  private static JsonArray items(PayloadReader p) {
    JsonArray items = new JsonArray();
    for (PayloadReader line : p.objects("line_items")) {
      items.add(ShoalEvent.item(line.optionalId("product_id"), line.text("product_type"),
          line.quantity("quantity"), line.money("price")));
    }
    return items;
  }
}
