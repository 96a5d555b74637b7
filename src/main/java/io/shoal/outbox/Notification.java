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
    return new Notification(storeId, Ids.newId("evt"), type, customerId, data, Instant.now());
  }

  public JsonObject toJson() {
    return new JsonObject()
        .put("id", id)
        .put("object", "event")
        .put("type", type)
        .put("created_at", Wire.time(createdAt))
        .put("store_id", storeId)
        .put("data", data);
  }
}
