package io.shoal.catalog;

import io.shoal.event.PlatformTopicHandler;
import io.shoal.kernel.DomainException;
import io.shoal.kernel.LocalizedText;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Feeds the catalog from the platforms' product webhooks, with the ids their order webhooks
 * carry (so a product in an order is the catalog's product):
 *
 * <pre>
 * Shopify      products/create, products/update -> product id = id, name = title,
 *                                                  category = product_type (id and name),
 *                                                  price = variants[0].price
 *              products/delete                  -> product removed
 * WooCommerce  product.created, product.updated -> product id = id, name = name,
 *                                                  categories = categories[] (id, name), price
 *              product.deleted                  -> product removed
 * </pre>
 *
 * Category parents are not in product payloads: set them through the catalog API; a webhook
 * never clears them.
 */
public final class PlatformProducts implements PlatformTopicHandler {

  private static final Set<String> SHOPIFY = Set.of("products/create", "products/update", "products/delete");
  private static final Set<String> WOO = Set.of("product.created", "product.updated", "product.deleted",
      "product.restored");

  private final CatalogStore store;

  public PlatformProducts(CatalogStore store) {
    this.store = store;
  }

  @Override
  public boolean handles(String platform, String topic) {
    return switch (platform) {
      case "shopify" -> SHOPIFY.contains(topic);
      case "woocommerce" -> WOO.contains(topic);
      default -> false;
    };
  }

  @Override
  public Future<JsonObject> handle(String storeId, String platform, String topic, JsonObject payload) {
    String id = id(payload, topic);
    if (topic.endsWith("delete") || topic.endsWith("deleted")) {
      return store.deleteProduct(storeId, id).map(deleted -> answer(topic, id, deleted ? "deleted" : "unknown"));
    }
    Map<String, String> categories = new LinkedHashMap<>();
    String name;
    BigDecimal price;
    if (platform.equals("shopify")) {
      name = text(payload, "title", topic);
      String type = payload.getValue("product_type") instanceof String t && !t.isBlank() ? t.trim() : null;
      if (type != null) {
        categories.put(type, type);
      }
      JsonArray variants = payload.getJsonArray("variants");
      price = variants == null || variants.isEmpty() || !(variants.getValue(0) instanceof JsonObject v)
          ? null : money(v.getValue("price"), topic, "variants[0].price");
    } else {
      name = text(payload, "name", topic);
      Object cats = payload.getValue("categories");
      if (cats instanceof JsonArray array) {
        for (int i = 0; i < array.size(); i++) {
          if (!(array.getValue(i) instanceof JsonObject c) || c.getValue("id") == null) {
            throw bad(topic, "categories[" + i + "].id is missing", "categories");
          }
          String name0 = c.getString("name", String.valueOf(c.getValue("id")));
          categories.put(String.valueOf(c.getValue("id")), name0);
        }
      }
      price = money(payload.getValue("price"), topic, "price");
    }
    String source = platform;
    JsonObject metadata = new JsonObject().put("platform", platform);
    List<String> categoryIds = new ArrayList<>(categories.keySet());
    return store.ensureCategories(storeId, categories, source)
        .compose(v -> store.putProduct(storeId, new CatalogStore.ProductWrite(id, new LocalizedText(name,
            new JsonObject(), null), categoryIds, price, null, source, metadata)))
        .map(row -> answer(topic, id, "upserted"));
  }

  private static JsonObject answer(String topic, String productId, String outcome) {
    return new JsonObject().put("object", "webhook_delivery").put("events", new JsonArray())
        .put("catalog", new JsonObject().put("topic", topic).put("product_id", productId).put("result", outcome));
  }

  private static String id(JsonObject p, String topic) {
    Object id = p.getValue("id");
    if (id instanceof Number n) {
      return String.valueOf(n.longValue());
    }
    if (id instanceof String s && !s.isBlank()) {
      return s.trim();
    }
    throw bad(topic, "id is missing", "id");
  }

  private static String text(JsonObject p, String field, String topic) {
    Object v = p.getValue(field);
    if (v instanceof String s && !s.isBlank()) {
      return s.trim();
    }
    throw bad(topic, field + " is missing", field);
  }

  private static BigDecimal money(Object v, String topic, String field) {
    if (v == null || (v instanceof String s && s.isBlank())) {
      return null;
    }
    try {
      return new BigDecimal(String.valueOf(v)).setScale(2, java.math.RoundingMode.HALF_EVEN);
    } catch (NumberFormatException e) {
      throw bad(topic, field + " must be a decimal amount such as \"19.90\", got \"" + v + "\"", field);
    }
  }

  private static DomainException bad(String topic, String message, String field) {
    return DomainException.invalid("webhook_payload_invalid", topic + ": " + message, field);
  }
}
