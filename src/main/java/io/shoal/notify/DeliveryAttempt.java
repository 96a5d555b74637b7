package io.shoal.notify;

import io.vertx.core.json.JsonObject;
import java.time.OffsetDateTime;

/**
 * One delivery taken by the dispatcher (its row is {@code in_flight}): which endpoint, which
 * notification, and what the retry policy needs to know about its past.
 */
record DeliveryAttempt(String storeId, String endpointId, long seq, String orderingKey, int attemptsBefore,
                       OffsetDateTime retrySince, String eventId, String type, JsonObject data,
                       OffsetDateTime createdAt) {

  /** The body sent: the notification in its wire shape. */
  JsonObject payload() {
    return io.shoal.outbox.Notification.envelope(eventId, type, createdAt == null ? null : createdAt.toInstant(),
        storeId, data);
  }
}
