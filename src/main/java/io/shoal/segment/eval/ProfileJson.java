package io.shoal.segment.eval;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Decodes a customer's {@code address} or {@code metadata} (jsonb read as text) straight into the
 * key, value, key, value... array {@link CustomerState} keeps, with Jackson's streaming parser.
 * The values are those {@link JsonObject#getValue} answers for {@code new JsonObject(text)}, the
 * object the driver would have built through Jackson databind: strings, Integer / Long / BigInteger
 * (the smallest that holds the number), Double, Boolean, null, and nested objects and arrays as
 * JsonObject / JsonArray over LinkedHashMap / ArrayList. Top-level keys and string values are
 * {@linkplain SharedValues shared}.
 *
 * <p>Databind resolved the target type and built a map and a JsonObject per column per customer,
 * only to be flattened into this array: a start over a million customers spent 12 % of its samples
 * there.
 */
final class ProfileJson {

  /*
   * Keys are not canonicalized: each parser would copy the symbol table on its first new key, and
   * clients' metadata keys can be many (ids as keys); a key's copy is shared below instead.
   */
  private static final JsonFactory FACTORY = JsonFactory.builder()
      .disable(JsonFactory.Feature.CANONICALIZE_FIELD_NAMES)
      .disable(JsonFactory.Feature.INTERN_FIELD_NAMES)
      .build();

  private ProfileJson() {}

  /** The object's keys and values, strings shared; null for null, an empty object or a value that is no object. */
  static Object[] flat(String json) {
    if (json == null) {
      return null;
    }
    Object[] simple = flatStrings(json);
    if (simple != null) {
      return simple == NOT_SIMPLE ? parsed(json) : simple;
    }
    return null;
  }

  private static final Object[] NOT_SIMPLE = new Object[0];

  /**
   * The common case without a parser: an object whose values are all strings without escapes, as
   * PostgreSQL writes a jsonb address or metadata ({"city": "Paris", "country": "FR"}). Keys and
   * values are shared straight from the text (no substring when the shared copy holds them). Null
   * for an empty object; {@link #NOT_SIMPLE} for anything else (a number, a nested value, an escape,
   * a repeated key), which the parser then reads: so the answer is always the parser's.
   */
  private static Object[] flatStrings(String json) {
    int n = json.length();
    int i = skipSpace(json, 0, n);
    if (i >= n || json.charAt(i) != '{') {
      return NOT_SIMPLE;
    }
    i = skipSpace(json, i + 1, n);
    if (i < n && json.charAt(i) == '}') {
      return skipSpace(json, i + 1, n) == n ? null : NOT_SIMPLE;
    }
    Object[] kv = new Object[8];
    int k = 0;
    while (true) {
      // "key"
      if (i >= n || json.charAt(i) != '"') {
        return NOT_SIMPLE;
      }
      int keyEnd = stringEnd(json, i + 1, n);
      if (keyEnd < 0) {
        return NOT_SIMPLE;
      }
      int keyFrom = i + 1;
      i = skipSpace(json, keyEnd + 1, n);
      if (i >= n || json.charAt(i) != ':') {
        return NOT_SIMPLE;
      }
      i = skipSpace(json, i + 1, n);
      // "value"
      if (i >= n || json.charAt(i) != '"') {
        return NOT_SIMPLE;
      }
      int valueEnd = stringEnd(json, i + 1, n);
      if (valueEnd < 0) {
        return NOT_SIMPLE;
      }
      String key = SharedValues.PROFILE.share(json, keyFrom, keyEnd);
      if (indexOf(kv, k, key) >= 0) {
        return NOT_SIMPLE;
      }
      if (k == kv.length) {
        kv = Arrays.copyOf(kv, 2 * k);
      }
      kv[k++] = key;
      kv[k++] = SharedValues.PROFILE.share(json, i + 1, valueEnd);
      i = skipSpace(json, valueEnd + 1, n);
      if (i >= n) {
        return NOT_SIMPLE;
      }
      char c = json.charAt(i);
      if (c == '}') {
        if (skipSpace(json, i + 1, n) != n) {
          return NOT_SIMPLE;
        }
        return k == kv.length ? kv : Arrays.copyOf(kv, k);
      }
      if (c != ',') {
        return NOT_SIMPLE;
      }
      i = skipSpace(json, i + 1, n);
    }
  }

  /** The index of the quote closing a string that starts at {@code from}; -1 at an escape, a control character or the end. */
  private static int stringEnd(String s, int from, int n) {
    for (int i = from; i < n; i++) {
      char c = s.charAt(i);
      if (c == '"') {
        return i;
      }
      if (c == '\\' || c < 0x20) {
        return -1;
      }
    }
    return -1;
  }

  /** JSON's white space: space, tab, line feed, carriage return. */
  private static int skipSpace(String s, int i, int n) {
    while (i < n) {
      char c = s.charAt(i);
      if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
        return i;
      }
      i++;
    }
    return i;
  }

  private static Object[] parsed(String json) {
    try (JsonParser p = FACTORY.createParser(json)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        return null;
      }
      Object[] kv = new Object[8];
      int n = 0;
      for (JsonToken t = p.nextToken(); t == JsonToken.FIELD_NAME; t = p.nextToken()) {
        String key = SharedValues.PROFILE.share(p.currentName());
        JsonToken v = p.nextToken();
        Object value = v == JsonToken.VALUE_STRING ? SharedValues.PROFILE.share(p.getText()) : wrapped(value(p, v));
        int at = indexOf(kv, n, key);
        if (at >= 0) {
          kv[at + 1] = value; // a repeated key: the last value, at the first one's place (as a LinkedHashMap)
          continue;
        }
        if (n == kv.length) {
          kv = Arrays.copyOf(kv, 2 * n);
        }
        kv[n++] = key;
        kv[n++] = value;
      }
      return n == 0 ? null : n == kv.length ? kv : Arrays.copyOf(kv, n);
    } catch (IOException e) {
      throw new UncheckedIOException("undecodable profile JSON", e);
    }
  }

  private static int indexOf(Object[] kv, int n, String key) {
    for (int i = 0; i < n; i += 2) {
      if (key.equals(kv[i])) {
        return i;
      }
    }
    return -1;
  }

  /** As JsonObject.getValue wraps what databind put in the map. */
  private static Object wrapped(Object v) {
    if (v instanceof Map<?, ?> m) {
      @SuppressWarnings("unchecked")
      Map<String, Object> map = (Map<String, Object>) m;
      return new JsonObject(map);
    }
    if (v instanceof List<?> l) {
      return new JsonArray(l);
    }
    return v;
  }

  /** The current value as databind's untyped deserializer builds it (maps and lists unwrapped). */
  private static Object value(JsonParser p, JsonToken t) throws IOException {
    switch (t) {
      case VALUE_STRING:
        return p.getText();
      case VALUE_NUMBER_INT:
        return p.getNumberValue();
      case VALUE_NUMBER_FLOAT:
        return p.getDoubleValue();
      case VALUE_TRUE:
        return Boolean.TRUE;
      case VALUE_FALSE:
        return Boolean.FALSE;
      case VALUE_NULL:
        return null;
      case START_OBJECT: {
        Map<String, Object> m = new LinkedHashMap<>();
        for (JsonToken k = p.nextToken(); k == JsonToken.FIELD_NAME; k = p.nextToken()) {
          String key = p.currentName();
          m.put(key, value(p, p.nextToken()));
        }
        return m;
      }
      case START_ARRAY: {
        List<Object> l = new ArrayList<>();
        for (JsonToken e = p.nextToken(); e != JsonToken.END_ARRAY; e = p.nextToken()) {
          l.add(value(p, e));
        }
        return l;
      }
      default:
        throw new IOException("unexpected " + t);
    }
  }
}
