package io.shoal.event;

import io.shoal.kernel.DomainException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Checks one incoming event and puts its data in canonical form (ids as strings, money as
 * two-decimal numbers). Hand-written rather than schema-validated because it is the hottest
 * path of the server; the contract documents the same rules. Every refusal names the field.
 */
public final class EventParser {

  public static final Set<String> BUILT_IN_TYPES = Set.of(
      "order.completed", "order.refunded", "order.cancelled", "cart.updated", "checkout.started",
      "page.viewed", "customer.updated", "product.viewed", "search");
  private static final Pattern CUSTOM_TYPE = Pattern.compile("custom\\.[a-z0-9_][a-z0-9_.-]{0,63}");
  private static final Set<String> ENVELOPE = Set.of("id", "type", "customer_id", "customer", "occurred_at", "data");
  private static final Set<String> PROFILE = Set.of("email", "external_id", "phone", "first_name", "last_name",
      "tags", "address", "metadata", "timezone", "email_consent", "sms_consent", "push_consent");
  /** Events may be back-dated freely, but not stamped more than this far in the future. */
  private static final Duration MAX_FUTURE = Duration.ofHours(24);

  /** A valid event: either {@code customerId} or {@code customer} (an identity and profile) is set. */
  public record Parsed(String clientId, String type, String customerId, JsonObject customer,
                       Instant occurredAt, JsonObject data) {}

  private EventParser() {}

  /** @param prefix the parameter path of this event in the request ("" or "events[3].") */
  public static Parsed parse(Object value, Instant now, String prefix) {
    if (!(value instanceof JsonObject json)) {
      throw bad(prefix.isEmpty() ? null : prefix.substring(0, prefix.length() - 1), "an event must be a JSON object");
    }
    for (String field : json.fieldNames()) {
      if (!ENVELOPE.contains(field)) {
        throw DomainException.invalid("parameter_unknown", "unknown field '" + prefix + field
            + "'; an event has id, type, customer_id or customer, occurred_at and data", prefix + field);
      }
    }
    String clientId = optionalString(json, "id", prefix, 200);
    String type = requiredString(json, "type", prefix, 100);
    if (!BUILT_IN_TYPES.contains(type) && !CUSTOM_TYPE.matcher(type).matches()) {
      throw bad(prefix + "type", "type must be one of " + String.join(", ", BUILT_IN_TYPES.stream().sorted().toList())
          + " or custom.<name> (lower-case letters, digits, _ . -); got '" + type + "'");
    }
    String customerId = optionalString(json, "customer_id", prefix, 100);
    Object customerValue = json.getValue("customer");
    JsonObject customer = null;
    if (customerValue != null) {
      if (!(customerValue instanceof JsonObject c)) {
        throw bad(prefix + "customer", "customer must be an object with email, external_id or phone");
      }
      customer = c;
      for (String field : customer.fieldNames()) {
        if (!PROFILE.contains(field)) {
          throw DomainException.invalid("parameter_unknown", "unknown customer field '" + prefix + "customer." + field + "'",
              prefix + "customer." + field);
        }
      }
      profile(customer, prefix + "customer.");
    }
    if ((customerId == null) == (customer == null)) {
      throw bad(prefix + "customer_id", "give exactly one of customer_id or customer");
    }
    Instant occurredAt = now;
    if (json.getValue("occurred_at") != null) {
      occurredAt = instant(json.getValue("occurred_at"), prefix + "occurred_at");
      if (occurredAt.isAfter(now.plus(MAX_FUTURE))) {
        throw bad(prefix + "occurred_at", "occurred_at is more than 24 hours in the future");
      }
    }
    Object dataValue = json.getValue("data");
    if (dataValue != null && !(dataValue instanceof JsonObject)) {
      throw bad(prefix + "data", "data must be an object");
    }
    JsonObject data = dataValue == null ? new JsonObject() : ((JsonObject) dataValue).copy();
    noNul(data, prefix + "data", 0);
    String p = prefix + "data.";
    switch (type) {
      case "order.completed" -> {
        data.put("order_id", id(data, "order_id", p, true));
        data.put("total", money(data, "total", p, true));
        data.put("items", items(data, p));
      }
      case "order.refunded" -> {
        data.put("order_id", id(data, "order_id", p, true));
        data.put("amount", money(data, "amount", p, true));
      }
      case "order.cancelled" -> data.put("order_id", id(data, "order_id", p, true));
      case "cart.updated", "checkout.started" -> {
        String cartId = id(data, "cart_id", p, false);
        if (cartId != null) {
          data.put("cart_id", cartId);
        }
        data.put("total", money(data, "total", p, true));
        data.put("items", items(data, p));
      }
      default -> { }
    }
    return new Parsed(clientId, type, customerId, customer, occurredAt, data);
  }

  private static JsonArray items(JsonObject data, String p) {
    Object value = data.getValue("items");
    if (value == null) {
      return new JsonArray();
    }
    if (!(value instanceof JsonArray array)) {
      throw bad(p + "items", "items must be an array");
    }
    if (array.size() > 1000) {
      throw bad(p + "items", "at most 1000 items per event");
    }
    JsonArray out = new JsonArray();
    for (int i = 0; i < array.size(); i++) {
      String ip = p + "items[" + i + "].";
      if (!(array.getValue(i) instanceof JsonObject item)) {
        throw bad(p + "items[" + i + "]", "an item must be an object");
      }
      JsonObject clean = new JsonObject().put("product_id", id(item, "product_id", ip, true));
      String category = id(item, "category_id", ip, false);
      if (category != null) {
        clean.put("category_id", category);
      }
      Object q = item.getValue("quantity");
      long quantity = 1;
      if (q != null) {
        if (!(q instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue()) || n.doubleValue() < 1
            || n.doubleValue() > MAX_QUANTITY) {
          throw bad(ip + "quantity", "quantity must be a whole number from 1 to " + MAX_QUANTITY);
        }
        quantity = n.longValue();
      }
      clean.put("quantity", quantity);
      if (item.getValue("price") != null) {
        clean.put("price", money(item, "price", ip, false));
      }
      out.add(clean);
    }
    return out;
  }

  private static String id(JsonObject o, String field, String p, boolean required) {
    Object v = o.getValue(field);
    if (v == null) {
      if (required) {
        throw DomainException.invalid("parameter_missing", "missing required field '" + p + field + "'", p + field);
      }
      return null;
    }
    if (v instanceof String s && !s.isBlank() && s.length() <= 200) {
      return s;
    }
    if (v instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue())) {
      return Long.toString(n.longValue());
    }
    throw bad(p + field, field + " must be a non-empty string (or whole number) of at most 200 characters");
  }

  private static BigDecimal money(JsonObject o, String field, String p, boolean required) {
    Object v = o.getValue(field);
    if (v == null) {
      if (required) {
        throw DomainException.invalid("parameter_missing", "missing required field '" + p + field + "'", p + field);
      }
      return null;
    }
    BigDecimal amount;
    try {
      amount = v instanceof Number n ? new BigDecimal(n.toString())
          : v instanceof String s ? new BigDecimal(s.trim()) : null;
    } catch (NumberFormatException e) {
      amount = null;
    }
    if (amount == null || amount.signum() < 0 || amount.compareTo(new BigDecimal("1000000000000")) >= 0) {
      throw bad(p + field, field + " must be a non-negative amount such as 19.90");
    }
    return amount.setScale(2, RoundingMode.HALF_EVEN);
  }

  private static Instant instant(Object v, String param) {
    if (v instanceof String s) {
      try {
        return io.shoal.kernel.Wire.inRange(OffsetDateTime.parse(s).toInstant(), param);
      } catch (DateTimeParseException e) {
        // fall through
      }
    }
    throw bad(param, param + " must be an ISO-8601 date-time with offset, such as 2026-03-08T14:30:00Z");
  }

  private static String requiredString(JsonObject json, String field, String prefix, int max) {
    String s = optionalString(json, field, prefix, max);
    if (s == null) {
      throw DomainException.invalid("parameter_missing", "missing required field '" + prefix + field + "'", prefix + field);
    }
    return s;
  }

  private static String optionalString(JsonObject json, String field, String prefix, int max) {
    Object v = json.getValue(field);
    if (v == null) {
      return null;
    }
    if (!(v instanceof String s) || s.isBlank() || s.length() > max) {
      throw bad(prefix + field, field + " must be a non-empty string of at most " + max + " characters");
    }
    return s;
  }

  private static final long MAX_QUANTITY = 1_000_000;
  /** The limits of the customer API (CustomerFields in the contract), so an event can store what it carries. */
  private static final java.util.Map<String, Integer> PROFILE_TEXT = java.util.Map.of("email", 254, "first_name", 100,
      "last_name", 100, "phone", 40, "external_id", 200, "timezone", 64);

  /**
   * The customer part of an event holds what a customer may hold, checked here: an event that
   * is acknowledged must be storable, and a wrong one is the client's to fix, not to retry.
   */
  private static void profile(JsonObject customer, String p) {
    for (String field : customer.fieldNames()) {
      Object v = customer.getValue(field);
      if (v == null) {
        continue;
      }
      Integer max = PROFILE_TEXT.get(field);
      if (max != null) {
        if (!(v instanceof String s) || s.length() > max || s.indexOf('\u0000') >= 0) {
          throw bad(p + field, field + " must be a string of at most " + max + " characters, without NUL characters");
        }
        continue;
      }
      switch (field) {
        case "tags" -> {
          if (!(v instanceof JsonArray tags) || tags.size() > 100) {
            throw bad(p + field, "tags must be an array of at most 100 strings");
          }
          for (Object t : tags) {
            if (!(t instanceof String s) || s.isEmpty() || s.length() > 64 || s.indexOf('\u0000') >= 0) {
              throw bad(p + field, "each tag must be a string of 1 to 64 characters, without NUL characters");
            }
          }
        }
        case "metadata" -> {
          if (!(v instanceof JsonObject m) || m.size() > 50) {
            throw bad(p + field, "metadata must be an object of at most 50 string values");
          }
          for (String key : m.fieldNames()) {
            Object mv = m.getValue(key);
            if (key.indexOf('\u0000') >= 0 || key.length() > 200
                || (mv != null && (!(mv instanceof String s) || s.length() > 500 || s.indexOf('\u0000') >= 0))) {
              throw bad(p + field + "." + key, "metadata values must be strings of at most 500 characters");
            }
          }
        }
        case "address" -> {
          if (!(v instanceof JsonObject a)) {
            throw bad(p + field, "address must be an object");
          }
          noNul(a, p + field, 0);
        }
        case "email_consent", "sms_consent", "push_consent" -> {
          if (!(v instanceof Boolean)) {
            throw bad(p + field, field + " must be true or false");
          }
        }
        default -> { }
      }
    }
  }

  /** PostgreSQL cannot store a NUL character in text or JSON: refuse it, naming where it is. */
  private static void noNul(Object v, String path, int depth) {
    if (depth > 32) {
      throw bad(path, "nested too deeply");
    }
    if (v instanceof String s) {
      if (s.indexOf('\u0000') >= 0) {
        throw bad(path, path + " contains a NUL character");
      }
    } else if (v instanceof JsonObject o) {
      for (java.util.Map.Entry<String, Object> e : o) {
        if (e.getKey().indexOf('\u0000') >= 0) {
          throw bad(path, path + " has a field name with a NUL character");
        }
        noNul(e.getValue(), path + "." + e.getKey(), depth + 1);
      }
    } else if (v instanceof JsonArray a) {
      for (int i = 0; i < a.size(); i++) {
        noNul(a.getValue(i), path + "[" + i + "]", depth + 1);
      }
    }
  }

  private static DomainException bad(String param, String message) {
    return DomainException.invalidParam(param, message);
  }
}
