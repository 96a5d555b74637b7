package io.shoal.segment;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;

/** The SQL of segment definitions, their members and their recorded transitions. */
public final class SegmentRepository {

  private static final String C = SegmentDefinition.COLUMNS;

  private final Pool pool;

  public SegmentRepository(Pool pool) {
    this.pool = pool;
  }

  public Future<SegmentDefinition> create(String storeId, String id, String name, String type, JsonArray rules,
                                          JsonObject metadata, List<String> staticMembers) {
    return create(storeId, id, name, type, rules, metadata, staticMembers, SegmentDefinition.CREATED, null, false);
  }

  /** A new segment; a draft or static one is synced from the start (nothing to evaluate). */
  public Future<SegmentDefinition> create(String storeId, String id, String name, String type, JsonArray rules,
                                          JsonObject metadata, List<String> staticMembers, String lifecycle,
                                          String author, boolean locked) {
    return create(storeId, id, name, type, rules, metadata, staticMembers, lifecycle, author, locked,
        StorefrontFields.NONE);
  }

  /** As above, with the storefront fields (seed 004). */
  public Future<SegmentDefinition> create(String storeId, String id, String name, String type, JsonArray rules,
                                          JsonObject metadata, List<String> staticMembers, String lifecycle,
                                          String author, boolean locked, StorefrontFields sf) {
    String sync = SegmentDefinition.STATIC.equals(type) || SegmentDefinition.DRAFT.equals(lifecycle)
        ? "done" : "in_progress";
    return pool.withTransaction(conn -> conn.preparedQuery(
                "INSERT INTO segments (store_id, id, name, type, rules, metadata, sync_status, lifecycle, author,"
                    + " locked, " + StorefrontFields.COLUMNS + ")"
                    + " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)"
                    + " RETURNING " + C)
            .execute(storefront(Tuple.tuple().addValue(storeId).addValue(id).addValue(name).addValue(type)
                .addValue(rules).addValue(metadata).addValue(sync).addValue(lifecycle).addValue(author)
                .addValue(locked), sf))
            .compose(rows -> staticMembers.isEmpty() ? Future.succeededFuture(0)
                : insertMembers(conn, storeId, id, staticMembers))
            .compose(added -> conn.preparedQuery("SELECT " + C + " FROM segments WHERE store_id = $1 AND id = $2")
                .execute(Tuple.of(storeId, id))))
        .map(rows -> SegmentDefinition.from(rows.iterator().next()));
  }

  public Future<SegmentDefinition> get(String storeId, String id) {
    return pool.preparedQuery("SELECT " + C + " FROM segments WHERE store_id = $1 AND id = $2")
        .execute(Tuple.of(storeId, id))
        .map(rows -> rows.size() == 0 ? null : SegmentDefinition.from(rows.iterator().next()));
  }

  /** Segments of a store in creation order, optionally of some types, after a (created_at, id) position. */
  public Future<List<SegmentDefinition>> list(String storeId, List<String> types, OffsetDateTime afterTime,
                                              String afterId, int limit) {
    return pool.preparedQuery("SELECT " + C + " FROM segments WHERE store_id = $1"
            + " AND ($2::text[] IS NULL OR type = ANY($2))"
            + " AND ($3::timestamptz IS NULL OR (created_at, id) > ($3, $4))"
            + " ORDER BY created_at, id LIMIT $5")
        .execute(Tuple.tuple().addValue(storeId).addValue(types == null ? null : types.toArray(new String[0]))
            .addValue(afterTime).addValue(afterId).addValue(limit))
        .map(SegmentRepository::definitions);
  }

  /** Every evaluated (dynamic or passive) segment of every store: what the evaluator loads. */
  public Future<List<SegmentDefinition>> allEvaluated() {
    return pool.query("SELECT " + C + " FROM segments WHERE type <> 'static' AND lifecycle <> 'draft'").execute()
        .map(SegmentRepository::definitions);
  }

  /**
   * Writes new name/type/rules/metadata. A change of rules or type bumps the version and, for an
   * evaluated segment, restarts its sync. A change between static and dynamic/passive starts
   * the members over: static members do not carry into rules, nor rule results into a list.
   */
  public Future<SegmentDefinition> update(String storeId, String id, String name, String type, JsonArray rules,
                                          JsonObject metadata, boolean resync) {
    return update(storeId, id, name, type, rules, metadata, resync, null, null, null);
  }

  /**
   * As above, and the lifecycle, author and lock when not null. The segment stays a draft
   * (synced, nothing evaluated) until its lifecycle is {@code created}.
   */
  public Future<SegmentDefinition> update(String storeId, String id, String name, String type, JsonArray rules,
                                          JsonObject metadata, boolean resync, String lifecycle, String author,
                                          Boolean locked) {
    return update(storeId, id, name, type, rules, metadata, resync, lifecycle, author, locked, null);
  }

  /** As above, also writing the storefront fields (seed 004) when {@code sf} is not null. */
  public Future<SegmentDefinition> update(String storeId, String id, String name, String type, JsonArray rules,
                                          JsonObject metadata, boolean resync, String lifecycle, String author,
                                          Boolean locked, StorefrontFields sf) {
    return pool.withTransaction(conn -> conn.preparedQuery(
                "SELECT type FROM segments WHERE store_id = $1 AND id = $2 FOR UPDATE")
            .execute(Tuple.of(storeId, id))
            .compose(old -> {
              if (old.size() == 0) {
                return Future.succeededFuture((SegmentDefinition) null);
              }
              // members follow rules or a list: crossing between the two starts them over
              boolean typeChanged = SegmentDefinition.STATIC.equals(type)
                  != SegmentDefinition.STATIC.equals(old.iterator().next().getString("type"));
              // the count starts over with the members (before the update, whose RETURNING reads it)
              Future<?> recount = typeChanged
                  ? conn.preparedQuery("DELETE FROM segment_member_counts WHERE store_id = $1 AND segment_id = $2")
                      .execute(Tuple.of(storeId, id))
                  : Future.succeededFuture();
              return recount.compose(r -> conn.preparedQuery(
                      "UPDATE segments SET name = $3, type = $4, rules = $5, metadata = $6,"
                          + " updated_at = clock_timestamp(),"
                          + " version = version + CASE WHEN $7 THEN 1 ELSE 0 END,"
                          + " lifecycle = coalesce($8, lifecycle), author = coalesce($9, author),"
                          + " locked = coalesce($10, locked),"
                          + " sync_status = CASE WHEN $7 AND $4 <> 'static' AND coalesce($8, lifecycle) <> 'draft'"
                          + " THEN 'in_progress' ELSE sync_status END"
                          + (sf == null ? "" : ", localized_name = $11, localized_description = $12,"
                              + " default_language = $13, valid_from = $14, valid_to = $15, status = $16,"
                              + " site_code = $17")
                          + " WHERE store_id = $1 AND id = $2 RETURNING " + C)
                  .execute(storefront(Tuple.tuple().addValue(storeId).addValue(id).addValue(name).addValue(type)
                      .addValue(rules).addValue(metadata).addValue(resync).addValue(lifecycle)
                      .addValue(author).addValue(locked), sf)))
                  .compose(rows -> {
                    SegmentDefinition d = SegmentDefinition.from(rows.iterator().next());
                    Future<?> clear = typeChanged
                        ? conn.preparedQuery("DELETE FROM segment_members WHERE store_id = $1 AND segment_id = $2")
                            .execute(Tuple.of(storeId, id))
                        : Future.succeededFuture();
                    return clear.map(d);
                  });
            }));
  }

  private static Tuple storefront(Tuple t, StorefrontFields sf) {
    if (sf == null) {
      return t;
    }
    return t.addValue(sf.localizedName()).addValue(sf.localizedDescription()).addValue(sf.defaultLanguage())
        .addValue(odt(sf.validFrom())).addValue(odt(sf.validTo())).addValue(sf.status()).addValue(sf.siteCode());
  }

  private static OffsetDateTime odt(java.time.Instant t) {
    return t == null ? null : t.atOffset(java.time.ZoneOffset.UTC);
  }

  /**
   * Segments matching a storefront search ({@link SegmentQuery}), in creation order, after a
   * (created_at, id) position or from an offset.
   */
  public Future<List<SegmentDefinition>> search(String storeId, SegmentQuery q, OffsetDateTime afterTime,
                                                String afterId, int offset, int limit) {
    return pool.preparedQuery("SELECT " + C + " FROM segments WHERE store_id = $1" + SEARCH_FILTER
            + " AND ($9::timestamptz IS NULL OR (created_at, id) > ($9, $10))"
            + " ORDER BY created_at, id OFFSET $11 LIMIT $12")
        .execute(searchTuple(storeId, q).addValue(afterTime).addValue(afterId).addValue(offset).addValue(limit))
        .map(SegmentRepository::definitions);
  }

  /** How many segments match a storefront search. */
  public Future<Long> count(String storeId, SegmentQuery q) {
    return pool.preparedQuery("SELECT count(*) FROM segments WHERE store_id = $1" + SEARCH_FILTER)
        .execute(searchTuple(storeId, q)).map(rows -> rows.iterator().next().getLong(0));
  }

  private static final String SEARCH_FILTER =
      " AND ($2::text IS NULL OR site_code = $2)"
      + " AND ($3::text IS NULL OR status = $3)"
      + " AND ($4::text IS NULL OR type = $4)"
      + " AND ($5::text[] IS NULL OR NOT EXISTS (SELECT 1 FROM unnest($5::text[]) w"
      + "   WHERE NOT (name ILIKE '%' || w || '%' OR localized_name::text ILIKE '%' || w || '%'"
      + "   OR localized_description::text ILIKE '%' || w || '%')))"
      + " AND ($6::boolean IS NULL OR $6 = (status = 'active' AND (valid_from IS NULL OR valid_from <= $7)"
      + "   AND (valid_to IS NULL OR valid_to > $7)))"
      + " AND ($8::text[] IS NULL OR id = ANY($8))";

  private static Tuple searchTuple(String storeId, SegmentQuery q) {
    return Tuple.tuple().addValue(storeId).addValue(q.siteCode()).addValue(q.status()).addValue(q.type())
        .addValue(q.words().isEmpty() ? null : q.words().toArray(new String[0]))
        .addValue(q.active()).addValue(OffsetDateTime.now(java.time.ZoneOffset.UTC))
        .addValue(q.ids().isEmpty() ? null : q.ids().toArray(new String[0]));
  }

  /** Evaluated segments whose sync did not finish (interrupted by a stop): resumed at start. */
  public Future<List<SegmentDefinition>> unsynced() {
    return pool.query("SELECT " + C + " FROM segments WHERE type <> 'static' AND lifecycle <> 'draft'"
            + " AND sync_status = 'in_progress'")
        .execute().map(SegmentRepository::definitions);
  }

  public Future<Boolean> delete(String storeId, String id) {
    return pool.preparedQuery("WITH progress AS (DELETE FROM segment_sync_progress WHERE store_id = $1"
            + " AND segment_id = $2), counts AS (DELETE FROM segment_member_counts WHERE store_id = $1"
            + " AND segment_id = $2) DELETE FROM segments WHERE store_id = $1 AND id = $2")
        .execute(Tuple.of(storeId, id)).map(r -> r.rowCount() == 1);
  }

  public Future<Void> markSynced(String storeId, String id, int version) {
    return pool.preparedQuery("WITH progress AS (DELETE FROM segment_sync_progress WHERE store_id = $1"
            + " AND segment_id = $2 AND version <= $3)"
            + " UPDATE segments SET sync_status = 'done' WHERE store_id = $1 AND id = $2 AND version = $3")
        .execute(Tuple.of(storeId, id, version)).mapEmpty();
  }

  /**
   * Kafka mode: evaluator partition {@code partition} backfilled {@code fraction} of its customers
   * for this version of the segment (never going back within a version; a newer version starts over).
   */
  public Future<Void> saveSyncProgress(String storeId, String id, int version, int partition, double fraction) {
    return pool.preparedQuery("INSERT INTO segment_sync_progress (store_id, segment_id, partition, version, fraction)"
            + " VALUES ($1, $2, $3, $4, $5) ON CONFLICT (store_id, segment_id, partition) DO UPDATE"
            + " SET version = EXCLUDED.version, fraction = CASE WHEN segment_sync_progress.version = EXCLUDED.version"
            + " THEN greatest(segment_sync_progress.fraction, EXCLUDED.fraction) ELSE EXCLUDED.fraction END"
            + " WHERE segment_sync_progress.version <= EXCLUDED.version")
        .execute(Tuple.of(storeId, id, partition, version, fraction)).mapEmpty();
  }

  /** Kafka mode: the sum over the partitions of how far they backfilled this version of the segment. */
  public Future<Double> syncProgressSum(String storeId, String id, int version) {
    return pool.preparedQuery("SELECT coalesce(sum(fraction), 0) FROM segment_sync_progress"
            + " WHERE store_id = $1 AND segment_id = $2 AND version = $3")
        .execute(Tuple.of(storeId, id, version)).map(rows -> rows.iterator().next().getDouble(0));
  }

  /** Stores the per-rule funnel of a calculation just made. */
  public Future<Void> saveFunnel(String storeId, String id, JsonArray funnel) {
    return pool.preparedQuery("UPDATE segments SET funnel = $3, calculated_at = clock_timestamp()"
            + " WHERE store_id = $1 AND id = $2")
        .execute(Tuple.of(storeId, id, funnel)).mapEmpty();
  }

  /** Who entered and who left a static segment at a recalculation. */
  public record Refresh(List<String> entered, List<String> left) {}

  /**
   * Sets a static segment's members to exactly {@code members} (customers deleted meanwhile are
   * skipped) and stores the funnel, in one transaction. With {@code record}, each change is
   * recorded as a transition with cause {@code refresh} (the creation itself records none).
   */
  public Future<Refresh> replaceStaticMembers(String storeId, String id, List<String> members, JsonArray funnel,
                                              boolean record) {
    return pool.withTransaction(conn -> conn.preparedQuery(
                "SELECT 1 FROM segments WHERE store_id = $1 AND id = $2 FOR UPDATE")
            .execute(Tuple.of(storeId, id))
            .compose(locked -> conn.preparedQuery(
                    "SELECT customer_id FROM segment_members WHERE store_id = $1 AND segment_id = $2")
                .execute(Tuple.of(storeId, id)))
            .compose(rows -> {
              java.util.Set<String> before = new java.util.HashSet<>(rows.size() * 2);
              rows.forEach(r -> before.add(r.getString(0)));
              java.util.Set<String> after = new java.util.HashSet<>(members);
              List<String> entered = new ArrayList<>();
              for (String m : members) {
                if (!before.contains(m)) {
                  entered.add(m);
                }
              }
              List<String> left = new ArrayList<>();
              for (String m : before) {
                if (!after.contains(m)) {
                  left.add(m);
                }
              }
              java.util.Collections.sort(entered);
              java.util.Collections.sort(left);
              Future<Void> f = Future.succeededFuture();
              for (List<String> chunk : chunks(left)) {
                f = f.compose(v -> conn.preparedQuery("DELETE FROM segment_members WHERE store_id = $1"
                        + " AND segment_id = $2 AND customer_id = ANY($3)")
                    .execute(Tuple.tuple().addValue(storeId).addValue(id).addValue(chunk.toArray(new String[0])))
                    .mapEmpty());
              }
              for (List<String> chunk : chunks(entered)) {
                f = f.compose(v -> insertMembers(conn, storeId, id, chunk).mapEmpty());
              }
              if (record) {
                f = f.compose(v -> recordRefresh(conn, storeId, id, entered, "entered"))
                    .compose(v -> recordRefresh(conn, storeId, id, left, "left"));
              }
              return f.compose(v -> conn.preparedQuery("UPDATE segments SET funnel = $3,"
                          + " calculated_at = clock_timestamp(), updated_at = updated_at WHERE store_id = $1 AND id = $2")
                      .execute(Tuple.of(storeId, id, funnel)))
                  .map(v -> new Refresh(entered, left));
            }));
  }

  private static Future<Void> recordRefresh(io.vertx.sqlclient.SqlConnection conn, String storeId, String segmentId,
                                            List<String> customerIds, String kind) {
    Future<Void> f = Future.succeededFuture();
    for (List<String> chunk : chunks(customerIds)) {
      String[] ids = new String[chunk.size()];
      for (int i = 0; i < ids.length; i++) {
        ids[i] = io.shoal.kernel.Ids.newId("trn");
      }
      // one segment_flips row (V57) per customer: a refresh's flips have no event in common
      f = f.compose(v -> conn.preparedQuery("INSERT INTO segment_flips (store_id, customer_id, cause, occurred_at, ids,"
              + " segment_ids, entered) SELECT $1, t.customer_id, 'refresh', clock_timestamp(), ARRAY[t.id],"
              + " ARRAY[$2::text], ARRAY[$3::text = 'entered'] FROM unnest($4::text[], $5::text[]) AS t(id, customer_id)")
          .execute(Tuple.tuple().addValue(storeId).addValue(segmentId).addValue(kind).addValue(ids)
              .addValue(chunk.toArray(new String[0])))
          .mapEmpty());
    }
    return f;
  }

  private static List<List<String>> chunks(List<String> ids) {
    List<List<String>> out = new ArrayList<>();
    for (int i = 0; i < ids.size(); i += 10_000) {
      out.add(ids.subList(i, Math.min(ids.size(), i + 10_000)));
    }
    return out;
  }

  // --- members -------------------------------------------------------------------------------

  /** Adds existing customers of the store to a static segment; answers how many were new members. */
  public Future<Integer> addMembers(String storeId, String segmentId, List<String> customerIds) {
    return pool.withTransaction(conn -> insertMembers(conn, storeId, segmentId, customerIds));
  }

  /**
   * Adds customers ($3) of a store ($1) to a static segment ($2). The customer or the segment may
   * have been deleted meanwhile: then there is nothing to join; the locks keep them until the
   * commit (what the foreign keys did before V26_1, row by row).
   */
  static final String SQL_ADD_MEMBERS = "INSERT INTO segment_members (store_id, segment_id, customer_id, created_at)"
      + " SELECT j.s, j.g, j.c, j.t FROM"
      + " (SELECT c.store_id AS s, g.id AS g, c.id AS c, c.created_at AS t FROM customers c"
      + " JOIN segments g ON g.store_id = c.store_id"
      + " WHERE c.store_id = $1 AND g.id = $2 AND c.id = ANY($3) FOR KEY SHARE OF c, g) j"
      + " ON CONFLICT DO NOTHING";

  private static Future<Integer> insertMembers(io.vertx.sqlclient.SqlConnection conn, String storeId,
                                               String segmentId, List<String> customerIds) {
    return conn.preparedQuery(SQL_ADD_MEMBERS)
        .execute(Tuple.tuple().addValue(storeId).addValue(segmentId).addValue(customerIds.toArray(new String[0])))
        .map(r -> r.rowCount());
  }

  public Future<Integer> removeMembers(String storeId, String segmentId, List<String> customerIds) {
    return pool.preparedQuery(
            "DELETE FROM segment_members WHERE store_id = $1 AND segment_id = $2 AND customer_id = ANY($3)")
        .execute(Tuple.tuple().addValue(storeId).addValue(segmentId).addValue(customerIds.toArray(new String[0])))
        .map(r -> r.rowCount());
  }

  /**
   * Adds or removes one customer of a static segment inside the caller's transaction (automation
   * actions); answers 1 if the membership changed. Static memberships are not evaluator state.
   */
  public static Future<Integer> changeStaticMember(io.vertx.sqlclient.SqlClient client, String storeId,
                                                   String segmentId, String customerId, boolean add) {
    String sql = add
        ? "INSERT INTO segment_members (store_id, segment_id, customer_id, created_at) SELECT j.s, j.g, j.c, j.t FROM"
            + " (SELECT c.store_id AS s, g.id AS g, c.id AS c, c.created_at AS t FROM customers c"
            + " JOIN segments g ON g.store_id = c.store_id"
            + " WHERE c.store_id = $1 AND g.id = $2 AND c.id = $3 FOR KEY SHARE OF c, g) j ON CONFLICT DO NOTHING"
        : "DELETE FROM segment_members WHERE store_id = $1 AND segment_id = $2 AND customer_id = $3";
    return client.preparedQuery(sql).execute(Tuple.of(storeId, segmentId, customerId)).map(r -> r.rowCount());
  }

  /** The segment's type (static, dynamic...), or null if it does not exist. */
  public static Future<String> type(io.vertx.sqlclient.SqlClient client, String storeId, String segmentId) {
    return client.preparedQuery("SELECT type FROM segments WHERE store_id = $1 AND id = $2")
        .execute(Tuple.of(storeId, segmentId))
        .map(rows -> rows.size() == 0 ? null : rows.iterator().next().getString(0));
  }

  /** Which of these ids are not customers of the store. */
  public Future<List<String>> unknownCustomers(String storeId, List<String> customerIds) {
    return pool.preparedQuery("SELECT x FROM unnest($2::text[]) AS x"
            + " WHERE NOT EXISTS (SELECT 1 FROM customers c WHERE c.store_id = $1 AND c.id = x) LIMIT 10")
        .execute(Tuple.tuple().addValue(storeId).addValue(customerIds.toArray(new String[0])))
        .map(rows -> {
          List<String> out = new ArrayList<>();
          rows.forEach(r -> out.add(r.getString(0)));
          return out;
        });
  }

  public Future<Long> countMembers(String storeId, String segmentId) {
    return pool.preparedQuery("SELECT count(*) FROM segment_members WHERE store_id = $1 AND segment_id = $2")
        .execute(Tuple.of(storeId, segmentId)).map(rows -> rows.iterator().next().getLong(0));
  }

  /**
   * The number ($1, $2) of an evaluated segment, null for a static or unknown one: a scalar
   * subquery, computed once per statement, so the state rows are still walked in key order.
   */
  private static final String EVALUATED_NUM =
      "(SELECT g.num FROM segments g WHERE g.store_id = $1 AND g.id = $2 AND g.type <> 'static')";

  /** Member customer ids in id order after {@code afterId}. */
  public Future<List<Row>> members(String storeId, String segmentId, String afterId, int limit) {
    // Both kinds in customer id order, each read along its own key from the position on, each
    // limited on its own, then merged: a static segment's rows, an evaluated one's state rows (V34).
    // Limited only after the UNION (and with "$3 IS NULL OR customer_id > $3", no index bound), the
    // plan sorted every remaining member for each page: 2 s a page at 1,000,000 members, an
    // export's pages quadratic. "> coalesce($3, '')" is an index bound (ids are never empty).
    return pool.preparedQuery("SELECT customer_id, since, legal_entity_id, attributes FROM ("
            + "(SELECT customer_id, since, legal_entity_id, attributes FROM segment_members"
            + " WHERE store_id = $1 AND segment_id = $2 AND customer_id > coalesce($3, '')"
            + " ORDER BY customer_id LIMIT $4)"
            + " UNION ALL (SELECT e.customer_id, e.segment_since[array_position(e.segment_nums, " + EVALUATED_NUM + ")],"
            + " NULL, NULL FROM customer_eval_state e WHERE e.store_id = $1 AND " + EVALUATED_NUM + " = ANY(e.segment_nums)"
            + " AND e.customer_id > coalesce($3, '')"
            + " ORDER BY e.customer_id LIMIT $4)) page ORDER BY customer_id LIMIT $4")
        .execute(Tuple.of(storeId, segmentId, afterId, limit))
        .map(rows -> {
          List<Row> out = new ArrayList<>();
          rows.forEach(out::add);
          return out;
        });
  }

  /** The segments (id and name) each of these customers is a member of, by customer id. */
  public Future<java.util.Map<String, List<JsonObject>>> segmentsOf(String storeId, List<String> customerIds) {
    return pool.preparedQuery("SELECT m.customer_id, s.id, s.name FROM segment_memberships m"
            + " JOIN segments s ON s.store_id = m.store_id AND s.id = m.segment_id"
            + " WHERE m.store_id = $1 AND m.customer_id = ANY($2) ORDER BY s.created_at, s.id")
        .execute(Tuple.tuple().addValue(storeId).addValue(customerIds.toArray(new String[0])))
        .map(rows -> {
          java.util.Map<String, List<JsonObject>> out = new java.util.HashMap<>();
          rows.forEach(r -> out.computeIfAbsent(r.getString("customer_id"), c -> new ArrayList<>())
              .add(new JsonObject().put("id", r.getString("id")).put("name", r.getString("name"))));
          return out;
        });
  }

  /**
   * The most flips one segment_flips row holds (V57; and notifications, V80): a flip's seq is at most
   * its row's plus this, minus one.
   */
  public static final int FLIPS_PER_ROW = 1024;

  /**
   * How many segment_flips rows a page of transitions walks along the primary key before it asks
   * the GIN index on segment_ids instead: a segment in at least one row in {@code WALK_ROWS / limit}
   * fills its page within the walk; a rarer one is read through the index, which visits every row
   * of that segment (a cost that grows with the segment, not with the table).
   */
  public static final int WALK_ROWS = 2000;

  /*
   * One page of a segment's flips, in two bounded parts. The walk: the next WALK_ROWS rows along
   * the primary key (a LIMIT below the filters, so no plan walks further), filtered to this
   * segment. When that gives less than a page, the rest comes from the rows after the last row
   * walked (the edge) that the GIN index names (seq + 0: not along the primary key, which would be
   * the unbounded walk again); none when the walk reached the table's end (a one-time filter).
   * Two statements: in one, the index part's estimated cost made PostgreSQL launch parallel
   * workers and JIT-compile for every page of a common segment (~250 ms at 1M rows), unused.
   * Flip seqs follow (row_seq, k), and every flip of a row up to the edge comes before those of
   * the rows after it. $3 is cast: inferred from "$3 - 1024" it would be an int4, and a cursor
   * past 2^31 (after ~2.1 million rows, as seqs step by 1,024) would be cut to 32 bits.
   */
  private static final String FLIPS_OF = "SELECT f.seq + u.k - 1 AS seq,"
      + " coalesce(u.id, segment_flip_id(f.seq + u.k - 1)) AS id, u.segment_id, f.customer_id,"
      + " CASE WHEN u.entered THEN 'entered' ELSE 'left' END AS kind, f.cause, f.event_id, f.occurred_at, f.recorded_at"
      + " FROM %s f CROSS JOIN LATERAL unnest(f.ids, f.segment_ids, f.entered) WITH ORDINALITY AS u(id, segment_id, entered, k)"
      + " WHERE %s f.store_id = $1 AND f.segment_ids @> ARRAY[$2] AND u.segment_id = $2"
      + " AND f.seq + u.k - 1 > $3::bigint";
  private static final String NEXT_ROWS = "segment_flips WHERE seq > $3::bigint - " + FLIPS_PER_ROW + " ORDER BY seq";
  private static final String SQL_TRANSITIONS_WALKED =
      String.format(FLIPS_OF, "(SELECT * FROM " + NEXT_ROWS + " LIMIT " + WALK_ROWS + ")", "")
      + " ORDER BY f.seq, u.k LIMIT $4";
  private static final String SQL_TRANSITIONS_INDEXED =
      "WITH edge AS (SELECT seq FROM " + NEXT_ROWS + " OFFSET " + (WALK_ROWS - 1) + " LIMIT 1) "
      + String.format(FLIPS_OF, "segment_flips", "(SELECT seq FROM edge) IS NOT NULL"
          + " AND f.seq + 0 > (SELECT seq FROM edge) AND")
      + " ORDER BY f.seq + 0, u.k LIMIT $4";

  /*
   * One customer's flips of a segment: no index names a customer's rows (V49 dropped it), so the
   * planner walks the primary key or the segment's rows in the GIN index, whichever it prefers;
   * the walk-then-index pages above were twice as slow for a common segment (1M rows: 1.8-2.1 s
   * against 0.8-1.0 s), as the index part then visits every row of the segment.
   */
  private static final String SQL_TRANSITIONS_OF_CUSTOMER =
      "SELECT seq, id, segment_id, customer_id, kind, cause, event_id, occurred_at, recorded_at"
      + " FROM segment_flips_of($1, $2) WHERE customer_id = $3"
      + " AND row_seq > $4::bigint - " + FLIPS_PER_ROW + " AND seq > $4::bigint ORDER BY row_seq, k LIMIT $5";

  /**
   * A segment's recorded enters and leaves, oldest first, after a log position; only those of
   * {@code customerId} when it is given. The flips are unnested from their events' rows (V57): a
   * flip after {@code afterSeq} is in a row that starts after {@code afterSeq - FLIPS_PER_ROW}.
   * Each page of a segment's flips reads a bounded number of rows, for a segment in most rows as
   * for one in a few (see {@link #WALK_ROWS}); a page of one customer's is not bounded.
   */
  public Future<List<Row>> transitions(String storeId, String segmentId, String customerId, long afterSeq, int limit) {
    if (customerId != null) {
      return pool.preparedQuery(SQL_TRANSITIONS_OF_CUSTOMER)
          .execute(Tuple.tuple().addValue(storeId).addValue(segmentId).addValue(customerId).addValue(afterSeq)
              .addValue(limit))
          .map(rows -> {
            List<Row> out = new ArrayList<>();
            rows.forEach(out::add);
            return out;
          });
    }
    java.util.function.IntFunction<Tuple> page = n -> Tuple.of(storeId, segmentId, afterSeq, n);
    return pool.preparedQuery(SQL_TRANSITIONS_WALKED).execute(page.apply(limit))
        .compose(walked -> {
          List<Row> out = new ArrayList<>();
          walked.forEach(out::add);
          if (out.size() == limit) {
            return Future.succeededFuture(out);
          }
          return pool.preparedQuery(SQL_TRANSITIONS_INDEXED).execute(page.apply(limit - out.size()))
              .map(indexed -> {
                indexed.forEach(out::add);
                return out;
              });
        });
  }

  private static List<SegmentDefinition> definitions(io.vertx.sqlclient.RowSet<Row> rows) {
    List<SegmentDefinition> out = new ArrayList<>(rows.size());
    rows.forEach(r -> out.add(SegmentDefinition.from(r)));
    return out;
  }
}
