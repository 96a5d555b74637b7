package io.shoal.coupon;

import io.shoal.kernel.Ids;
import io.shoal.segment.SegmentMemberships;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The SQL of coupons, their redemptions, and how far the order feed has read the event log. */
public final class CouponStore {

  private static final String C = Coupon.COLUMNS;
  static final String REDEMPTION = "id, coupon_id, customer_id, order_id, event_id, status, reason, order_total,"
      + " currency, discount, created_at";

  private final Pool pool;

  public CouponStore(Pool pool) {
    this.pool = pool;
  }

  /** The fields a create or an update writes (everything but counts and times). */
  public record CouponWrite(String code, String name, String description, String discountType,
                            java.math.BigDecimal amount, java.math.BigDecimal percentage, String currency,
                            java.math.BigDecimal minOrderValue, String minOrderCurrency, Instant validFrom,
                            Instant validUntil, Integer maxRedemptions, Integer maxRedemptionsPerCustomer,
                            List<String> segmentIds, boolean itemRestricted, boolean allowAnonymous,
                            List<String> validFor, String issuedTo, JsonObject metadata) {

    static CouponWrite of(Coupon c) {
      return new CouponWrite(c.code(), c.name(), c.description(), c.discountType(), c.amount(), c.percentage(),
          c.currency(), c.minOrderValue(), c.minOrderCurrency(), c.validFrom(), c.validUntil(), c.maxRedemptions(),
          c.maxRedemptionsPerCustomer(), c.segmentIds(), c.itemRestricted(), c.allowAnonymous(), c.validFor(),
          c.issuedTo(), c.metadata());
    }

    Tuple tuple(String storeId, String id) {
      return Tuple.tuple().addValue(storeId).addValue(id).addValue(code).addValue(name).addValue(description)
          .addValue(discountType).addValue(amount).addValue(percentage).addValue(currency).addValue(minOrderValue)
          .addValue(minOrderCurrency).addValue(odt(validFrom)).addValue(odt(validUntil)).addValue(maxRedemptions)
          .addValue(maxRedemptionsPerCustomer).addValue(segmentIds.toArray(new String[0])).addValue(itemRestricted)
          .addValue(allowAnonymous).addValue(validFor.toArray(new String[0])).addValue(issuedTo).addValue(metadata);
    }
  }

  /** Creates a coupon; null when the store already has this code. */
  public Future<Coupon> create(String storeId, CouponWrite w) {
    return pool.preparedQuery("INSERT INTO coupons (store_id, id, code, name, description, discount_type, amount,"
            + " percentage, currency, min_order_value, min_order_currency, valid_from, valid_until, max_redemptions,"
            + " max_redemptions_per_customer, segment_ids, item_restricted, allow_anonymous, valid_for, issued_to,"
            + " metadata) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18,"
            + " $19, $20, $21) ON CONFLICT (store_id, code) DO NOTHING RETURNING " + C)
        .execute(w.tuple(storeId, Ids.newId("cpn")))
        .map(rows -> rows.size() == 0 ? null : Coupon.from(rows.iterator().next()));
  }

  public Future<Coupon> update(String storeId, String id, CouponWrite w) {
    return pool.preparedQuery("UPDATE coupons SET code = $3, name = $4, description = $5, discount_type = $6,"
            + " amount = $7, percentage = $8, currency = $9, min_order_value = $10, min_order_currency = $11,"
            + " valid_from = $12, valid_until = $13, max_redemptions = $14, max_redemptions_per_customer = $15,"
            + " segment_ids = $16, item_restricted = $17, allow_anonymous = $18, valid_for = $19, issued_to = $20,"
            + " metadata = $21, updated_at = clock_timestamp() WHERE store_id = $1 AND id = $2 RETURNING " + C)
        .execute(w.tuple(storeId, id))
        .map(rows -> rows.size() == 0 ? null : Coupon.from(rows.iterator().next()));
  }

  public Future<Coupon> byCode(String storeId, String code) {
    return pool.preparedQuery("SELECT " + C + " FROM coupons WHERE store_id = $1 AND code = $2")
        .execute(Tuple.of(storeId, code))
        .map(rows -> rows.size() == 0 ? null : Coupon.from(rows.iterator().next()));
  }

  /**
   * A coupon with what its validation needs to know, read in one statement (one round trip): the
   * coupon (without its segment list and metadata: {@link Coupon#fromValidationRow}); whether it
   * is restricted to segments; for a known customer, one live segment of the coupon's the
   * customer is in (when segment-restricted); when item-restricted (and the customer is a member,
   * if that is asked), the catalog categories with ancestors of the cart's products, the ancestors
   * of the categories the cart names, and the assignments of the customer's live segments (of the
   * coupon's, when it has any) covering any of them; and, when the coupon limits redemptions per
   * customer, how often the customer redeemed it. The facts come from {@code
   * coupon_validation_facts} (V42), which reads the coupon's segments as rows of {@code
   * coupon_segments} and asks the segment and catalog capabilities' functions, not their tables.
   * Null when the store has no such code.
   */
  public Future<Loaded> load(String storeId, String code, String customerId, Collection<String> productIds,
                             Collection<String> categoryIds, Instant now) {
    return pool.preparedQuery(LOAD)
        .execute(Tuple.tuple().addValue(storeId).addValue(code).addValue(customerId)
            .addValue(productIds.toArray(new String[0])).addValue(categoryIds.toArray(new String[0]))
            .addValue(odt(now)))
        .map(rows -> rows.size() == 0 ? null : Loaded.from(rows.iterator().next()));
  }

  static final String LOAD = "SELECT " + Coupon.VALIDATION_COLUMNS + ", f.segment_restricted, f.member_segment,"
      + " f.pc_products, f.pc_categories, f.cp_ids, f.cp_parents, f.cov_segments, f.cov_types, f.cov_items,"
      + " f.customer_redemptions FROM coupons c CROSS JOIN LATERAL coupon_validation_facts(c.store_id, c.id,"
      + " c.item_restricted, c.max_redemptions_per_customer, $3, $4, $5, $6) f WHERE c.store_id = $1 AND c.code = $2";

  /**
   * What {@link #load} read: the coupon, a live segment of the coupon's the customer is in (or
   * null), each known product's categories with ancestors, the parent of each known named
   * category and ancestor (null for a root), the covering assignments, the customer's redemptions.
   */
  public record Loaded(Coupon coupon, String memberSegment, Map<String, Set<String>> productCategories,
                       Map<String, String> categoryParents, List<SegmentMemberships.ItemRef> coveredItems,
                       int customerRedemptions) {

    static Loaded from(Row r) {
      Map<String, Set<String>> productCategories = new HashMap<>();
      String[] products = strings(r, "pc_products");
      String[] categories = strings(r, "pc_categories");
      for (int i = 0; i < products.length; i++) {
        productCategories.computeIfAbsent(products[i], k -> new HashSet<>()).add(categories[i]);
      }
      Map<String, String> parents = new HashMap<>();
      String[] ids = strings(r, "cp_ids");
      String[] parentIds = strings(r, "cp_parents");
      for (int i = 0; i < ids.length; i++) {
        parents.put(ids[i], parentIds[i]);
      }
      String[] segments = strings(r, "cov_segments");
      String[] types = strings(r, "cov_types");
      String[] items = strings(r, "cov_items");
      List<SegmentMemberships.ItemRef> covered = new ArrayList<>(segments.length);
      for (int i = 0; i < segments.length; i++) {
        covered.add(new SegmentMemberships.ItemRef(segments[i], types[i], items[i]));
      }
      return new Loaded(Coupon.fromValidationRow(r), r.getString("member_segment"), productCategories, parents,
          covered, r.getLong("customer_redemptions").intValue());
    }

    private static String[] strings(Row r, String column) {
      String[] a = r.getArrayOfStrings(column);
      return a == null ? new String[0] : a;
    }
  }

  public Future<Boolean> delete(String storeId, String id) {
    return pool.preparedQuery("DELETE FROM coupons WHERE store_id = $1 AND id = $2")
        .execute(Tuple.of(storeId, id)).map(r -> r.rowCount() == 1);
  }

  public Future<List<Coupon>> list(String storeId, OffsetDateTime afterTime, String afterId, int limit) {
    return pool.preparedQuery("SELECT " + C + " FROM coupons WHERE store_id = $1"
            + " AND ($2::timestamptz IS NULL OR (created_at, id) > ($2, $3)) ORDER BY created_at, id LIMIT $4")
        .execute(Tuple.of(storeId, afterTime, afterId, limit))
        .map(rows -> {
          List<Coupon> out = new ArrayList<>();
          rows.forEach(r -> out.add(Coupon.from(r)));
          return out;
        });
  }

  public Future<Integer> customerRedemptions(String storeId, String couponId, String customerId) {
    if (customerId == null) {
      return Future.succeededFuture(0);
    }
    return pool.preparedQuery("SELECT count(*) FROM coupon_redemptions WHERE store_id = $1 AND coupon_id = $2"
            + " AND customer_id = $3 AND status = 'redeemed'")
        .execute(Tuple.of(storeId, couponId, customerId)).map(rows -> rows.iterator().next().getLong(0).intValue());
  }

  public Future<List<Row>> redemptions(String storeId, String couponId, String customerId, OffsetDateTime afterTime,
                                       String afterId, int limit) {
    return pool.preparedQuery("SELECT " + REDEMPTION + " FROM coupon_redemptions WHERE store_id = $1 AND coupon_id = $2"
            + " AND ($3::text IS NULL OR customer_id = $3)"
            + " AND ($4::timestamptz IS NULL OR (created_at, id) > ($4, $5)) ORDER BY created_at, id LIMIT $6")
        .execute(Tuple.of(storeId, couponId, customerId, afterTime, afterId, limit))
        .map(rows -> {
          List<Row> out = new ArrayList<>();
          rows.forEach(out::add);
          return out;
        });
  }

  /** The outcome of a redemption attempt: the row, and whether the order had been recorded before. */
  public record Recorded(Coupon coupon, Row redemption, boolean duplicate, CouponTerms.Verdict verdict) {}

  /**
   * Records one order's use of a coupon, exactly once per (coupon, order). The coupon row is
   * locked for the decision, so the total and per-customer counts it checks cannot change under
   * it: with N left, N concurrent redemptions pass and the rest are rejected ({@code exhausted}).
   * {@code decide} gets the locked coupon and the customer's redemption count.
   */
  public Future<Recorded> redeem(String storeId, String couponId, String customerId, String orderId, String eventId,
                                 java.math.BigDecimal orderTotal, String currency,
                                 java.util.function.BiFunction<Coupon, Integer, CouponTerms.Verdict> decide) {
    return pool.withTransaction(conn -> conn.preparedQuery("SELECT " + C + " FROM coupons WHERE store_id = $1 AND id = $2"
            + " FOR UPDATE")
        .execute(Tuple.of(storeId, couponId))
        .compose(rows -> {
          if (rows.size() == 0) {
            return Future.succeededFuture((Recorded) null);
          }
          Coupon coupon = Coupon.from(rows.iterator().next());
          return existing(conn, storeId, couponId, orderId).compose(prior -> {
            if (prior != null) {
              return Future.succeededFuture(new Recorded(coupon, prior, true, null));
            }
            return count(conn, storeId, couponId, customerId).compose(used -> {
              CouponTerms.Verdict v = decide.apply(coupon, used);
              return conn.preparedQuery("INSERT INTO coupon_redemptions (store_id, id, coupon_id, customer_id, order_id,"
                      + " event_id, status, reason, order_total, currency, discount)"
                      + " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING " + REDEMPTION)
                  .execute(Tuple.tuple().addValue(storeId).addValue(Ids.newId("crd")).addValue(couponId)
                      .addValue(customerId).addValue(orderId).addValue(eventId)
                      .addValue(v.valid() ? "redeemed" : "rejected").addValue(v.reason()).addValue(orderTotal)
                      .addValue(currency).addValue(v.discount()))
                  .compose(inserted -> {
                    Row row = inserted.iterator().next();
                    if (!v.valid()) {
                      return Future.succeededFuture(new Recorded(coupon, row, false, v));
                    }
                    return conn.preparedQuery("UPDATE coupons SET redeemed_count = redeemed_count + 1"
                            + " WHERE store_id = $1 AND id = $2 RETURNING " + C)
                        .execute(Tuple.of(storeId, couponId))
                        .map(updated -> new Recorded(Coupon.from(updated.iterator().next()), row, false, v));
                  });
            });
          });
        }));
  }

  private static Future<Row> existing(SqlConnection conn, String storeId, String couponId, String orderId) {
    return conn.preparedQuery("SELECT " + REDEMPTION + " FROM coupon_redemptions WHERE store_id = $1"
            + " AND coupon_id = $2 AND order_id = $3")
        .execute(Tuple.of(storeId, couponId, orderId))
        .map(rows -> rows.size() == 0 ? null : rows.iterator().next());
  }

  private static Future<Integer> count(SqlConnection conn, String storeId, String couponId, String customerId) {
    if (customerId == null) {
      return Future.succeededFuture(0);
    }
    return conn.preparedQuery("SELECT count(*) FROM coupon_redemptions WHERE store_id = $1 AND coupon_id = $2"
            + " AND customer_id = $3 AND status = 'redeemed'")
        .execute(Tuple.of(storeId, couponId, customerId)).map(rows -> rows.iterator().next().getLong(0).intValue());
  }

  // --- the order feed's position ---------------------------------------------------------------

  public Future<Long> feedPosition() {
    return pool.query("SELECT last_seq FROM coupon_order_feed WHERE id = 1").execute()
        .map(rows -> rows.size() == 0 ? 0L : rows.iterator().next().getLong(0));
  }

  public Future<Void> saveFeedPosition(long seq) {
    return pool.preparedQuery("INSERT INTO coupon_order_feed (id, last_seq) VALUES (1, $1)"
            + " ON CONFLICT (id) DO UPDATE SET last_seq = greatest(coupon_order_feed.last_seq, EXCLUDED.last_seq)")
        .execute(Tuple.of(seq)).mapEmpty();
  }

  private static OffsetDateTime odt(Instant t) {
    return t == null ? null : t.atOffset(ZoneOffset.UTC);
  }
}
