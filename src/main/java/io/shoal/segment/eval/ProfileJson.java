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
