package io.shoal.kernel;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
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

  public static DomainException invalid() {
    return DomainException.invalid("cursor_invalid",
        "cursor is not a cursor this list returned; pass next_cursor unchanged", "cursor");
  }
}
