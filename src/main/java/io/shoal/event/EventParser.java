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
      "page.viewed", "customer.updated");
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
        if (!(q instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue()) || n.longValue() < 1) {
          throw bad(ip + "quantity", "quantity must be a whole number of at least 1");
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
        return OffsetDateTime.parse(s).toInstant();
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

  private static DomainException bad(String param, String message) {
    return DomainException.invalidParam(param, message);
  }
}
