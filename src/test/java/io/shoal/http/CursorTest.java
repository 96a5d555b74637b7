package io.shoal.http;

import io.shoal.kernel.DomainException;
import io.shoal.kernel.Cursor;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
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

  @Test
  void aTimeAndIdPositionRoundTripsAndNoCursorIsTheStart() {
    OffsetDateTime t = OffsetDateTime.parse("2026-12-07T21:40:01.123456Z");
    String cursor = Cursor.encode(Cursor.TimeAndId.of(t, "seg_4k2x9m1c7q0v5b8n3r6t"));
    assertEquals(new Cursor.TimeAndId(t, "seg_4k2x9m1c7q0v5b8n3r6t"), Cursor.TimeAndId.decode(cursor));
    assertSame(Cursor.TimeAndId.START, Cursor.TimeAndId.decode(null));
  }

  @Test
  void aTimeAndIdCursorWithoutBothPartsIsA400CursorInvalid() {
    for (String json : List.of("{}", "{\"t\":\"2026-12-07T21:40:01Z\"}", "{\"id\":\"seg_1\"}",
        "{\"t\":\"yesterday\",\"id\":\"seg_1\"}", "{\"t\":42,\"id\":\"seg_1\"}",
        "{\"t\":\"2026-12-07T21:40:01Z\",\"id\":7}")) {
      DomainException e = assertThrows(DomainException.class, () -> Cursor.TimeAndId.decode(base64(json)), json);
      assertEquals(400, e.status());
      assertEquals("cursor_invalid", e.code());
      assertEquals("cursor", e.param());
    }
  }

  private static String base64(String s) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }
}
