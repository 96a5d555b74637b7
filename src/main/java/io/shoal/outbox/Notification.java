package io.shoal.outbox;

import io.shoal.kernel.Ids;
import io.shoal.kernel.Wire;
import io.vertx.core.json.JsonObject;
import java.time.Instant;

/**
 * One of Shoal's own events, as stores receive them by webhook and stream:
 * {@code {"id":"evt_...","object":"event","type":...,"created_at":...,"store_id":...,"data":{...}}}.
 * {@code customerId} orders deliveries: a receiver sees one customer's events in order.
 */
public record Notification(String storeId, String id, String type, String customerId, JsonObject data,
                           Instant createdAt) {

  /** Every type Shoal announces; webhook endpoints and streams subscribe to these (or {@code *}). */
  public static final java.util.List<String> TYPES = java.util.List.of(
      "customer.segment.entered", "customer.segment.left",
      "customer.created", "customer.updated", "customer.deleted",
      "order.completed",
      "campaign.started", "campaign.completed", "campaign.cancelled",
      "data_request.completed", "data_request.failed");

  public static Notification of(String storeId, String type, String customerId, JsonObject data) {
    return new Notification(storeId, Ids.newRecordId("evt"), type, customerId, data, Instant.now());
  }

  public JsonObject toJson() {
    return envelope(id, type, createdAt, storeId, data);
  }

  /**
   * The wire shape of one event, the same for webhooks, streams, the event list and Kafka. A
   * {@code data_request.*} event also carries at the top level what seed 001's receivers read:
   * {@code event} (the type) and {@code download_url} (an export's signed link; null for an
   * erasure or a failed request), beside Shoal's own envelope.
   */
  public static JsonObject envelope(String id, String type, Instant createdAt, String storeId, JsonObject data) {
    JsonObject out = new JsonObject()
        .put("id", id)
        .put("object", "event")
        .put("type", type)
        .put("created_at", Wire.time(createdAt))
        .put("store_id", storeId)
        .put("data", data);
    if (type.startsWith("data_request.")) {
      out.put("event", type)
          .put("download_url", data == null ? null : data.getString("download_url"));
    }
    return out;
  }
}
