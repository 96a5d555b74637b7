package io.shoal.kernel;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.function.Function;

/**
 * A page of a list, in the wire shape {@code {"object":"list","data",[...],"has_more","next_cursor"}}.
 * Repositories fetch {@code limit + 1} rows; the extra row only says that more exist.
 */
public final class ListPage {

  private ListPage() {}

  /** A page whose items are already rendered; {@code next} is the cursor position, or null at the end. */
  public static JsonObject rendered(List<JsonObject> data, JsonObject next) {
    return new JsonObject()
        .put("object", "list")
        .put("data", new JsonArray(new java.util.ArrayList<>(data)))
        .put("has_more", next != null)
        .put("next_cursor", next == null ? null : Cursor.encode(next));
  }

  /**
   * {@link #of} written straight to bytes, for items kept already encoded (a cache of their JSON):
   * an item whose {@code encoded} is null (gone since the page's rows were read) is left out, yet
   * still counts for {@code has_more} and the cursor. {@code extra}'s fields (may be null) follow
   * {@code next_cursor}.
   */
  public static <T> Buffer encoded(List<T> rows, int limit, Function<T, Buffer> encoded,
                                   Function<T, JsonObject> position, JsonObject extra) {
    boolean hasMore = rows.size() > limit;
    List<T> page = hasMore ? rows.subList(0, limit) : rows;
    List<Buffer> items = new java.util.ArrayList<>(page.size());
    int size = 96;
    for (T r : page) {
      Buffer item = encoded.apply(r);
      if (item != null) {
        items.add(item);
        size += item.length() + 1;
      }
    }
    Buffer out = Buffer.buffer(size).appendString("{\"object\":\"list\",\"data\":[");
    for (int i = 0; i < items.size(); i++) {
      if (i > 0) {
        out.appendByte((byte) ',');
      }
      out.appendBuffer(items.get(i));
    }
    out.appendString("],\"has_more\":").appendString(Boolean.toString(hasMore)).appendString(",\"next_cursor\":")
        .appendString(hasMore ? Json.encode(Cursor.encode(position.apply(page.get(page.size() - 1)))) : "null");
    if (extra != null && !extra.isEmpty()) {
      String fields = extra.encode();
      out.appendByte((byte) ',').appendString(fields.substring(1, fields.length() - 1));
    }
    return out.appendByte((byte) '}');
  }

  public static <T> JsonObject of(List<T> rows, int limit, Function<T, JsonObject> render,
                                  Function<T, JsonObject> position) {
    boolean hasMore = rows.size() > limit;
    List<T> page = hasMore ? rows.subList(0, limit) : rows;
    JsonArray data = new JsonArray();
    page.forEach(r -> data.add(render.apply(r)));
    String next = hasMore ? Cursor.encode(position.apply(page.get(page.size() - 1))) : null;
    return new JsonObject()
        .put("object", "list")
        .put("data", data)
        .put("has_more", hasMore)
        .put("next_cursor", next);
  }
}
