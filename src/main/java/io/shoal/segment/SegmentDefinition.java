package io.shoal.segment;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import java.time.OffsetDateTime;

/** A stored segment: what its rules are and how it is kept. */
public record SegmentDefinition(
    String storeId,
    String id,
    String name,
    String type,
    JsonArray rules,
    JsonObject metadata,
    long memberCount,
    String syncStatus,
    int version,
    OffsetDateTime createdAt,
    OffsetDateTime updatedAt,
    StorefrontFields storefront) {

  public static final String DYNAMIC = "dynamic";
  public static final String PASSIVE = "passive";
  public static final String STATIC = "static";

  public boolean isEvaluated() {
    return !STATIC.equals(type);
  }

  static final String COLUMNS =
      "store_id, id, name, type, rules, metadata, member_count, sync_status, version, created_at, updated_at, "
          + StorefrontFields.COLUMNS;

  /** Live at {@code t} (status and validity, see {@link StorefrontFields#liveAt}). */
  public boolean liveAt(java.time.Instant t) {
    return storefront.liveAt(t);
  }

  static SegmentDefinition from(Row r) {
    Object rules = r.getValue("rules");
    return new SegmentDefinition(r.getString("store_id"), r.getString("id"), r.getString("name"), r.getString("type"),
        rules instanceof JsonArray a ? a : new JsonArray(), r.getJsonObject("metadata"), r.getLong("member_count"),
        r.getString("sync_status"), r.getInteger("version"), r.getOffsetDateTime("created_at"),
        r.getOffsetDateTime("updated_at"), StorefrontFields.from(r));
  }
}
