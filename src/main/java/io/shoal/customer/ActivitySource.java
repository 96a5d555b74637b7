package io.shoal.customer;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.time.OffsetDateTime;
import java.util.List;

/**
 * Another package's entries in the customer activity timeline (ingested events, and later
 * messages sent). The timeline merges every source, newest first, paging by (occurred_at, id).
 */
public interface ActivitySource {

  /** One timeline entry; {@code data} holds the type-specific fields shown beside title. */
  record Entry(String id, String type, String title, JsonObject data, OffsetDateTime occurredAt) {}

  /**
   * The source's newest entries for the customer strictly before the (afterTime, afterId)
   * position when given, within [from, until), of the given activity types (null = all).
   */
  record Query(List<String> types, OffsetDateTime from, OffsetDateTime until, OffsetDateTime afterTime,
               String afterId, int limit) {}

  Future<List<Entry>> entries(String storeId, String customerId, Query query);
}
