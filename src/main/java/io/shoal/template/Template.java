package io.shoal.template;

import io.shoal.kernel.Wire;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import java.time.OffsetDateTime;

/** A stored template: its name, its content and its version (bumped on every change). */
public record Template(String storeId, String id, String name, TemplateContent content, int version,
                       OffsetDateTime createdAt, OffsetDateTime updatedAt) {

  static final String COLUMNS = "store_id, id, name, channel, subject, html, text, title, version, created_at,"
      + " updated_at";

  static Template of(Row r) {
    return new Template(r.getString("store_id"), r.getString("id"), r.getString("name"),
        new TemplateContent(io.shoal.kernel.Channel.fromWire(r.getString("channel")),
            r.getString("subject"), r.getString("html"), r.getString("text"), r.getString("title")),
        r.getInteger("version"), r.getOffsetDateTime("created_at"), r.getOffsetDateTime("updated_at"));
  }

  public JsonObject toJson() {
    JsonObject json = new JsonObject()
        .put("id", id)
        .put("object", "template")
        .put("name", name)
        .put("channel", content.channel().wire());
    for (String part : TemplateApi.PARTS.get(content.channel())) {
      json.put(part, TemplateApi.part(content, part));
    }
    return json
        .put("version", version)
        .put("created_at", Wire.time(createdAt))
        .put("updated_at", Wire.time(updatedAt));
  }
}
