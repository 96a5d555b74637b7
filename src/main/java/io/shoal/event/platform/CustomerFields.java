package io.shoal.event.platform;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * The {@code customer} of a Shoal event, gathered from a platform payload. Only values the
 * payload actually carries are set: an absent or blank value leaves the key out rather than
 * sending null, because Shoal treats a given null as "clear this field", and platforms leave
 * fields out for reasons that say nothing about the customer (Shopify hides protected customer
 * data from unapproved apps; since API 2025-01 its customer webhooks carry no tags or consent).
 * {@link #fill} sets a value only where none is set yet, so the best source is applied first.
 */
final class CustomerFields {

  private final JsonObject json = new JsonObject();

  CustomerFields set(String key, String value) {
    if (value != null && !value.isBlank()) {
      json.put(key, value.trim());
    }
    return this;
  }

  CustomerFields fill(String key, String value) {
    return json.containsKey(key) ? this : set(key, value);
  }

  CustomerFields consent(String key, Boolean value) {
    if (value != null) {
      json.put(key, value);
    }
    return this;
  }

  CustomerFields tags(List<String> tags) {
    if (tags != null) {
      json.put("tags", new JsonArray(List.copyOf(tags)));
    }
    return this;
  }

  /** Sets the address unless one is set already or this one has no line filled in. */
  CustomerFields fillAddress(JsonObject address) {
    if (address != null && !address.isEmpty() && !json.containsKey("address")) {
      json.put("address", address);
    }
    return this;
  }

  /** True when Shoal can tell who this is: an external id, an email or a phone. */
  boolean identified() {
    return json.containsKey("external_id") || json.containsKey("email") || json.containsKey("phone");
  }

  JsonObject toJson() {
    return json.copy();
  }
}
