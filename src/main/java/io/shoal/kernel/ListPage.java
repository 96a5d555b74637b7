package io.shoal.kernel;

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
