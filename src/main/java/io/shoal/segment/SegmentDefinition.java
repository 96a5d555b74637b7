package io.shoal.segment;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import java.time.OffsetDateTime;

/** A stored segment: what its rules are and how it is kept. */
public record SegmentDefinition(
    String storeId,
    String id,
    /** The segment's number (V60), unique and never reused: how the evaluator stores memberships. */
    int num,
    String name,
    String type,
    JsonArray rules,
    JsonObject metadata,
    long memberCount,
    String syncStatus,
    int version,
    OffsetDateTime createdAt,
    OffsetDateTime updatedAt,
    String lifecycle,
    String author,
    boolean locked,
    JsonArray funnel,
    OffsetDateTime calculatedAt,
    StorefrontFields storefront) {

  public static final String DYNAMIC = "dynamic";
  public static final String PASSIVE = "passive";
  public static final String STATIC = "static";

  /** Lifecycle: a draft is saved but not evaluated and has no members; a created one is live. */
  public static final String DRAFT = "draft";
  public static final String CREATED = "created";

  /** Kept current by the evaluator: a published dynamic or passive segment. */
  public boolean isEvaluated() {
    return !STATIC.equals(type) && !isDraft();
  }

  public boolean isDraft() {
    return DRAFT.equals(lifecycle);
  }

  /** A static segment whose members were fixed from rules (and are recalculated by refresh). */
  public boolean isStaticFromRules() {
    return STATIC.equals(type) && rules != null && !rules.isEmpty();
  }

  /**
   * The columns {@link #from} reads, for a statement over {@code segments} (not aliased). The member
   * count of an evaluated segment is the sum of its rows in segment_member_counts (V63: one per
   * evaluator partition, so partitions never wait on each other's locks).
   */
  static final String COLUMNS =
      "store_id, id, num, name, type, rules, metadata,"
          + " (SELECT greatest(0, coalesce(sum(k.members), 0))::bigint FROM segment_member_counts k"
          + " WHERE k.store_id = segments.store_id AND k.segment_id = segments.id) AS member_count,"
          + " sync_status, version, created_at, updated_at,"
          + " lifecycle, author, locked, funnel, calculated_at, " + StorefrontFields.COLUMNS;

  /** Live at {@code t} (status and validity, see {@link StorefrontFields#liveAt}). */
  public boolean liveAt(java.time.Instant t) {
    return storefront.liveAt(t);
  }

  static SegmentDefinition from(Row r) {
    Object rules = r.getValue("rules");
    return new SegmentDefinition(r.getString("store_id"), r.getString("id"), r.getInteger("num"), r.getString("name"), r.getString("type"),
        rules instanceof JsonArray a ? a : new JsonArray(), r.getJsonObject("metadata"), r.getLong("member_count"),
        r.getString("sync_status"), r.getInteger("version"), r.getOffsetDateTime("created_at"),
        r.getOffsetDateTime("updated_at"), r.getString("lifecycle"), r.getString("author"), r.getBoolean("locked"),
        r.getValue("funnel") instanceof JsonArray f ? f : null, r.getOffsetDateTime("calculated_at"),
        StorefrontFields.from(r));
  }
}
