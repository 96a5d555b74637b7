package io.shoal.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/** One HTTP answer, read fully, with the assertions almost every test makes on it. */
public record ApiResponse(String request, int status, MultiMap headers, Buffer body) {

  public String header(String name) {
    return headers.get(name);
  }

  public String text() {
    return body == null ? "" : body.toString();
  }

  public JsonObject json() {
    try {
      return new JsonObject(text());
    } catch (DecodeException | ClassCastException e) {
      return fail(request + " answered " + status + " with a body that is not a JSON object: " + text());
    }
  }

  /** Asserts the status, showing the request and body when it differs; answers the JSON body. */
  public JsonObject expect(int expectedStatus) {
    assertEquals(expectedStatus, status, () -> request + " answered " + status + ": " + text());
    return json();
  }

  /** For a list answer: asserts 200 and the list shape, answers the page's items. */
  public List<JsonObject> page() {
    JsonObject list = expect(200);
    assertEquals("list", list.getString("object"), () -> "not a list: " + text());
    assertNotNull(list.getValue("has_more"), "has_more missing");
    assertTrue(list.containsKey("next_cursor"), "next_cursor missing");
    JsonArray data = list.getJsonArray("data");
    List<JsonObject> out = new ArrayList<>();
    data.forEach(o -> out.add((JsonObject) o));
    return out;
  }

  /** For a list answer: the cursor of the next page, or null on the last page. */
  public String nextCursor() {
    JsonObject list = json();
    String next = list.getString("next_cursor");
    assertEquals(list.getBoolean("has_more"), next != null, () -> "has_more disagrees with next_cursor: " + text());
    return next;
  }

  /**
   * Asserts an error answer: this status, a JSON body in the one error shape with non-empty
   * type, code and message, and this code. Answers the {@code error} object.
   */
  public JsonObject expectError(int expectedStatus, String expectedCode) {
    assertEquals(expectedStatus, status, () -> request + " answered " + status + ": " + text());
    String contentType = header("Content-Type");
    assertTrue(contentType != null && contentType.startsWith("application/json"),
        () -> request + ": error is not JSON but " + contentType + ": " + text());
    JsonObject error = json().getJsonObject("error");
    assertNotNull(error, () -> request + ": no 'error' object in " + text());
    for (String field : List.of("type", "code", "message")) {
      String value = error.getString(field);
      assertTrue(value != null && !value.isBlank(), () -> request + ": error." + field + " is empty in " + text());
    }
    assertFalse(error.getString("type").equals("api_error") && expectedStatus < 500,
        () -> "a client mistake reported as our fault: " + text());
    if (expectedCode != null) {
      assertEquals(expectedCode, error.getString("code"), () -> request + ": " + text());
    }
    return error;
  }
}
