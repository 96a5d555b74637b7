package io.shoal.event;

import io.vertx.core.json.JsonObject;
import java.time.Instant;

/**
 * An event as the log holds it: durable, with its position {@code seq} in the log, the customer
 * it was resolved to, and its type-specific {@code data}. This is what the evaluator applies.
 */
public record LoggedEvent(
    long seq,
    String storeId,
    String id,
    String type,
    String customerId,
    Instant occurredAt,
    Instant receivedAt,
    JsonObject data) {

  public JsonObject toJson() {
    return new JsonObject()
        .put("object", "event")
        .put("id", id)
        .put("type", type)
        .put("customer_id", customerId)
        .put("occurred_at", io.shoal.kernel.Wire.time(occurredAt))
        .put("received_at", io.shoal.kernel.Wire.time(receivedAt))
        .put("data", data);
  }
}
