package io.shoal.campaign;

import io.shoal.kernel.Wire;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import java.time.OffsetDateTime;
import java.util.List;

/**
 * A stored campaign. Statuses: {@code draft} (no schedule) -> {@code scheduled} -> {@code active}
 * (its recipients frozen, messages being queued and sent) -> {@code completed} (every message has
 * a final state); {@code cancelled} from any of the first three.
 */
public record Campaign(String storeId, String id, String name, String type, String status, String segmentId,
                       String templateId, JsonObject metadata, JsonObject sendOptions, Integer attributionWindowDays,
                       OffsetDateTime scheduledAt, OffsetDateTime startedAt, Long recipientCount,
                       String snapshotCursor, long queuedCount, long suppressedCount, OffsetDateTime snapshotDoneAt,
                       OffsetDateTime completedAt, OffsetDateTime cancelledAt, OffsetDateTime createdAt,
                       OffsetDateTime updatedAt, String failureReason) {

  public static final String DRAFT = "draft";
  public static final String SCHEDULED = "scheduled";
  public static final String ACTIVE = "active";
  public static final String COMPLETED = "completed";
  public static final String CANCELLED = "cancelled";
  /** The scheduler could not start it (see {@code failure_reason}); other campaigns went on. */
  public static final String FAILED = "failed";

  public static final List<String> STATUSES = List.of(DRAFT, SCHEDULED, ACTIVE, COMPLETED, CANCELLED, FAILED);
  public static final List<String> TYPES = List.of("email", "sms", "push", "direct_mail");

  static final String COLUMNS = "store_id, id, name, type, status, segment_id, template_id, metadata, send_options,"
      + " attribution_window_days, scheduled_at, started_at, recipient_count, snapshot_cursor, queued_count,"
      + " suppressed_count, snapshot_done_at, completed_at, cancelled_at, created_at, updated_at, failure_reason";

  static Campaign from(Row r) {
    return new Campaign(r.getString("store_id"), r.getString("id"), r.getString("name"), r.getString("type"),
        r.getString("status"), r.getString("segment_id"), r.getString("template_id"), r.getJsonObject("metadata"),
        r.getJsonObject("send_options"), r.getInteger("attribution_window_days"),
        r.getOffsetDateTime("scheduled_at"), r.getOffsetDateTime("started_at"), r.getLong("recipient_count"),
        r.getString("snapshot_cursor"), r.getLong("queued_count"), r.getLong("suppressed_count"),
        r.getOffsetDateTime("snapshot_done_at"), r.getOffsetDateTime("completed_at"),
        r.getOffsetDateTime("cancelled_at"), r.getOffsetDateTime("created_at"), r.getOffsetDateTime("updated_at"),
        r.getString("failure_reason"));
  }

  /** Content, schedule and segment may change only before the campaign starts. */
  public boolean editable() {
    return DRAFT.equals(status) || SCHEDULED.equals(status);
  }

  /** Whether its recipients are frozen (it started, whatever happened since). */
  public boolean started() {
    return startedAt != null;
  }

  /**
   * The wire shape (seed 000). {@code recipient_count} is the frozen recipient list once the
   * campaign started, and before that the segment's current member count ({@code liveCount}).
   */
  public JsonObject toJson(Long liveCount) {
    return new JsonObject()
        .put("object", "campaign")
        .put("id", id)
        .put("name", name)
        .put("type", type)
        .put("status", status)
        .put("segment_id", segmentId)
        .put("template_id", templateId)
        .put("recipient_count", started() ? recipientCount : liveCount)
        .put("metadata", metadata)
        .put("send_options", sendOptions)
        .put("attribution_window_days", attributionWindowDays)
        .put("scheduled_at", Wire.time(scheduledAt))
        .put("started_at", Wire.time(startedAt))
        .put("completed_at", Wire.time(completedAt))
        .put("cancelled_at", Wire.time(cancelledAt))
        .put("failure_reason", failureReason)
        .put("created_at", Wire.time(createdAt))
        .put("updated_at", Wire.time(updatedAt));
  }
}
