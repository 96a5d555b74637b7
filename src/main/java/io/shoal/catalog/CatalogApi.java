package io.shoal.catalog;

import io.shoal.http.ApiHandler;
import io.shoal.http.ApiOperation;
import io.shoal.http.ApiRequest;
import io.shoal.http.Reply;
import io.shoal.kernel.Cursor;
import io.shoal.kernel.DomainException;
import io.shoal.kernel.ListPage;
import io.shoal.kernel.LocalizedText;
import io.shoal.kernel.Wire;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.openapi.router.RouterBuilder;
import io.vertx.sqlclient.Row;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * The store's catalog: categories (each with an optional parent) and products (each in some
 * categories), under the store's own ids, written with PUT (create or replace) and fed by the
 * Shopify and WooCommerce product webhooks ({@link PlatformProducts}). Segments assign these
 * ids; the storefront's category tree reads the parents from here.
 */
public final class CatalogApi {

  /** The largest price the catalog keeps (numeric(14, 2)). */
  private static final BigDecimal MAX_PRICE = new BigDecimal("999999999999.99");

  public static final int MAX_CATEGORIES_PER_PRODUCT = 100;

  /** The most segments one product list may name. */
  public static final int MAX_SEGMENTS_PER_LIST = 100;

  private final CatalogStore store;
  private final SegmentAssignments segments;

  public CatalogApi(CatalogStore store, SegmentAssignments segments) {
    this.store = store;
    this.segments = segments;
  }

  public void mount(RouterBuilder rb) {
    ApiOperation.PUT_CATALOG_CATEGORY.mount(rb, ApiHandler.route(this::putCategory));
    ApiOperation.GET_CATALOG_CATEGORY.mount(rb, ApiHandler.route(this::getCategory));
    ApiOperation.DELETE_CATALOG_CATEGORY.mount(rb, ApiHandler.route(this::deleteCategory));
    ApiOperation.LIST_CATALOG_CATEGORIES.mount(rb, ApiHandler.route(this::listCategories));
    ApiOperation.PUT_CATALOG_PRODUCT.mount(rb, ApiHandler.route(this::putProduct));
    ApiOperation.GET_CATALOG_PRODUCT.mount(rb, ApiHandler.route(this::getProduct));
    ApiOperation.DELETE_CATALOG_PRODUCT.mount(rb, ApiHandler.route(this::deleteProduct));
    ApiOperation.LIST_CATALOG_PRODUCTS.mount(rb, ApiHandler.route(this::listProducts));
  }

  private Future<Reply> putCategory(ApiRequest req) {
    String storeId = req.storeId();
    String id = req.path("category_id");
    JsonObject body = req.body();
    LocalizedText name = LocalizedText.read(body.getValue("name"), req.header("Content-Language"), null, "name");
    String parent = body.getString("parent_id");
    if (id.equals(parent)) {
      throw DomainException.invalidParam("parent_id", "a category cannot be its own parent");
    }
    Future<Void> parentOk = parent == null ? Future.succeededFuture()
        : store.withAncestors(storeId, List.of(parent)).map(chain -> {
          if (!chain.containsKey(parent)) {
            throw DomainException.invalid("category_unknown", "no category '" + parent + "' in this store's catalog;"
                + " put the parent first", "parent_id");
          }
          if (chain.containsKey(id)) {
            throw DomainException.invalidParam("parent_id", "'" + parent + "' is below '" + id
                + "': the parent would make a cycle");
          }
          return null;
        });
    return parentOk.compose(v -> store.putCategory(storeId, id, parent, name, "api",
            body.getJsonObject("metadata", new JsonObject())))
        .map(r -> Reply.ok(category(r, req.header("Accept-Language"))));
  }

  private Future<Reply> getCategory(ApiRequest req) {
    String storeId = req.storeId();
    String id = req.path("category_id");
    return store.category(storeId, id).map(r -> {
      if (r == null) {
        throw DomainException.notFound("category", id);
      }
      return Reply.ok(category(r, req.header("Accept-Language")));
    });
  }

  private Future<Reply> deleteCategory(ApiRequest req) {
    String storeId = req.storeId();
    String id = req.path("category_id");
    return store.deleteCategory(storeId, id).map(deleted -> {
      if (!deleted) {
        throw DomainException.notFound("category", id);
      }
      return Reply.ok(new JsonObject().put("id", id).put("object", "category").put("deleted", true));
    });
  }

  private Future<Reply> listCategories(ApiRequest req) {
    String storeId = req.storeId();
    int limit = req.queryInt("limit", 25);
    String after = afterId(req);
    String lang = req.header("Accept-Language");
    return store.categories(storeId, req.query("parent_id"), after, limit + 1)
        .map(rows -> Reply.ok(ListPage.of(rows, limit, r -> category(r, lang),
            r -> new JsonObject().put("id", r.getString("id")))));
  }

  private Future<Reply> putProduct(ApiRequest req) {
    String storeId = req.storeId();
    String id = req.path("product_id");
    JsonObject body = req.body();
    LocalizedText name = LocalizedText.read(body.getValue("name"), req.header("Content-Language"), null, "name");
    LinkedHashSet<String> categories = new LinkedHashSet<>();
    JsonArray given = body.getJsonArray("category_ids", new JsonArray());
    if (given.size() > MAX_CATEGORIES_PER_PRODUCT) {
      throw DomainException.invalidParam("category_ids", "at most " + MAX_CATEGORIES_PER_PRODUCT + " categories");
    }
    given.forEach(c -> categories.add(String.valueOf(c)));
    BigDecimal price = body.getValue("price") == null ? null
        : new BigDecimal(String.valueOf(body.getValue("price"))).setScale(2, java.math.RoundingMode.HALF_EVEN);
    if (price != null && price.abs().compareTo(MAX_PRICE) > 0) {
      throw DomainException.invalidParam("price", "price must be at most " + MAX_PRICE.toPlainString() + ", got "
          + body.getValue("price"));
    }
    String currency = body.getString("currency");
    Future<Void> known = categories.isEmpty() ? Future.succeededFuture()
        : store.withAncestors(storeId, categories).map(found -> {
          List<String> unknown = new ArrayList<>();
          categories.forEach(c -> {
            if (!found.containsKey(c)) {
              unknown.add(c);
            }
          });
          if (!unknown.isEmpty()) {
            throw DomainException.invalid("category_unknown", "not categories of this store's catalog: "
                + String.join(", ", unknown) + "; put them first", "category_ids");
          }
          return null;
        });
    return known.compose(v -> store.putProduct(storeId, new CatalogStore.ProductWrite(id, name,
            new ArrayList<>(categories), price, currency, "api", body.getJsonObject("metadata", new JsonObject()))))
        .map(r -> Reply.ok(product(r, req.header("Accept-Language"))));
  }

  private Future<Reply> getProduct(ApiRequest req) {
    String storeId = req.storeId();
    String id = req.path("product_id");
    return store.product(storeId, id).map(r -> {
      if (r == null) {
        throw DomainException.notFound("product", id);
      }
      return Reply.ok(product(r, req.header("Accept-Language")));
    });
  }

  private Future<Reply> deleteProduct(ApiRequest req) {
    String storeId = req.storeId();
    String id = req.path("product_id");
    return store.deleteProduct(storeId, id).map(deleted -> {
      if (!deleted) {
        throw DomainException.notFound("product", id);
      }
      return Reply.ok(new JsonObject().put("id", id).put("object", "product").put("deleted", true));
    });
  }

  /**
   * The products of the catalog, of a category (with {@code with_subcategories}: and of the
   * categories below it), and with {@code segment_ids} only those the segments' assignments
   * cover: the storefront's "what may these segments' customers see in this category".
   */
  private Future<Reply> listProducts(ApiRequest req) {
    String storeId = req.storeId();
    int limit = req.queryInt("limit", 25);
    String after = afterId(req);
    String lang = req.header("Accept-Language");
    String categoryId = req.query("category_id");
    boolean withSubcategories = Boolean.parseBoolean(req.query("with_subcategories"));
    List<String> segmentIds = req.queryList("segment_ids");
    if (segmentIds.size() > MAX_SEGMENTS_PER_LIST) {
      throw DomainException.invalidParam("segment_ids", "at most " + MAX_SEGMENTS_PER_LIST + " segments");
    }
    Future<CatalogStore.Coverage> coverage = segmentIds.isEmpty() ? Future.succeededFuture()
        : segments.assignedTo(storeId, segmentIds).map(assigned -> {
          if (!assigned.unknown().isEmpty()) {
            throw DomainException.invalid("segment_unknown", "not segments of this store: "
                + String.join(", ", assigned.unknown().subList(0, Math.min(10, assigned.unknown().size()))),
                "segment_ids");
          }
          return new CatalogStore.Coverage(assigned.productIds(), assigned.categoryIds());
        });
    return coverage.compose(covered -> store.products(storeId,
            new CatalogStore.ProductFilter(categoryId, withSubcategories, covered), after, limit + 1))
        .map(rows -> Reply.ok(ListPage.of(rows, limit, r -> product(r, lang),
            r -> new JsonObject().put("id", r.getString("id")))));
  }

  private static String afterId(ApiRequest req) {
    if (req.query("cursor") == null) {
      return null;
    }
    String id = Cursor.decode(req.query("cursor")).getString("id");
    if (id == null) {
      throw Cursor.invalid();
    }
    return id;
  }

  /** The text of a stored name: the plain name is in the language whose translation equals it. */
  static LocalizedText name(Row r) {
    JsonObject map = r.getJsonObject("localized_name");
    String text = r.getString("name");
    String lang = null;
    for (String k : map.fieldNames()) {
      if (text.equals(map.getValue(k))) {
        lang = k;
        break;
      }
    }
    return new LocalizedText(text, map, lang);
  }

  private static JsonObject category(Row r, String acceptLanguage) {
    LocalizedText name = name(r);
    return new JsonObject().put("object", "category").put("id", r.getString("id"))
        .put("parent_id", r.getString("parent_id"))
        .put("name", name.pick(acceptLanguage)).put("localized_name", name.translations())
        .put("source", r.getString("source")).put("metadata", r.getJsonObject("metadata"))
        .put("created_at", Wire.time(r.getOffsetDateTime("created_at")))
        .put("updated_at", Wire.time(r.getOffsetDateTime("updated_at")));
  }

  private static JsonObject product(Row r, String acceptLanguage) {
    LocalizedText name = name(r);
    JsonArray categories = new JsonArray();
    for (String c : r.getArrayOfStrings("category_ids")) {
      categories.add(c);
    }
    BigDecimal price = r.getBigDecimal("price");
    return new JsonObject().put("object", "product").put("id", r.getString("id"))
        .put("name", name.pick(acceptLanguage)).put("localized_name", name.translations())
        .put("category_ids", categories).put("price", price == null ? null : Wire.money(price))
        .put("currency", r.getString("currency"))
        .put("source", r.getString("source")).put("metadata", r.getJsonObject("metadata"))
        .put("created_at", Wire.time(r.getOffsetDateTime("created_at")))
        .put("updated_at", Wire.time(r.getOffsetDateTime("updated_at")));
  }
}
