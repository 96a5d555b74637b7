package io.shoal.event;

import io.shoal.customer.ActivitySource;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Ingested events as entries of the customer activity timeline: an order is {@code order}
 * ("Order #1047 placed", with its amount), a page view {@code page_view}, and so on.
 */
public final class EventTimeline implements ActivitySource {

  /** Event type -> timeline type. Custom events appear as {@code custom}. */
  private static final Map<String, String> TYPES = Map.of(
      "order.completed", "order",
      "order.refunded", "refund",
      "order.cancelled", "order_cancelled",
      "cart.updated", "cart",
      "checkout.started", "checkout",
      "page.viewed", "page_view",
      "product.viewed", "product_view",
      "search", "search",
      "customer.updated", "profile");

  private static final String SQL =
      "SELECT id, type, occurred_at, data FROM events WHERE store_id = $1 AND customer_id = $2"
          + " AND ($3::text[] IS NULL OR type = ANY($3) OR ($4 AND type LIKE 'custom.%'))"
          + " AND ($5::timestamptz IS NULL OR occurred_at >= $5)"
          + " AND ($6::timestamptz IS NULL OR occurred_at < $6)"
          + " AND ($7::timestamptz IS NULL OR (occurred_at, id) < ($7, $8))"
          + " ORDER BY occurred_at DESC, id DESC LIMIT $9";

  private final Pool pool;

  public EventTimeline(Pool pool) {
    this.pool = pool;
  }

  @Override
  public Future<List<Entry>> entries(String storeId, String customerId, Query q) {
    String[] eventTypes = null;
    boolean custom = false;
    if (q.types() != null && !q.types().isEmpty()) {
      List<String> wanted = new ArrayList<>();
      for (Map.Entry<String, String> e : TYPES.entrySet()) {
        if (q.types().contains(e.getValue())) {
          wanted.add(e.getKey());
        }
      }
      custom = q.types().contains("custom");
      if (wanted.isEmpty() && !custom) {
        return Future.succeededFuture(List.of());
      }
      eventTypes = wanted.toArray(new String[0]);
    }
    return pool.preparedQuery(SQL)
        .execute(Tuple.tuple().addValue(storeId).addValue(customerId).addValue(eventTypes).addValue(custom)
            .addValue(q.from()).addValue(q.until()).addValue(q.afterTime()).addValue(q.afterId()).addValue(q.limit()))
        .map(rows -> {
          List<Entry> out = new ArrayList<>(rows.size());
          rows.forEach(r -> out.add(entry(r)));
          return out;
        });
  }

  private static Entry entry(Row r) {
    String type = r.getString("type");
    Object raw = r.getValue("data");
    JsonObject data = raw instanceof JsonObject o ? o : new JsonObject();
    String kind = TYPES.getOrDefault(type, "custom");
    JsonObject fields = new JsonObject().put("event_id", r.getString("id")).put("event_type", type);
    String title = switch (type) {
      case "order.completed" -> {
        fields.put("order_id", data.getString("order_id")).put("amount", data.getValue("total"))
            .put("currency", data.getString("currency"));
        yield "Order #" + data.getString("order_id") + " placed";
      }
      case "order.refunded" -> {
        fields.put("order_id", data.getString("order_id")).put("amount", data.getValue("amount"));
        yield "Order #" + data.getString("order_id") + " refunded";
      }
      case "order.cancelled" -> {
        fields.put("order_id", data.getString("order_id"));
        yield "Order #" + data.getString("order_id") + " cancelled";
      }
      case "cart.updated" -> {
        fields.put("cart_id", data.getString("cart_id")).put("amount", data.getValue("total"));
        yield "Cart updated";
      }
      case "checkout.started" -> {
        fields.put("cart_id", data.getString("cart_id")).put("amount", data.getValue("total"));
        yield "Checkout started";
      }
      case "page.viewed" -> {
        String url = data.getString("url", data.getString("path", ""));
        fields.put("url", url).put("referrer", data.getString("referrer"));
        yield "Viewed: " + url;
      }
      case "product.viewed" -> {
        fields.put("product_id", data.getValue("product_id")).put("data", data);
        yield "Viewed product " + (data.getValue("product_id") == null ? "" : data.getValue("product_id"));
      }
      case "search" -> {
        fields.put("query", data.getValue("query"));
        yield "Searched: " + (data.getValue("query") == null ? "" : data.getValue("query"));
      }
      case "customer.updated" -> "storefront".equals(data.getString("source"))
          ? "Identified on the storefront" : "Profile updated by the store";
      default -> {
        fields.put("data", data);
        yield type.substring("custom.".length());
      }
    };
    return new Entry(r.getString("id"), kind, title, fields, r.getOffsetDateTime("occurred_at"));
  }
}
