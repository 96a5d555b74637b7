package io.shoal.automation;

import io.shoal.kernel.Wire;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import java.time.OffsetDateTime;

/** A stored automation rule, as the API shows it (seed 000's {@code automation_rule}). */
public record AutomationRule(String storeId, String id, String name, String triggerEvent, String segmentId,
                             JsonObject dateProperty, JsonArray conditions, JsonArray actions, JsonObject reEntry,
                             JsonArray frequencyCaps, boolean active, long timesTriggered, OffsetDateTime createdAt,
                             OffsetDateTime updatedAt, String failureReason) {

  static AutomationRule of(Row r) {
    return new AutomationRule(r.getString("store_id"), r.getString("id"), r.getString("name"),
        r.getString("trigger_event"), r.getString("segment_id"), (JsonObject) r.getValue("date_property"),
        (JsonArray) r.getValue("conditions"), (JsonArray) r.getValue("actions"), (JsonObject) r.getValue("re_entry"),
        (JsonArray) r.getValue("frequency_caps"), r.getBoolean("is_active"), r.getLong("times_triggered"),
        r.getOffsetDateTime("created_at"), r.getOffsetDateTime("updated_at"), r.getString("failure_reason"));
  }

  /** The definition fields, as a create or PATCH body would carry them (secrets included). */
  JsonObject definition() {
    JsonObject d = new JsonObject().put("name", name).put("trigger_event", triggerEvent)
        .put("conditions", conditions.copy()).put("actions", actions.copy()).put("re_entry", reEntry.copy())
        .put("frequency_caps", frequencyCaps.copy()).put("is_active", active);
    if (segmentId != null) {
      d.put("segment_id", segmentId);
    }
    if (dateProperty != null) {
      d.put("date_property", dateProperty.copy());
    }
    return d;
  }

  /** The API shape. A call_webhook action's {@code secret} is write-only: never shown. */
  public JsonObject toJson() {
    JsonArray shown = new JsonArray();
    for (Object a : actions) {
      JsonObject action = ((JsonObject) a).copy();
      if (action.remove("secret") != null) {
        action.put("has_secret", true);
      }
      shown.add(action);
    }
    JsonObject json = new JsonObject().put("object", "automation_rule").put("id", id).put("name", name)
        .put("trigger_event", triggerEvent);
    if (segmentId != null) {
      json.put("segment_id", segmentId);
    }
    if (dateProperty != null) {
      json.put("date_property", dateProperty);
    }
    json.put("conditions", conditions).put("actions", shown).put("re_entry", reEntry)
        .put("frequency_caps", frequencyCaps).put("is_active", active).put("times_triggered", timesTriggered)
        .put("created_at", Wire.time(createdAt)).put("updated_at", Wire.time(updatedAt));
    if (failureReason != null) {
      json.put("failure_reason", failureReason);
    }
    return json;
  }
}
