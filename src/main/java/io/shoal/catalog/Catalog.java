package io.shoal.catalog;

import io.shoal.kernel.LocalizedText;
import io.vertx.core.Future;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What other capabilities may ask the catalog: categories with their ancestors. The tables are
 * the catalog's own. In SQL, the functions {@code catalog_product_categories} (a product's
 * categories with their ancestors) and {@code catalog_category_parents} (V31) answer for a
 * statement of another capability (a coupon validation in one round trip).
 */
public interface Catalog {

  /** A category of the store's catalog. */
  record Category(String id, String parentId, LocalizedText name) {}

  /** These categories and every ancestor of them that the catalog knows, by id. */
  Future<Map<String, Category>> withAncestors(String storeId, Collection<String> categoryIds);

  /** The ancestor ids of these categories (themselves included), for items that name a category. */
  default Future<Set<String>> ancestry(String storeId, Collection<String> categoryIds) {
    return withAncestors(storeId, categoryIds).map(m -> {
      Set<String> out = new java.util.HashSet<>(categoryIds);
      out.addAll(m.keySet());
      return out;
    });
  }

  /** Nothing known: for wiring without a catalog. */
  Catalog EMPTY = new Catalog() {
    @Override
    public Future<Map<String, Category>> withAncestors(String storeId, Collection<String> categoryIds) {
      return Future.succeededFuture(Map.of());
    }
  };

  /** Used by {@link #withAncestors} implementations: a stable list form. */
  static List<Category> sorted(Map<String, Category> m) {
    List<Category> out = new java.util.ArrayList<>(m.values());
    out.sort(java.util.Comparator.comparing(Category::id));
    return out;
  }
}
