package io.shoal.segment;

import io.shoal.catalog.SegmentAssignments;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The SQL of seed 004's assignments: products and categories assigned to segments, the
 * attributes and legal entity of a static segment's members, and what one customer gets from
 * the live segments it is in.
 */
public final class SegmentItems implements SegmentMemberships, SegmentAssignments {

  /** A segment is live at $t: the same rule as {@link StorefrontFields#liveAt}, in SQL over segments s. */
  static final String LIVE = "(s.status = 'active' AND (s.valid_from IS NULL OR s.valid_from <= $T)"
      + " AND (s.valid_to IS NULL OR s.valid_to > $T))";

  private final Pool pool;

  public SegmentItems(Pool pool) {
    this.pool = pool;
  }

  public record ItemWrite(String type, String itemId, JsonObject attributes) {}

  public record MemberWrite(String customerId, String legalEntityId, JsonObject attributes) {}

  /** Creates or replaces assignments, in one transaction; answers how many rows were written. */
  public Future<Integer> putItems(String storeId, String segmentId, List<ItemWrite> items) {
    List<Tuple> batch = new ArrayList<>(items.size());
    items.forEach(i -> batch.add(Tuple.of(storeId, segmentId, i.type(), i.itemId(), i.attributes())));
    return pool.withTransaction(conn -> conn.preparedQuery(
            "INSERT INTO segment_items (store_id, segment_id, item_type, item_id, attributes) VALUES ($1, $2, $3, $4, $5)"
                + " ON CONFLICT (store_id, segment_id, item_type, item_id) DO UPDATE SET attributes = EXCLUDED.attributes,"
                + " updated_at = clock_timestamp()")
        .executeBatch(batch)).map(rs -> items.size());
  }

  public Future<Row> item(String storeId, String segmentId, String type, String itemId) {
    return pool.preparedQuery("SELECT segment_id, item_type, item_id, attributes, created_at, updated_at"
            + " FROM segment_items WHERE store_id = $1 AND segment_id = $2 AND item_type = $3 AND item_id = $4")
        .execute(Tuple.of(storeId, segmentId, type, itemId))
        .map(rows -> rows.size() == 0 ? null : rows.iterator().next());
  }

  public Future<Boolean> deleteItem(String storeId, String segmentId, String type, String itemId) {
    return pool.preparedQuery("DELETE FROM segment_items WHERE store_id = $1 AND segment_id = $2 AND item_type = $3"
            + " AND item_id = $4").execute(Tuple.of(storeId, segmentId, type, itemId)).map(r -> r.rowCount() == 1);
  }

  /** A segment's assignments in (type, item id) order after a position. */
  public Future<List<Row>> items(String storeId, String segmentId, String type, String afterType, String afterItem,
                                 int limit) {
    return pool.preparedQuery("SELECT segment_id, item_type, item_id, attributes, created_at, updated_at"
            + " FROM segment_items WHERE store_id = $1 AND segment_id = $2 AND ($3::text IS NULL OR item_type = $3)"
            + " AND ($4::text IS NULL OR (item_type, item_id) > ($4, $5))"
            + " ORDER BY item_type, item_id LIMIT $6")
        .execute(Tuple.of(storeId, segmentId, type, afterType, afterItem, limit)).map(SegmentItems::list);
  }

  /**
   * Adds or updates members of a static segment with their legal entity and attributes, in one
   * transaction; answers how many were new members.
   */
  public Future<Integer> putMembers(String storeId, String segmentId, List<MemberWrite> members) {
    List<Tuple> batch = new ArrayList<>(members.size());
    members.forEach(m -> batch.add(Tuple.of(storeId, segmentId, m.customerId(), m.legalEntityId(), m.attributes())));
    return pool.withTransaction(conn -> conn.preparedQuery(
            "INSERT INTO segment_members (store_id, segment_id, customer_id, created_at, legal_entity_id, attributes)"
                + " SELECT j.s, j.g, j.c, j.t, $4, $5 FROM (SELECT c.store_id AS s, g.id AS g, c.id AS c, c.created_at AS t"
                + " FROM customers c"
                + " JOIN segments g ON g.store_id = c.store_id WHERE c.store_id = $1 AND g.id = $2 AND c.id = $3"
                + " FOR KEY SHARE OF c, g) j ON CONFLICT (store_id, segment_id, customer_id) DO UPDATE SET"
                + " legal_entity_id = EXCLUDED.legal_entity_id, attributes = EXCLUDED.attributes"
                + " RETURNING (xmax = 0) AS inserted")
        .executeBatch(batch)).map(rs -> {
          int inserted = 0;
          for (io.vertx.sqlclient.RowSet<Row> r = rs; r != null; r = r.next()) {
            for (Row row : r) {
              if (row.getBoolean(0)) {
                inserted++;
              }
            }
          }
          return inserted;
        });
  }

  public Future<Row> member(String storeId, String segmentId, String customerId) {
    return pool.preparedQuery("SELECT customer_id, since, legal_entity_id, attributes FROM segment_memberships"
            + " WHERE store_id = $1 AND segment_id = $2 AND customer_id = $3")
        .execute(Tuple.of(storeId, segmentId, customerId))
        .map(rows -> rows.size() == 0 ? null : rows.iterator().next());
  }

  /** A customer's items filter; null fields do not filter. */
  public record CustomerItemsQuery(String type, String siteCode, String legalEntityId, boolean onlyActive) {}

  /**
   * The assignments of every segment the customer is a member of, in (segment, type, item)
   * order after a position, with whether the segment is live now. A keyset walk: the customer's
   * memberships from the position's segment on (an index range, not a filter over the ones
   * before it), and in each the items after the position (an index range too, and at most a page
   * of them), so a page deep in a customer's 10,000 items costs what the first one does.
   */
  public Future<List<Row>> customerItems(String storeId, String customerId, CustomerItemsQuery q, String afterSegment,
                                         String afterType, String afterItem, int limit, Instant now) {
    // No position is the position '' (every id sorts after the empty string). Items of later
    // segments are compared with ('', ''), which every item passes: its type is never empty.
    return pool.preparedQuery(CUSTOMER_ITEMS)
        .execute(Tuple.tuple().addValue(storeId).addValue(customerId).addValue(q.type()).addValue(q.siteCode())
            .addValue(q.legalEntityId()).addValue(odt(now)).addValue(q.onlyActive())
            .addValue(afterSegment == null ? "" : afterSegment).addValue(afterSegment == null ? "" : afterType)
            .addValue(afterSegment == null ? "" : afterItem).addValue(limit))
        .map(SegmentItems::list);
  }

  private static final String CUSTOMER_ITEMS = "SELECT m.segment_id, si.item_type, si.item_id, si.attributes,"
      + " si.updated_at, m.legal_entity_id, s.site_code, " + LIVE.replace("$T", "$6") + " AS live"
      + " FROM segment_memberships m"
      + " JOIN segments s ON s.store_id = m.store_id AND s.id = m.segment_id"
      + " CROSS JOIN LATERAL (SELECT i.item_type, i.item_id, i.attributes, i.updated_at FROM segment_items i"
      + "   WHERE i.store_id = m.store_id AND i.segment_id = m.segment_id AND ($3::text IS NULL OR i.item_type = $3)"
      + "   AND (i.item_type, i.item_id) > (CASE WHEN m.segment_id = $8 THEN $9 ELSE '' END,"
      + "     CASE WHEN m.segment_id = $8 THEN $10 ELSE '' END)"
      + "   ORDER BY i.item_type, i.item_id LIMIT $11) si"
      + " WHERE m.store_id = $1 AND m.customer_id = $2 AND m.segment_id >= $8"
      + " AND ($4::text IS NULL OR s.site_code = $4)"
      + " AND ($5::text IS NULL OR m.legal_entity_id IS NULL OR m.legal_entity_id = $5)"
      + " AND (NOT $7 OR " + LIVE.replace("$T", "$6") + ")"
      + " ORDER BY m.segment_id, si.item_type, si.item_id LIMIT $11";

  /** Every category assigned to a live segment the customer is in: (category id, segment id, attributes). */
  public Future<List<Row>> customerCategories(String storeId, String customerId, String siteCode, String legalEntityId,
                                              Instant now) {
    return pool.preparedQuery("SELECT si.item_id, m.segment_id, si.attributes FROM segment_memberships m"
            + " JOIN segments s ON s.store_id = m.store_id AND s.id = m.segment_id"
            + " JOIN segment_items si ON si.store_id = m.store_id AND si.segment_id = m.segment_id"
            + " AND si.item_type = 'category'"
            + " WHERE m.store_id = $1 AND m.customer_id = $2 AND ($3::text IS NULL OR s.site_code = $3)"
            + " AND ($4::text IS NULL OR m.legal_entity_id IS NULL OR m.legal_entity_id = $4)"
            + " AND " + LIVE.replace("$T", "$5") + " ORDER BY si.item_id, m.segment_id")
        .execute(Tuple.of(storeId, customerId, siteCode, legalEntityId, odt(now)))
        .map(SegmentItems::list);
  }

  @Override
  public Future<Set<String>> existing(String storeId, Collection<String> segmentIds) {
    return pool.preparedQuery("SELECT id FROM segments WHERE store_id = $1 AND id = ANY($2)")
        .execute(Tuple.tuple().addValue(storeId).addValue(segmentIds.toArray(new String[0])))
        .map(rows -> {
          Set<String> out = new HashSet<>();
          rows.forEach(r -> out.add(r.getString(0)));
          return out;
        });
  }

  @Override
  public Future<Set<String>> liveSegments(String storeId, String customerId, Collection<String> segmentIds,
                                          Instant t) {
    // IN (SELECT unnest(..)) is a hashed semi-join; "= ANY(array)" would compare each row with
    // every id of a coupon's 1,000 segments
    return pool.preparedQuery("SELECT m.segment_id FROM segment_memberships m"
            + " JOIN segments s ON s.store_id = m.store_id AND s.id = m.segment_id"
            + " WHERE m.store_id = $1 AND m.customer_id = $2"
            + " AND ($3::text[] IS NULL OR m.segment_id IN (SELECT unnest($3::text[])))"
            + " AND " + LIVE.replace("$T", "$4"))
        .execute(Tuple.tuple().addValue(storeId).addValue(customerId).addValue(array(segmentIds)).addValue(odt(t)))
        .map(rows -> {
          Set<String> out = new HashSet<>();
          rows.forEach(r -> out.add(r.getString(0)));
          return out;
        });
  }

  @Override
  public Future<Assigned> assignedTo(String storeId, Collection<String> segmentIds) {
    List<String> asked = List.copyOf(new java.util.LinkedHashSet<>(segmentIds));
    return pool.preparedQuery("SELECT a.id, s.id IS NOT NULL AS known, i.item_type, i.item_id"
            + " FROM unnest($2::text[]) AS a(id)"
            + " LEFT JOIN segments s ON s.store_id = $1 AND s.id = a.id"
            + " LEFT JOIN segment_items i ON i.store_id = $1 AND i.segment_id = s.id")
        .execute(Tuple.tuple().addValue(storeId).addValue(asked.toArray(new String[0])))
        .map(rows -> {
          Set<String> known = new HashSet<>();
          Set<String> products = new HashSet<>();
          Set<String> categories = new HashSet<>();
          rows.forEach(r -> {
            if (r.getBoolean("known")) {
              known.add(r.getString("id"));
            }
            String type = r.getString("item_type");
            if ("product".equals(type)) {
              products.add(r.getString("item_id"));
            } else if ("category".equals(type)) {
              categories.add(r.getString("item_id"));
            }
          });
          List<String> unknown = asked.stream().filter(id -> !known.contains(id)).toList();
          return new Assigned(unknown, products, categories);
        });
  }

  private static String[] array(Collection<String> ids) {
    return ids == null || ids.isEmpty() ? null : ids.toArray(new String[0]);
  }

  private static OffsetDateTime odt(Instant t) {
    return t.atOffset(ZoneOffset.UTC);
  }

  private static List<Row> list(io.vertx.sqlclient.RowSet<Row> rows) {
    List<Row> out = new ArrayList<>(rows.size());
    rows.forEach(out::add);
    return out;
  }
}
