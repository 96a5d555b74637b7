package io.shoal.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.shoal.event.platform.WebhookSignature;
import io.shoal.testing.ApiClient;
import io.shoal.testing.ApiResponse;
import io.shoal.testing.TestServer;
import io.shoal.testing.TestStore;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The store's catalog, fed by the API and by the Shopify and WooCommerce product webhooks. */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class CatalogTest {

  private static TestServer server;
  private TestStore store;
  private ApiClient api;

  @BeforeAll
  static void start() {
    server = TestServer.start();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @BeforeEach
  void aStore() {
    store = server.createStore("Catalog");
    api = store.api();
  }

  @Test
  void categoriesHaveParentsWithoutCyclesAndProductsHaveKnownCategories() {
    api.put(store.path("/catalog/categories/clothing"), new JsonObject().put("name", "Clothing")).expect(200);
    JsonObject women = api.put(store.path("/catalog/categories/women"), new JsonObject()
        .put("name", new JsonObject().put("en", "Women").put("de", "Damen")).put("parent_id", "clothing")).expect(200);
    assertEquals("category", women.getString("object"));
    assertEquals("clothing", women.getString("parent_id"));
    api.put(store.path("/catalog/categories/clothing"), new JsonObject().put("name", "Clothing").put("parent_id", "women"))
        .expectError(400, "parameter_invalid");
    api.put(store.path("/catalog/categories/x"), new JsonObject().put("name", "X").put("parent_id", "x"))
        .expectError(400, "parameter_invalid");
    api.put(store.path("/catalog/categories/y"), new JsonObject().put("name", "Y").put("parent_id", "nowhere"))
        .expectError(400, "category_unknown");
    MultiMap de = MultiMap.caseInsensitiveMultiMap().add("Accept-Language", "de-DE");
    assertEquals("Damen", api.withHeaders(HttpMethod.GET, store.path("/catalog/categories/women"), de, null)
        .expect(200).getString("name"));
    assertEquals(1, api.get(store.path("/catalog/categories?parent_id=clothing")).page().size());

    JsonObject p = api.put(store.path("/catalog/products/sku-1"), new JsonObject().put("name", "Dress")
        .put("category_ids", new JsonArray().add("women")).put("price", 49.9).put("currency", "EUR")).expect(200);
    assertEquals(49.90, p.getDouble("price"));
    assertEquals("api", p.getString("source"));
    api.put(store.path("/catalog/products/sku-2"), new JsonObject().put("name", "Hat")
        .put("category_ids", new JsonArray().add("hats"))).expectError(400, "category_unknown");
    api.get(store.path("/catalog/products/sku-2")).expectError(404, "resource_missing");
    for (int i = 0; i < 7; i++) {
      api.put(store.path("/catalog/products/bulk-" + i), new JsonObject().put("name", "Item " + i)).expect(200);
    }
    List<String> ids = new ArrayList<>();
    String cursor = null;
    do {
      JsonObject page = api.get(store.path("/catalog/products?limit=3" + (cursor == null ? "" : "&cursor=" + cursor)))
          .expect(200);
      page.getJsonArray("data").forEach(o -> ids.add(((JsonObject) o).getString("id")));
      cursor = page.getString("next_cursor");
    } while (cursor != null);
    assertEquals(8, ids.size());
    assertEquals(ids.stream().sorted().toList(), ids);
    assertEquals(1, api.get(store.path("/catalog/products?category_id=women")).page().size());

    TestStore other = server.createStore("Other");
    other.api().get(other.path("/catalog/products/sku-1")).expectError(404, "resource_missing");
    other.api().get(store.path("/catalog/products/sku-1")).expectError(404, "resource_missing");
    assertEquals(0, other.api().get(other.path("/catalog/categories")).page().size());

    api.delete(store.path("/catalog/products/sku-1")).expect(200);
    api.delete(store.path("/catalog/products/sku-1")).expectError(404, "resource_missing");
  }

  /**
   * Seed 004's last step: a category's products for some segments. Catalog: clothing > women >
   * dresses, clothing > men; shoes apart. Segment "dresses only" assigns the subcategory
   * dresses and one shoe; "women" assigns women (so dresses below it too).
   */
  @Test
  void aCategorysProductsWithSubcategoriesOnlyAsTheNamedSegmentsAssignThem() {
    category("clothing", null);
    category("women", "clothing");
    category("dresses", "women");
    category("men", "clothing");
    category("shoes", null);
    product("coat", "clothing");
    product("blouse", "women");
    product("gown", "dresses");
    product("frock", "dresses");
    product("suit", "men");
    product("boot", "shoes");
    product("sneaker", "shoes");
    product("loose", null);
    String dressesOnly = segment("Dresses only");
    api.put(store.path("/segments/" + dressesOnly + "/items/category/dresses"), new JsonObject()).expect(200);
    api.put(store.path("/segments/" + dressesOnly + "/items/product/boot"), new JsonObject()).expect(200);
    String women = segment("Women");
    api.put(store.path("/segments/" + women + "/items/category/women"), new JsonObject()).expect(200);
    String empty = segment("Nothing assigned");

    // the category alone: directly in it, or in it and below
    assertEquals(List.of("coat"), productIds("category_id=clothing"));
    assertEquals(List.of("blouse", "coat", "frock", "gown", "suit"),
        productIds("category_id=clothing&with_subcategories=true"));
    assertEquals(List.of("blouse", "frock", "gown"), productIds("category_id=women&with_subcategories=true"));
    assertEquals(List.of("frock", "gown"), productIds("category_id=dresses&with_subcategories=true"));
    assertEquals(List.of(), productIds("category_id=nowhere&with_subcategories=true"));

    // a segment that names the subcategory: under clothing only the dresses (and not the coat
    // or blouse above them); its assigned product shows outside any category asked
    assertEquals(List.of("frock", "gown"),
        productIds("category_id=clothing&with_subcategories=true&segment_ids=" + dressesOnly));
    assertEquals(List.of("boot", "frock", "gown"), productIds("segment_ids=" + dressesOnly));
    assertEquals(List.of(), productIds("category_id=clothing&segment_ids=" + dressesOnly));
    // a category assigned covers the categories below it
    assertEquals(List.of("blouse", "frock", "gown"),
        productIds("category_id=clothing&with_subcategories=true&segment_ids=" + women));
    // several segments: what any of them covers, repeated or comma-separated alike
    assertEquals(List.of("blouse", "boot", "frock", "gown"), productIds("segment_ids=" + dressesOnly + "," + women));
    assertEquals(List.of("blouse", "boot", "frock", "gown"),
        productIds("segment_ids=" + dressesOnly + "&segment_ids=" + women));
    assertEquals(List.of(), productIds("segment_ids=" + empty));
    // paging keeps the filter
    List<String> paged = new ArrayList<>();
    String cursor = null;
    do {
      JsonObject page = api.get(store.path("/catalog/products?limit=1&with_subcategories=true&category_id=clothing"
          + "&segment_ids=" + women + (cursor == null ? "" : "&cursor=" + cursor))).expect(200);
      page.getJsonArray("data").forEach(o -> paged.add(((JsonObject) o).getString("id")));
      cursor = page.getString("next_cursor");
    } while (cursor != null);
    assertEquals(List.of("blouse", "frock", "gown"), paged);

    // an id that is not a segment of this store, another store's segment included
    api.get(store.path("/catalog/products?segment_ids=seg_nope," + women)).expectError(400, "segment_unknown");
    TestStore other = server.createStore("Other");
    other.api().put(other.path("/catalog/categories/dresses"), new JsonObject().put("name", "Dresses")).expect(200);
    other.api().put(other.path("/catalog/products/gown"), new JsonObject().put("name", "Gown")
        .put("category_ids", new JsonArray().add("dresses"))).expect(200);
    other.api().get(other.path("/catalog/products?segment_ids=" + dressesOnly)).expectError(400, "segment_unknown");
    String theirs = other.api().post(other.path("/segments"), new JsonObject().put("name", "Theirs")
        .put("type", "static")).expect(201).getString("id");
    api.get(store.path("/catalog/products?segment_ids=" + theirs)).expectError(400, "segment_unknown");
    StringBuilder many = new StringBuilder(dressesOnly);
    for (int i = 0; i < CatalogApi.MAX_SEGMENTS_PER_LIST; i++) {
      many.append(",").append(dressesOnly);
    }
    api.get(store.path("/catalog/products?segment_ids=" + many)).expectError(400, "parameter_invalid");
  }

  private void category(String id, String parent) {
    api.put(store.path("/catalog/categories/" + id), new JsonObject().put("name", id).put("parent_id", parent))
        .expect(200);
  }

  private void product(String id, String category) {
    api.put(store.path("/catalog/products/" + id), new JsonObject().put("name", id)
        .put("category_ids", category == null ? new JsonArray() : new JsonArray().add(category))).expect(200);
  }

  private String segment(String name) {
    return api.post(store.path("/segments"), new JsonObject().put("name", name).put("type", "static"))
        .expect(201).getString("id");
  }

  private List<String> productIds(String query) {
    List<String> ids = new ArrayList<>();
    api.get(store.path("/catalog/products?limit=100&" + query)).expect(200).getJsonArray("data")
        .forEach(o -> ids.add(((JsonObject) o).getString("id")));
    return ids;
  }

  @Test
  void productWebhooksFromShopifyAndWooCommerceFeedTheCatalog() {
    api.put(store.path("/webhook-secrets/shopify"), new JsonObject().put("secret", "shp-secret")).expect(200);
    api.put(store.path("/webhook-secrets/woocommerce"), new JsonObject().put("secret", "woo-secret")).expect(200);
    JsonObject shopifyProduct = new JsonObject().put("id", 8123456789017L).put("title", "Trail Runner")
        .put("product_type", "Shoes")
        .put("variants", new JsonArray().add(new JsonObject().put("id", 1).put("price", "59.00")));
    deliver("shopify", "products/create", shopifyProduct, "shp-secret").expect(200);
    JsonObject p = api.get(store.path("/catalog/products/8123456789017")).expect(200);
    assertEquals("Trail Runner", p.getString("name"));
    assertEquals(new JsonArray().add("Shoes"), p.getJsonArray("category_ids"));
    assertEquals(59.00, p.getDouble("price"));
    assertEquals("shopify", p.getString("source"));
    assertEquals("Shoes", api.get(store.path("/catalog/categories/Shoes")).expect(200).getString("name"));
    deliver("shopify", "products/update", shopifyProduct.copy().put("title", "Trail Runner 2"), "shp-secret").expect(200);
    assertEquals("Trail Runner 2", api.get(store.path("/catalog/products/8123456789017")).expect(200).getString("name"));

    // a parent set through the API survives the platform's later deliveries
    api.put(store.path("/catalog/categories/apparel"), new JsonObject().put("name", "Apparel")).expect(200);
    JsonObject woo = new JsonObject().put("id", 233).put("name", "Beanie").put("price", "10.52")
        .put("categories", new JsonArray().add(new JsonObject().put("id", 15).put("name", "Hats")));
    deliver("woocommerce", "product.created", woo, "woo-secret").expect(200);
    api.put(store.path("/catalog/categories/15"), new JsonObject().put("name", "Hats").put("parent_id", "apparel"))
        .expect(200);
    deliver("woocommerce", "product.updated", woo, "woo-secret").expect(200);
    assertEquals("apparel", api.get(store.path("/catalog/categories/15")).expect(200).getString("parent_id"));
    assertEquals(new JsonArray().add("15"), api.get(store.path("/catalog/products/233")).expect(200)
        .getJsonArray("category_ids"));

    deliver("woocommerce", "product.deleted", new JsonObject().put("id", 233), "woo-secret").expect(200);
    api.get(store.path("/catalog/products/233")).expectError(404, "resource_missing");
    deliver("shopify", "products/delete", new JsonObject().put("id", 8123456789017L), "shp-secret").expect(200);
    api.get(store.path("/catalog/products/8123456789017")).expectError(404, "resource_missing");

    deliver("shopify", "products/create", new JsonObject().put("id", 1), "shp-secret").expectError(400, "webhook_payload_invalid");
    deliver("shopify", "products/create", shopifyProduct, "wrong-secret").expectError(401, null);
    assertNull(api.get(store.path("/catalog/products/1")).json().getString("id"));
  }

  private ApiResponse deliver(String platform, String topic, JsonObject payload, String secret) {
    byte[] body = payload.toBuffer().getBytes();
    MultiMap h = MultiMap.caseInsensitiveMultiMap();
    if (platform.equals("shopify")) {
      h.add("X-Shopify-Hmac-Sha256", WebhookSignature.sign(secret, body)).add("X-Shopify-Topic", topic);
    } else {
      h.add("X-WC-Webhook-Signature", WebhookSignature.sign(secret, body)).add("X-WC-Webhook-Topic", topic);
    }
    return ApiClient.await(api.send(HttpMethod.POST, store.path("/webhooks/" + platform), h, "application/json",
        Buffer.buffer(body)));
  }
}
