package io.shoal.segment.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * ProfileJson reads an address or metadata column to the keys and values that the driver's
 * JsonObject (Jackson databind) answered before: same values, same Java types, same order.
 */
class ProfileJsonTest {

  /** What CustomerState kept before: each key of {@code new JsonObject(text)} and its getValue. */
  private static List<Object> viaDatabind(String text) {
    List<Object> kv = new ArrayList<>();
    JsonObject o = new JsonObject(text);
    for (String key : o.fieldNames()) {
      kv.add(key);
      kv.add(o.getValue(key));
    }
    return kv;
  }

  private static void assertSameAsDatabind(String text) {
    List<Object> expected = viaDatabind(text);
    Object[] got = ProfileJson.flat(text);
    if (expected.isEmpty()) {
      assertNull(got, text);
      return;
    }
    assertEquals(expected.size(), got.length, text);
    for (int i = 0; i < got.length; i++) {
      assertSame(expected.get(i), got[i], text + " at " + i);
    }
  }

  /** Equal values of the same classes, all the way down (JsonObject.equals forgives Integer vs Long). */
  private static void assertSame(Object expected, Object got, String where) {
    if (expected == null || got == null) {
      assertEquals(expected, got, where);
      return;
    }
    assertEquals(expected.getClass(), got.getClass(), where);
    if (expected instanceof JsonObject e) {
      assertSame(e.getMap(), ((JsonObject) got).getMap(), where);
    } else if (expected instanceof JsonArray e) {
      assertSame(e.getList(), ((JsonArray) got).getList(), where);
    } else if (expected instanceof Map<?, ?> e) {
      Map<?, ?> g = (Map<?, ?>) got;
      assertEquals(new ArrayList<>(e.keySet()), new ArrayList<>(g.keySet()), where);
      for (Object k : e.keySet()) {
        assertSame(e.get(k), g.get(k), where + "." + k);
      }
    } else if (expected instanceof List<?> e) {
      List<?> g = (List<?>) got;
      assertEquals(e.size(), g.size(), where);
      for (int i = 0; i < e.size(); i++) {
        assertSame(e.get(i), g.get(i), where + "[" + i + "]");
      }
    } else {
      assertEquals(expected, got, where);
    }
  }

  @Test
  void readsWhatDatabindRead() {
    for (String text : List.of(
        // as PostgreSQL prints jsonb
        "{\"city\": \"Berlin\", \"country\": \"DE\", \"postal_code\": \"10115\"}",
        "{\"plan\": \"gold\", \"score\": 42, \"source\": \"web\", \"vip\": true, \"churned\": false, \"ref\": null}",
        // numbers: int, the int limits, long, beyond long, negative, zero, fractions, exponents
        "{\"a\": 0, \"b\": -0, \"c\": 2147483647, \"d\": 2147483648, \"e\": -2147483648, \"f\": -2147483649,"
            + " \"g\": 9223372036854775807, \"h\": 9223372036854775808, \"i\": -9223372036854775809,"
            + " \"j\": 123456789012345678901234567890, \"k\": 1.5, \"l\": -0.0, \"m\": 1e3, \"n\": 2.5E-7,"
            + " \"o\": 0.1, \"p\": 1.7976931348623157e308, \"q\": 12345678901234567890.123456789, \"r\": 1e400}",
        // nesting: objects in objects, arrays of everything, empty ones
        "{\"geo\": {\"lat\": 52.52, \"lon\": 13.405, \"tags\": [\"a\", 1, 2.5, null, true, {\"x\": [[], {}]}]},"
            + " \"list\": [1, 2147483648, 99999999999999999999], \"empty\": {}, \"none\": []}",
        // unicode: raw, escaped, surrogate pairs, control characters and escapes
        "{\"city\": \"Zürich\", \"name\": \"\\u00e9t\\u00e9 \\ud83d\\ude00 😀\", \"ключ\": \"значение\","
            + " \"esc\": \"a\\\"b\\\\c\\/d\\n\\t\\r\\b\\f\", \"\\u0041\": \"\\u0000\"}",
        // the same key twice (not from jsonb, which keeps the last): the last value, at the first one's place
        "{\"a\": 1, \"b\": 2, \"a\": \"x\"}",
        // compact, with extra white space, many keys (past the first array's size)
        "{\"k1\":1,\"k2\":2,\"k3\":3,\"k4\":4,\"k5\":5,\"k6\":6,\"k7\":7,\"k8\":8,\"k9\":9}",
        "  {\n \"a\" : [ 1 , 2 ] ,\t\"b\" : { } }  ",
        "{}")) {
      assertSameAsDatabind(text);
    }
  }

  @Test
  void nothingForNullOrNotAnObject() {
    assertNull(ProfileJson.flat(null));
    assertNull(ProfileJson.flat("null"));
    assertNull(ProfileJson.flat("{}"));
    assertNull(ProfileJson.flat("[1, 2]"));
    assertNull(ProfileJson.flat("\"text\""));
  }

  @Test
  void stringsAreShared() {
    Object[] a = ProfileJson.flat("{\"plan\": \"platinum-" + 7 + "\"}");
    Object[] b = ProfileJson.flat("{\"plan\": \"platinum-" + 7 + "\"}");
    org.junit.jupiter.api.Assertions.assertSame(a[0], b[0]);
    org.junit.jupiter.api.Assertions.assertSame(a[1], b[1]);
  }

  /** Random documents, as Vert.x encodes them and as PostgreSQL prints jsonb (": " and ", "). */
  @Test
  void randomDocumentsReadAsDatabindReadThem() {
    Random r = new Random(14);
    for (int i = 0; i < 2_000; i++) {
      JsonObject doc = randomObject(r, 0);
      String compact = doc.encode();
      assertSameAsDatabind(compact);
      assertSameAsDatabind(compact.replace("\":", "\": ").replace(",\"", ", \""));
    }
  }

  /**
   * Objects of string values only, which are read without the parser when no string has an escape
   * (PostgreSQL's jsonb text of an address or metadata): the same answer as databind's, whether
   * read that way or (escapes, a repeated key, text after the object) by the parser.
   */
  @Test
  void stringOnlyDocumentsReadAsDatabindReadThem() {
    Random r = new Random(24);
    for (int i = 0; i < 2_000; i++) {
      JsonObject doc = new JsonObject();
      int n = r.nextInt(9);
      for (int k = 0; k < n; k++) {
        doc.put(r.nextInt(4) == 0 ? randomString(r) : "k" + r.nextInt(20), r.nextInt(4) == 0 ? randomString(r)
            : "v" + r.nextInt(1000));
      }
      String compact = doc.encode();
      assertSameAsDatabind(compact);
      assertSameAsDatabind(compact.replace("\":", "\": ").replace(",\"", ", \""));
      assertSameAsDatabind(" \n" + compact.replace(":", " :\t").replace(",", "\r\n, ") + "\n ");
    }
    for (String text : List.of("{\"a\": \"x\", \"a\": \"y\"}", "{\"a\": \"x\\\"y\"}", "{\"\": \"\"}",
        "{\"a\": \"x\"} ", "{\"é\": \"😀\"}")) {
      assertSameAsDatabind(text);
    }
    Object[] kv = ProfileJson.flat("{\"city\": \"Berlin\", \"country\": \"DE\"}");
    assertEquals(List.of("city", "Berlin", "country", "DE"), List.of(kv));
  }

  private static JsonObject randomObject(Random r, int depth) {
    JsonObject o = new JsonObject();
    int n = r.nextInt(depth == 0 ? 8 : 4);
    for (int i = 0; i < n; i++) {
      o.put(randomString(r), randomValue(r, depth));
    }
    return o;
  }

  private static Object randomValue(Random r, int depth) {
    switch (r.nextInt(depth < 3 ? 10 : 8)) {
      case 0: return randomString(r);
      case 1: return r.nextInt();
      case 2: return r.nextLong();
      case 3: return new java.math.BigInteger(80, r).negate();
      case 4: return r.nextDouble() * Math.pow(10, r.nextInt(40) - 20);
      case 5: return r.nextBoolean();
      case 6: return null;
      case 7: return r.nextInt(100);
      case 8: return randomObject(r, depth + 1);
      default: {
        JsonArray a = new JsonArray();
        int n = r.nextInt(4);
        for (int i = 0; i < n; i++) {
          a.add(randomValue(r, depth + 1));
        }
        return a;
      }
    }
  }

  private static String randomString(Random r) {
    String alphabet = "abcXYZ09 _-\"\\/\n\té€ж😀\u0001";
    StringBuilder b = new StringBuilder();
    int n = r.nextInt(8);
    for (int i = 0; i < n; i++) {
      b.appendCodePoint(alphabet.codePointAt(alphabet.offsetByCodePoints(0, r.nextInt(alphabet.codePointCount(0,
          alphabet.length())))));
    }
    return b.toString();
  }
}
