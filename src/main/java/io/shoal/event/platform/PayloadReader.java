package io.shoal.event.platform;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoField;
import java.time.temporal.TemporalAccessor;
import java.util.ArrayList;
import java.util.List;

/**
 * Typed reads from one object of a platform payload. Every failure names the field by its path
 * from the payload's root ({@code line_items[2].price}), so a bad delivery is a 400 a person can
 * act on. Platforms are loose about types (Shopify money is a string, WooCommerce unit prices are
 * numbers, ids are numbers that some API versions send as strings), so reads accept the forms
 * the platforms actually send and reject the rest.
 */
final class PayloadReader {

  private static final DateTimeFormatter SHOAL_TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

  private final String topic;
  private final JsonObject json;
  private final String path;

  PayloadReader(String topic, JsonObject json) {
    this(topic, json, "");
  }

  private PayloadReader(String topic, JsonObject json, String path) {
    this.topic = topic;
    this.json = json;
    this.path = path;
  }

  String field(String key) {
    return path + key;
  }

  /** True when the key is present with a non-null value. */
  boolean has(String key) {
    return json.getValue(key) != null;
  }

  /** The nested object, or null when absent or null. */
  PayloadReader object(String key) {
    Object v = json.getValue(key);
    if (v == null) {
      return null;
    }
    if (!(v instanceof JsonObject o)) {
      throw invalid(key, "must be an object", v);
    }
    return new PayloadReader(topic, o, field(key) + ".");
  }

  /** The array's objects; an absent or null array is empty. */
  List<PayloadReader> objects(String key) {
    Object v = json.getValue(key);
    if (v == null) {
      return List.of();
    }
    if (!(v instanceof JsonArray a)) {
      throw invalid(key, "must be an array", v);
    }
    List<PayloadReader> out = new ArrayList<>(a.size());
    for (int i = 0; i < a.size(); i++) {
      Object item = a.getValue(i);
      String itemPath = field(key) + "[" + i + "]";
      if (!(item instanceof JsonObject o)) {
        throw new PlatformPayloadException(itemPath,
            topic + ": " + itemPath + " must be an object, got " + describe(item));
      }
      out.add(new PayloadReader(topic, o, itemPath + "."));
    }
    return out;
  }

  /** A required identifier (a whole number or a non-blank string), as a string. */
  String id(String key) {
    String id = optionalId(key);
    if (id == null) {
      throw missing(key);
    }
    return id;
  }

  /** An identifier as a string, or null when absent, null or blank. */
  String optionalId(String key) {
    Object v = json.getValue(key);
    if (v == null) {
      return null;
    }
    if (v instanceof Integer || v instanceof Long || v instanceof BigInteger || v instanceof Short) {
      return v.toString();
    }
    if (v instanceof Number n) {
      try {
        return new BigDecimal(n.toString()).toBigIntegerExact().toString();
      } catch (ArithmeticException | NumberFormatException e) {
        throw invalid(key, "must be a whole number or a string", v);
      }
    }
    if (v instanceof String s) {
      return s.isBlank() ? null : s.trim();
    }
    throw invalid(key, "must be a whole number or a string", v);
  }

  /** A text value trimmed, or null when absent, null or blank. Numbers are read as text. */
  String text(String key) {
    Object v = json.getValue(key);
    if (v == null) {
      return null;
    }
    if (v instanceof String s) {
      return s.isBlank() ? null : s.trim();
    }
    if (v instanceof Number) {
      return v.toString();
    }
    throw invalid(key, "must be a string", v);
  }

  String requiredText(String key) {
    String s = text(key);
    if (s == null) {
      throw missing(key);
    }
    return s;
  }

  /**
   * A list of labels given as one comma-separated string ({@code "VIP, wholesale"}) or as an
   * array of strings: trimmed, without blanks or repeats. Null when the key is absent or null.
   */
  List<String> labels(String key) {
    Object v = json.getValue(key);
    if (v == null) {
      return null;
    }
    List<Object> parts;
    if (v instanceof String s) {
      parts = List.of((Object[]) s.split(","));
    } else if (v instanceof JsonArray a) {
      parts = a.getList();
    } else {
      throw invalid(key, "must be a comma-separated string", v);
    }
    List<String> labels = new ArrayList<>();
    for (Object part : parts) {
      if (!(part instanceof String s)) {
        throw invalid(key, "must hold only strings", part);
      }
      String label = s.trim();
      if (!label.isEmpty() && !labels.contains(label)) {
        labels.add(label);
      }
    }
    return labels;
  }

  /** A boolean, or null when absent or null. */
  Boolean bool(String key) {
    Object v = json.getValue(key);
    if (v == null) {
      return null;
    }
    if (v instanceof Boolean b) {
      return b;
    }
    throw invalid(key, "must be true or false", v);
  }

  /** A required amount: a decimal string ({@code "199.00"}) or a JSON number, to 2 decimals. */
  BigDecimal money(String key) {
    BigDecimal m = optionalMoney(key);
    if (m == null) {
      throw missing(key);
    }
    return m;
  }

  BigDecimal optionalMoney(String key) {
    Object v = json.getValue(key);
    if (v == null) {
      return null;
    }
    BigDecimal amount;
    try {
      if (v instanceof String s) {
        amount = new BigDecimal(s.trim());
      } else if (v instanceof Integer || v instanceof Long || v instanceof Short) {
        amount = BigDecimal.valueOf(((Number) v).longValue());
      } else if (v instanceof Number n) {
        // Double.toString gives the shortest decimal that round-trips: 14.95, not 14.949999...
        amount = new BigDecimal(n.toString());
      } else {
        throw invalid(key, "must be a decimal amount such as \"19.90\"", v);
      }
    } catch (NumberFormatException e) {
      throw invalid(key, "must be a decimal amount such as \"19.90\"", v);
    }
    return amount.setScale(2, RoundingMode.HALF_EVEN);
  }

  /** A required non-negative whole quantity. */
  int quantity(String key) {
    Object v = json.getValue(key);
    if (v == null) {
      throw missing(key);
    }
    try {
      int q = v instanceof String s ? Integer.parseInt(s.trim())
          : v instanceof Number n ? new BigDecimal(n.toString()).intValueExact()
          : -1;
      if (q >= 0) {
        return q;
      }
    } catch (NumberFormatException | ArithmeticException e) {
      // falls through to the error below
    }
    throw invalid(key, "must be a whole number of at least 0", v);
  }

  /**
   * The first of the keys that holds a time, as a Shoal time (ISO-8601 UTC with milliseconds).
   * A time without an offset is read as UTC (WooCommerce's {@code *_gmt} fields). None of the keys
   * present is an error naming the first.
   */
  String time(String... keys) {
    for (String key : keys) {
      String t = optionalTime(key);
      if (t != null) {
        return t;
      }
    }
    throw missing(keys[0]);
  }

  String optionalTime(String key) {
    String s = text(key);
    if (s == null) {
      return null;
    }
    try {
      TemporalAccessor parsed = DateTimeFormatter.ISO_DATE_TIME.parse(s);
      Instant instant = parsed.isSupported(ChronoField.OFFSET_SECONDS)
          ? Instant.from(parsed)
          : LocalDateTime.from(parsed).toInstant(ZoneOffset.UTC);
      if (!io.shoal.kernel.Wire.isInRange(instant)) {
        throw invalid(key, "must lie " + io.shoal.kernel.Wire.RANGE, s);
      }
      return SHOAL_TIME.format(instant);
    } catch (DateTimeParseException e) {
      throw invalid(key, "must be an ISO-8601 date-time such as \"2026-03-01T10:15:00-05:00\"", s);
    }
  }

  PlatformPayloadException missing(String key) {
    return new PlatformPayloadException(field(key), topic + ": " + field(key) + " is missing");
  }

  PlatformPayloadException invalid(String key, String expectation, Object value) {
    return new PlatformPayloadException(field(key),
        topic + ": " + field(key) + " " + expectation + ", got " + describe(value));
  }

  private static String describe(Object v) {
    if (v == null) {
      return "null";
    }
    if (v instanceof String s) {
      return "\"" + (s.length() > 40 ? s.substring(0, 40) + "..." : s) + "\"";
    }
    if (v instanceof JsonObject) {
      return "an object";
    }
    if (v instanceof JsonArray) {
      return "an array";
    }
    return v.toString();
  }
}
