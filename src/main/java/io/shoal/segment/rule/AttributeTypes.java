package io.shoal.segment.rule;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Map;

/**
 * Typed custom attributes. A customer's {@code metadata} values are text; a store may declare
 * some keys {@code number} or {@code date} (for example {@code age}, {@code birthday}) so that
 * rules compare them as numbers or times: {@code between}, {@code gt}, {@code within_last}.
 *
 * <p>The type travels in the rule itself, {@code {"field": "metadata.age", "operator":
 * "between", "value": [37, 74], "attribute_type": "number"}}: the segments API writes it from
 * the store's declarations when a segment is saved ({@link #annotate}), so compiling stays a
 * pure function of the stored rules and a later change of a declaration does not silently
 * change a saved segment. At evaluation the text is parsed; text that does not parse counts as
 * a missing value.
 */
public final class AttributeTypes {

  /** The family of custom attributes. */
  public static final String PREFIX = "metadata.";

  public static final String NUMBER = "number";
  public static final String DATE = "date";
  public static final String TEXT = "text";

  private AttributeTypes() {}

  /** The field a condition's {@code attribute_type} makes of a custom attribute. */
  static Field typed(Field field, Object attributeType, String path) {
    if (!field.name().startsWith(PREFIX)) {
      throw new RuleException(path, field.name(), "attribute_type applies only to custom attributes ("
          + PREFIX + "<key>), not to '" + field.name() + "'");
    }
    FieldType type = fieldType(attributeType);
    if (type == null) {
      throw new RuleException(path, field.name(), "attribute_type must be number, date or text; got "
          + attributeType);
    }
    return new Field(field.name(), type, field.source());
  }

  static FieldType fieldType(Object attributeType) {
    if (!(attributeType instanceof String s)) {
      return null;
    }
    return switch (s) {
      case NUMBER -> FieldType.DECIMAL;
      case DATE -> FieldType.TIME;
      case TEXT -> FieldType.STRING;
      default -> null;
    };
  }

  /**
   * Writes each declared key's type into the conditions on it, throughout the rules (groups
   * and negations included); returns a copy. A condition that already names a type must agree
   * with the declaration.
   *
   * @param declared key (without {@code metadata.}) -> number, date or text
   * @throws RuleException naming the condition whose attribute_type contradicts the declaration
   */
  public static JsonArray annotate(JsonArray rules, Map<String, String> declared) {
    if (rules == null) {
      return null;
    }
    JsonArray copy = rules.copy();
    if (!declared.isEmpty()) {
      for (int i = 0; i < copy.size(); i++) {
        annotate(copy.getValue(i), declared, "rules[" + i + "]");
      }
    }
    return copy;
  }

  private static void annotate(Object rule, Map<String, String> declared, String path) {
    if (!(rule instanceof JsonObject o)) {
      return;
    }
    if (o.getValue("field") instanceof String name) {
      if (name.startsWith(PREFIX)) {
        String type = declared.get(name.substring(PREFIX.length()));
        Object given = o.getValue("attribute_type");
        if (type != null && given == null && !TEXT.equals(type)) {
          o.put("attribute_type", type);
        } else if (type != null && given != null && !type.equals(given)) {
          throw new RuleException(path, name, "attribute_type '" + given + "' contradicts the store's declaration of '"
              + name.substring(PREFIX.length()) + "' as " + type);
        }
      }
      return;
    }
    for (String kind : new String[] {"all", "any"}) {
      if (o.getValue(kind) instanceof JsonArray children) {
        for (int i = 0; i < children.size(); i++) {
          annotate(children.getValue(i), declared, path + "." + kind + "[" + i + "]");
        }
      }
    }
    if (o.getValue("not") instanceof JsonObject inner) {
      annotate(inner, declared, path + ".not");
    }
  }

  /** A custom attribute's stored value as the declared type's Java value, or null if it does not parse. */
  public static Object parse(FieldType type, Object raw) {
    if (raw == null) {
      return null;
    }
    return switch (type) {
      case DECIMAL, INTEGER, MONEY -> number(raw);
      case TIME -> time(raw);
      default -> raw;
    };
  }

  public static BigDecimal number(Object raw) {
    if (raw instanceof BigDecimal d) {
      return d;
    }
    if (raw instanceof Number n) {
      return new BigDecimal(n.toString());
    }
    if (raw instanceof String s && !s.isBlank() && s.length() <= 40) {
      try {
        return new BigDecimal(s.trim());
      } catch (NumberFormatException e) {
        return null;
      }
    }
    return null;
  }

  /** An ISO-8601 instant or offset time, or a date (midnight UTC). */
  public static Instant time(Object raw) {
    if (raw instanceof Instant i) {
      return i;
    }
    if (!(raw instanceof String s) || s.isBlank() || s.length() > 40) {
      return null;
    }
    String t = s.trim();
    try {
      if (t.length() == 10) {
        return LocalDate.parse(t).atStartOfDay(ZoneOffset.UTC).toInstant();
      }
      return OffsetDateTime.parse(t).toInstant();
    } catch (DateTimeParseException e) {
      try {
        return Instant.parse(t);
      } catch (DateTimeParseException again) {
        return null;
      }
    }
  }
}
