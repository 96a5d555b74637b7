package io.shoal.event.kafka;

import io.shoal.event.EventLog;
import io.shoal.kernel.Wire;
import io.vertx.core.json.JsonObject;
import java.time.Instant;

/**
 * The wire form of an accepted event on the events topic. The key is {@code store/customer}, so
 * that one customer's events land on one partition, in order; the value is this JSON object
 * (version 1), which also documents the format for other consumers of the topic.
 */
final class EventRecord {

  static final int VERSION = 1;

  private EventRecord() {}

  static String key(String storeId, String customerId) {
    return storeId + "/" + customerId;
  }

  static String value(EventLog.Pending p) {
    return new JsonObject()
        .put("v", VERSION)
        .put("store_id", p.storeId())
        .put("id", p.id())
        .put("dedupe_key", p.dedupeKey())
        .put("type", p.type())
        .put("customer_id", p.customerId())
        .put("occurred_at", Wire.time(p.occurredAt()))
        .put("data", p.data())
        .encode();
  }

  static EventLog.Pending pending(String value) {
    JsonObject o = new JsonObject(value);
    if (o.getInteger("v", 0) != VERSION) {
      throw new IllegalArgumentException("unknown event record version " + o.getValue("v"));
    }
    return new EventLog.Pending(o.getString("store_id"), o.getString("id"), o.getString("dedupe_key"),
        o.getString("type"), o.getString("customer_id"), Instant.parse(o.getString("occurred_at")),
        o.getJsonObject("data", new JsonObject()));
  }
}
