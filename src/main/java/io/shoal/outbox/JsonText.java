package io.shoal.outbox;

import io.vertx.core.json.JsonObject;
import java.util.Map;

/**
 * JSON text written into a {@code StringBuilder}, character for character what
 * {@code JsonObject.encode} (Jackson) writes for the same values: {@code "} and {@code \} escaped,
 * control characters as {@code \b \t \n \f \r} or {@code \\u00XX}, everything else as it is
 * (SegmentNoticeJsonTest compares them). For the set rows' text, written per flip, without a JsonObject
 * or a Jackson generator each.
 */
final class JsonText {

  private static final char[] HEX = "0123456789ABCDEF".toCharArray();

  private JsonText() {}

  /** {@code s} as a JSON string, or {@code null}. */
  static void string(StringBuilder out, String s) {
    if (s == null) {
      out.append("null");
      return;
    }
    out.append('"');
    int from = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c >= 0x20 && c != '"' && c != '\\') {
        continue;
      }
      out.append(s, from, i).append('\\');
      switch (c) {
        case '"', '\\' -> out.append(c);
        case '\b' -> out.append('b');
        case '\t' -> out.append('t');
        case '\n' -> out.append('n');
        case '\f' -> out.append('f');
        case '\r' -> out.append('r');
        default -> out.append("u00").append(HEX[c >> 4]).append(HEX[c & 15]);
      }
      from = i + 1;
    }
    out.append(s, from, s.length()).append('"');
  }

  /**
   * {@code o} as a JSON object, or {@code null}: its string, boolean and null values written
   * here, in the map's order; an object with any other value (numbers, nested values) is encoded
   * by {@code JsonObject.encode}, whole.
   */
  static void object(StringBuilder out, JsonObject o) {
    if (o == null) {
      out.append("null");
      return;
    }
    for (Object v : o.getMap().values()) {
      if (v != null && !(v instanceof String) && !(v instanceof Boolean)) {
        out.append(o.encode());
        return;
      }
    }
    out.append('{');
    boolean first = true;
    for (Map.Entry<String, Object> e : o.getMap().entrySet()) {
      if (!first) {
        out.append(',');
      }
      first = false;
      string(out, e.getKey());
      out.append(':');
      Object v = e.getValue();
      if (v instanceof String s) {
        string(out, s);
      } else {
        out.append(v); // true, false or null
      }
    }
    out.append('}');
  }
}
