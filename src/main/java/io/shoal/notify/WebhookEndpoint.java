package io.shoal.notify;

import io.shoal.kernel.Wire;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import java.time.OffsetDateTime;
import java.util.Arrays;
import java.util.List;

/**
 * A store's webhook endpoint. {@code maxBatchSize}: events per request (1: one event, the JSON
 * object; more: a JSON array of up to that many). {@code status}: {@code active}; {@code failing} (a delivery kept
 * failing for the retry horizon: nothing is sent until it is re-enabled or an event is
 * redelivered to it; its undelivered events are kept); {@code disabled} (turned off, or it
 * answered 410 Gone).
 */
public record WebhookEndpoint(String storeId, String id, String url, List<String> events, String description,
                              boolean enabled, String status, String secret, String previousSecret,
                              OffsetDateTime previousSecretExpiresAt, OffsetDateTime failingSince,
                              OffsetDateTime createdAt, OffsetDateTime updatedAt, int maxBatchSize) {

  public static final String ACTIVE = "active";
  public static final String FAILING = "failing";
  public static final String DISABLED = "disabled";

  static WebhookEndpoint from(Row r) {
    String[] events = r.getArrayOfStrings("events");
    return new WebhookEndpoint(r.getString("store_id"), r.getString("id"), r.getString("url"),
        events == null ? List.of() : Arrays.asList(events), r.getString("description"), r.getBoolean("enabled"),
        r.getString("status"), r.getString("secret"), r.getString("previous_secret"),
        r.getOffsetDateTime("previous_secret_expires_at"), r.getOffsetDateTime("failing_since"),
        r.getOffsetDateTime("created_at"), r.getOffsetDateTime("updated_at"), r.getInteger("max_batch_size"));
  }

  /** The previous secret while its grace period lasts, else null. */
  public String previousSecretAt(OffsetDateTime now) {
    return previousSecret != null && previousSecretExpiresAt != null && previousSecretExpiresAt.isAfter(now)
        ? previousSecret : null;
  }

  /** The wire shape; the secret appears only when {@code withSecret} (creation and roll). */
  public JsonObject toJson(boolean withSecret) {
    JsonObject o = new JsonObject()
        .put("object", "webhook_endpoint")
        .put("id", id)
        .put("url", url)
        .put("events", new JsonArray(events))
        .put("description", description)
        .put("enabled", enabled)
        .put("max_batch_size", maxBatchSize)
        .put("status", status)
        .put("failing_since", Wire.time(failingSince))
        .put("created_at", Wire.time(createdAt))
        .put("updated_at", Wire.time(updatedAt));
    if (withSecret) {
      o.put("secret", secret);
    }
    return o;
  }
}
