package io.shoal.http;

import io.shoal.kernel.DomainException;
import io.shoal.kernel.Cursor;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class CursorTest {

  @Test
  void aPositionRoundTrips() {
    JsonObject position = new JsonObject()
        .put("s", "created_at").put("o", "desc").put("k", "2026-01-01 10:00:00.123456+00")
        .put("id", "cust_4k2x9m1c7q0v5b8n3r6t").put("unicode", "café ☕ \"quoted\" & more");
    String cursor = Cursor.encode(position);
    assertEquals(position, Cursor.decode(cursor));
  }

  @Test
  void aCursorIsSafeInAUrlWithoutEncoding() {
    String cursor = Cursor.encode(new JsonObject().put("k", "???>>>~~~").put("id", "x/y+z="));
    assertTrue(cursor.matches("[A-Za-z0-9_-]+"), cursor);
  }

  @Test
  void garbageIsA400CursorInvalidNamingTheCursor() {
    for (String garbage : List.of("!!!", "not base64 at all", "%%", "a", "", base64("not json"), base64("[1,2]"),
        base64("\"just a string\""), base64("42"), base64("{\"unterminated"))) {
      DomainException e = assertThrows(DomainException.class, () -> Cursor.decode(garbage), garbage);
      assertEquals(400, e.status());
      assertEquals("cursor_invalid", e.code());
      assertEquals("cursor", e.param());
      assertEquals("invalid_request_error", e.type());
    }
  }

  private static String base64(String s) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }
}
