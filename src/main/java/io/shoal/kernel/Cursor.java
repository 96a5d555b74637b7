package io.shoal.kernel;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.util.Base64;

/**
 * Opaque pagination cursors: base64url of a small JSON object that says where the last page
 * ended. Clients must not build them; a cursor that does not decode is a 400, never a 500.
 */
public final class Cursor {

  private Cursor() {}

  public static String encode(JsonObject position) {
    return Base64.getUrlEncoder().withoutPadding()
        .encodeToString(position.encode().getBytes(StandardCharsets.UTF_8));
  }

  public static JsonObject decode(String cursor) {
    try {
      byte[] raw = Base64.getUrlDecoder().decode(cursor);
      return new JsonObject(new String(raw, StandardCharsets.UTF_8));
    } catch (IllegalArgumentException | DecodeException | ClassCastException e) {
      throw invalid();
    }
  }

  /**
   * The position most lists page by: the last row's time and id ({@code {"t": ..., "id": ...}}).
   * {@link #START} (both null) when there is no cursor.
   */
  public record TimeAndId(OffsetDateTime time, String id) {

    public static final TimeAndId START = new TimeAndId(null, null);

    /** The position a cursor names, {@link #START} for none; a cursor without both parts is a 400. */
    public static TimeAndId decode(String cursor) {
      if (cursor == null) {
        return START;
      }
      JsonObject pos = Cursor.decode(cursor);
      if (!(pos.getValue("t") instanceof String t) || !(pos.getValue("id") instanceof String id)) {
        throw invalid();
      }
      try {
        return new TimeAndId(OffsetDateTime.parse(t), id);
      } catch (RuntimeException e) {
        throw invalid();
      }
    }

    /** The position of a row, for its page's next cursor. */
    public static JsonObject of(OffsetDateTime time, String id) {
      return new JsonObject().put("t", time.toString()).put("id", id);
    }
  }

  public static DomainException invalid() {
    return DomainException.invalid("cursor_invalid",
        "cursor is not a cursor this list returned; pass next_cursor unchanged", "cursor");
  }
}
