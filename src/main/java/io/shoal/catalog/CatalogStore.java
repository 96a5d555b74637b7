package io.shoal.catalog;

import io.shoal.kernel.LocalizedText;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The SQL of the catalog: categories (with parents) and products (with categories). */
public final class CatalogStore implements Catalog {

  /** A category's parent chain is followed at most this deep (a cycle stops there too). */
  static final int MAX_DEPTH = 32;

  private static final String CATEGORY = "id, parent_id, name, localized_name, source, metadata, created_at, updated_at";
  private static final String PRODUCT =
      "id, name, localized_name, category_ids, price, currency, source, metadata, created_at, updated_at";

  private final Pool pool;

  public CatalogStore(Pool pool) {
    this.pool = pool;
  }

  public record ProductWrite(String id, LocalizedText name, List<String> categoryIds, BigDecimal price,
                             String currency, String source, JsonObject metadata) {}

  public Future<Row> putCategory(String storeId, String id, String parentId, LocalizedText name, String source,
                                 JsonObject metadata) {
    return pool.preparedQuery("INSERT INTO catalog_categories (store_id, id, parent_id, name, localized_name, source,"
            + " metadata) VALUES ($1, $2, $3, $4, $5, $6, $7)"
            + " ON CONFLICT (store_id, id) DO UPDATE SET parent_id = EXCLUDED.parent_id, name = EXCLUDED.name,"
            + " localized_name = EXCLUDED.localized_name, source = EXCLUDED.source, metadata = EXCLUDED.metadata,"
            + " updated_at = clock_timestamp() RETURNING " + CATEGORY)
        .execute(Tuple.of(storeId, id, parentId, name.text(), name.translations(), source, metadata))
        .map(rows -> rows.iterator().next());
  }

  /** Categories a platform names (id and name only): created when new, renamed when known, parents kept. */
  public Future<Void> ensureCategories(String storeId, Map<String, String> namesById, String source) {
    if (namesById.isEmpty()) {
      return Future.succeededFuture();
    }
    List<Tuple> batch = new ArrayList<>();
    namesById.forEach((id, name) -> batch.add(Tuple.of(storeId, id, name, source)));
    return pool.preparedQuery("INSERT INTO catalog_categories (store_id, id, name, source) VALUES ($1, $2, $3, $4)"
            + " ON CONFLICT (store_id, id) DO UPDATE SET name = EXCLUDED.name, updated_at = clock_timestamp()"
            + " WHERE catalog_categories.name IS DISTINCT FROM EXCLUDED.name")
        .executeBatch(batch).mapEmpty();
  }

  public Future<Row> category(String storeId, String id) {
    return pool.preparedQuery("SELECT " + CATEGORY + " FROM catalog_categories WHERE store_id = $1 AND id = $2")
        .execute(Tuple.of(storeId, id)).map(rows -> rows.size() == 0 ? null : rows.iterator().next());
  }

  public Future<Boolean> deleteCategory(String storeId, String id) {
    return pool.preparedQuery("DELETE FROM catalog_categories WHERE store_id = $1 AND id = $2")
        .execute(Tuple.of(storeId, id)).map(r -> r.rowCount() == 1);
  }

  /** Categories by id after {@code afterId}, optionally only the children of a parent. */
  public Future<List<Row>> categories(String storeId, String parentId, String afterId, int limit) {
    return pool.preparedQuery("SELECT " + CATEGORY + " FROM catalog_categories WHERE store_id = $1"
            + " AND ($2::text IS NULL OR parent_id = $2) AND ($3::text IS NULL OR id > $3) ORDER BY id LIMIT $4")
        .execute(Tuple.of(storeId, parentId, afterId, limit)).map(CatalogStore::list);
  }

  public Future<Row> putProduct(String storeId, ProductWrite p) {
    return pool.preparedQuery("INSERT INTO catalog_products (store_id, id, name, localized_name, category_ids, price,"
            + " currency, source, metadata) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)"
            + " ON CONFLICT (store_id, id) DO UPDATE SET name = EXCLUDED.name, localized_name = EXCLUDED.localized_name,"
            + " category_ids = EXCLUDED.category_ids, price = EXCLUDED.price, currency = EXCLUDED.currency,"
            + " source = EXCLUDED.source, metadata = EXCLUDED.metadata, updated_at = clock_timestamp()"
            + " RETURNING " + PRODUCT)
        .execute(Tuple.tuple().addValue(storeId).addValue(p.id()).addValue(p.name().text())
            .addValue(p.name().translations()).addValue(p.categoryIds().toArray(new String[0])).addValue(p.price())
            .addValue(p.currency()).addValue(p.source()).addValue(p.metadata()))
        .map(rows -> rows.iterator().next());
  }

  public Future<Row> product(String storeId, String id) {
    return pool.preparedQuery("SELECT " + PRODUCT + " FROM catalog_products WHERE store_id = $1 AND id = $2")
        .execute(Tuple.of(storeId, id)).map(rows -> rows.size() == 0 ? null : rows.iterator().next());
  }

  public Future<Boolean> deleteProduct(String storeId, String id) {
    return pool.preparedQuery("DELETE FROM catalog_products WHERE store_id = $1 AND id = $2")
        .execute(Tuple.of(storeId, id)).map(r -> r.rowCount() == 1);
  }

  /**
   * Which products a list shows. {@code categoryId} (null: all) keeps the products directly in
   * that category, or with {@code withSubcategories} also those in a category below it.
   * {@code coveredBy} (null: no restriction) keeps the products that some assignments cover:
   * the product itself assigned, or one of its categories assigned or below an assigned one.
   */
  public record ProductFilter(String categoryId, boolean withSubcategories, Coverage coveredBy) {
    public static final ProductFilter ALL = new ProductFilter(null, false, null);
  }

  /** Assigned products and categories (a category covers the categories below it too). */
  public record Coverage(Collection<String> productIds, Collection<String> categoryIds) {}

  /** Products by id after {@code afterId}, as the filter keeps them. */
  public Future<List<Row>> products(String storeId, ProductFilter filter, String afterId, int limit) {
    Coverage covered = filter.coveredBy();
    // both category sets are walked down the parent index: the category's subtree, and every
    // category at or below an assigned one (UNION stops at a category seen before)
    return pool.preparedQuery("WITH RECURSIVE below(id) AS ("
            + "   SELECT $2::text WHERE $3::boolean"
            + "   UNION SELECT c.id FROM below JOIN catalog_categories c ON c.store_id = $1 AND c.parent_id = below.id),"
            + " covering(id) AS ("
            + "   SELECT unnest($5::text[])"
            + "   UNION SELECT c.id FROM covering JOIN catalog_categories c ON c.store_id = $1 AND c.parent_id = covering.id)"
            + " SELECT " + PRODUCT + " FROM catalog_products WHERE store_id = $1"
            + " AND ($2::text IS NULL OR category_ids @> ARRAY[$2::text]"
            + "      OR ($3::boolean AND category_ids && ARRAY(SELECT id FROM below)))"
            + " AND ($4::text[] IS NULL OR id = ANY($4::text[]) OR category_ids && ARRAY(SELECT id FROM covering))"
            + " AND ($6::text IS NULL OR id > $6) ORDER BY id LIMIT $7")
        .execute(Tuple.tuple().addValue(storeId).addValue(filter.categoryId())
            .addValue(filter.categoryId() != null && filter.withSubcategories())
            .addValue(covered == null ? null : covered.productIds().toArray(new String[0]))
            .addValue(covered == null ? new String[0] : covered.categoryIds().toArray(new String[0]))
            .addValue(afterId).addValue(limit))
        .map(CatalogStore::list);
  }

  @Override
  public Future<Map<String, Category>> withAncestors(String storeId, Collection<String> categoryIds) {
    if (categoryIds.isEmpty()) {
      return Future.succeededFuture(Map.of());
    }
    return pool.preparedQuery("WITH RECURSIVE up(id, depth) AS ("
            + " SELECT unnest($2::text[]), 0"
            + " UNION SELECT c.parent_id, up.depth + 1 FROM up JOIN catalog_categories c"
            + "   ON c.store_id = $1 AND c.id = up.id WHERE c.parent_id IS NOT NULL AND up.depth < $3)"
            + " SELECT DISTINCT c.id, c.parent_id, c.name, c.localized_name FROM up"
            + " JOIN catalog_categories c ON c.store_id = $1 AND c.id = up.id")
        .execute(Tuple.tuple().addValue(storeId).addValue(categoryIds.toArray(new String[0])).addValue(MAX_DEPTH))
        .map(rows -> {
          Map<String, Category> out = new HashMap<>();
          rows.forEach(r -> out.put(r.getString("id"), new Category(r.getString("id"), r.getString("parent_id"),
              CatalogApi.name(r))));
          return out;
        });
  }

  private static List<Row> list(io.vertx.sqlclient.RowSet<Row> rows) {
    List<Row> out = new ArrayList<>(rows.size());
    rows.forEach(out::add);
    return out;
  }
}
