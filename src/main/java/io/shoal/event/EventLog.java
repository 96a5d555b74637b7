package io.shoal.event;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;

/**
 * The durable, ordered log of accepted events. {@link #append} completes only once the events
 * are durable: that is when the API may answer 202. Appends are idempotent by
 * {@code (store, dedupeKey)}: a repeat answers the event first logged under that key.
 */
public interface EventLog {

  /** An event ready to be logged: validated, its customer resolved. */
  record Pending(String storeId, String id, String dedupeKey, String type, String customerId,
                 Instant occurredAt, JsonObject data) {}

  /** The logged event, and whether it was already logged before under the same dedupe key. */
  record Appended(LoggedEvent event, boolean duplicate) {}

  Future<List<Appended>> append(List<Pending> events);

  /** The customer whose {@code order.completed} event has this order id, or null. */
  Future<String> customerOfOrder(String storeId, String orderId);

  /** Events with {@code seq > afterSeq}, in log order, at most {@code limit}. */
  Future<List<LoggedEvent>> readAfter(long afterSeq, int limit);

  /** The {@code order.completed} events with {@code seq > afterSeq}, in log order, at most {@code limit}. */
  Future<List<LoggedEvent>> ordersAfter(long afterSeq, int limit);

  /** The seq of the last logged event (0 for none). */
  Future<Long> lastSeq();
}
