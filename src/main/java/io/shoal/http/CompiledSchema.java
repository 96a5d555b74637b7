package io.shoal.http;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.json.schema.impl.Format;
import io.vertx.openapi.impl.OpenAPIFormatValidator;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * A JSON schema of the contract compiled, once, into plain checks that answer one question: is
 * this instance surely valid? It is the fast half of {@link BodyValidation}: "yes" lets a request
 * through without vertx-json-schema (which interprets the schema anew on every request); "no"
 * means "let the library decide", and the library then also writes the 400 with its message. So
 * a check here may be stricter than the library, never more lenient; where that is not obvious,
 * the check is stricter on purpose (lengths, integers, enums of numbers).
 *
 * <p>Only the keywords Shoal's contract uses in request bodies compile (type, enum, const,
 * properties, required, additionalProperties, unevaluatedProperties: false, allOf, $ref, items,
 * min/max items, properties, length, minimum, maximum, exclusive bounds, pattern, format);
 * {@link #compile} throws {@link Unsupported} for any other, and that operation stays with the
 * library alone. Semantics follow vertx-json-schema 5.0.10's {@code SchemaValidatorImpl}
 * (e.g. {@code pattern} is a {@code find()}, {@code additionalProperties} makes a sibling
 * {@code unevaluatedProperties} inert).
 */
final class CompiledSchema {

  /** A schema (or a part of one) this compiler does not handle. */
  static final class Unsupported extends Exception {
    Unsupported(String message) {
      super(message, null, false, false);
    }
  }

  /** The check of one schema node. */
  interface Check {
    boolean accepts(Object instance);
  }

  private static final Check ANY = instance -> true;
  private static final Check NONE = instance -> false;
  private static final OpenAPIFormatValidator OPENAPI_FORMATS = new OpenAPIFormatValidator();

  /** Words of a schema that do not constrain an instance (vertx-json-schema reads none of them). */
  private static final Set<String> ANNOTATIONS = Set.of("description", "title", "example", "examples", "default",
      "readOnly", "writeOnly", "deprecated", "$comment", "externalDocs", "xml", "discriminator");

  private static final Set<String> TYPES = Set.of("string", "number", "integer", "boolean", "object", "array", "null");

  private final Function<String, Object> refs;
  private final Map<String, Check> byRef = new HashMap<>();

  private CompiledSchema(Function<String, Object> refs) {
    this.refs = refs;
  }

  /**
   * @param schema a schema as written in the contract (a JSON object or a boolean)
   * @param refs   the schema a {@code $ref} names ({@code #/components/schemas/X}), or null if none
   */
  static Check compile(Object schema, Function<String, Object> refs) throws Unsupported {
    return new CompiledSchema(refs).check(schema);
  }

  private Check check(Object schema) throws Unsupported {
    if (schema instanceof Boolean b) {
      return b ? ANY : NONE;
    }
    JsonObject s = asObject(schema);
    if (s == null) {
      throw new Unsupported("a schema that is neither an object nor a boolean: " + schema);
    }
    List<Check> checks = new ArrayList<>();
    for (String key : s.fieldNames()) {
      if (!ANNOTATIONS.contains(key) && !key.startsWith("x-") && !KNOWN.contains(key)) {
        throw new Unsupported("keyword " + key);
      }
    }
    if (s.containsKey("$ref")) {
      checks.add(ref(s.getString("$ref")));
    }
    if (s.containsKey("type")) {
      checks.add(type(s.getValue("type")));
    }
    if (s.containsKey("enum")) {
      checks.add(oneOf(s.getJsonArray("enum")));
    }
    if (s.containsKey("const")) {
      checks.add(oneOf(new JsonArray().add(s.getValue("const"))));
    }
    if (s.containsKey("allOf")) {
      for (Object part : s.getJsonArray("allOf")) {
        checks.add(check(part));
      }
    }
    checks.addAll(strings(s));
    checks.addAll(numbers(s));
    checks.addAll(arrays(s));
    checks.addAll(objects(s));
    return all(checks);
  }

  private static final Set<String> KNOWN = Set.of("$ref", "type", "enum", "const", "allOf", "maxLength",
      "minLength", "pattern", "format", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "items",
      "maxItems", "minItems", "properties", "required", "additionalProperties", "unevaluatedProperties",
      "maxProperties", "minProperties");

  private static Check all(List<Check> checks) {
    if (checks.isEmpty()) {
      return ANY;
    }
    if (checks.size() == 1) {
      return checks.get(0);
    }
    Check[] each = checks.toArray(new Check[0]);
    return instance -> {
      for (Check c : each) {
        if (!c.accepts(instance)) {
          return false;
        }
      }
      return true;
    };
  }

  private Check ref(String ref) throws Unsupported {
    Check known = byRef.get(ref);
    if (known != null) {
      return known;
    }
    Object target = refs.apply(ref);
    if (target == null) {
      throw new Unsupported("$ref " + ref);
    }
    // a schema may refer to itself, directly or not: compile behind an indirection
    Check[] compiled = new Check[1];
    byRef.put(ref, instance -> compiled[0].accepts(instance));
    compiled[0] = check(target);
    return compiled[0];
  }

  private static Check type(Object type) throws Unsupported {
    Set<String> allowed = new HashSet<>();
    if (type instanceof String t) {
      allowed.add(t);
    } else if (type instanceof JsonArray ts) {
      for (Object t : ts) {
        allowed.add(String.valueOf(t));
      }
    } else {
      throw new Unsupported("type " + type);
    }
    if (!TYPES.containsAll(allowed)) {
      throw new Unsupported("type " + type);
    }
    boolean string = allowed.contains("string");
    boolean number = allowed.contains("number");
    boolean integer = allowed.contains("integer");
    boolean bool = allowed.contains("boolean");
    boolean object = allowed.contains("object");
    boolean array = allowed.contains("array");
    boolean nul = allowed.contains("null");
    return instance -> {
      if (instance == null) {
        return nul;
      }
      if (instance instanceof String) {
        return string;
      }
      if (instance instanceof Number n) {
        // an integer stored as a floating point number (2.0) is left to the library
        return number || integer && isWholeType(n);
      }
      if (instance instanceof Boolean) {
        return bool;
      }
      if (isObject(instance)) {
        return object;
      }
      return isArray(instance) && array;
    };
  }

  private static boolean isWholeType(Number n) {
    return n instanceof Integer || n instanceof Long || n instanceof Short || n instanceof Byte || n instanceof BigInteger;
  }

  /** enum and const: strings, booleans and null compared as they are; numbers and structures go to the library. */
  private static Check oneOf(JsonArray values) throws Unsupported {
    Set<Object> allowed = new HashSet<>();
    boolean nul = false;
    for (Object v : values) {
      if (v == null) {
        nul = true;
      } else if (v instanceof String || v instanceof Boolean) {
        allowed.add(v);
      } else {
        throw new Unsupported("enum value " + v);
      }
    }
    boolean allowsNull = nul;
    return instance -> instance == null ? allowsNull
        : (instance instanceof String || instance instanceof Boolean) && allowed.contains(instance);
  }

  private static List<Check> strings(JsonObject s) throws Unsupported {
    List<Check> checks = new ArrayList<>();
    Integer maxLength = whole(s, "maxLength");
    Integer minLength = whole(s, "minLength");
    if (maxLength != null) {
      // the library counts code points; a string of at most maxLength chars has at most that many
      checks.add(instance -> !(instance instanceof String v) || v.length() <= maxLength);
    }
    if (minLength != null) {
      checks.add(instance -> !(instance instanceof String v) || v.codePointCount(0, v.length()) >= minLength);
    }
    if (s.containsKey("pattern")) {
      Pattern pattern = Pattern.compile(s.getString("pattern"));
      checks.add(instance -> !(instance instanceof String v) || pattern.matcher(v).find());
    }
    if (s.containsKey("format")) {
      String format = s.getString("format");
      // both checks the library makes: JSON Schema formats on strings, OpenAPI's on numbers
      checks.add(instance -> {
        if (instance instanceof String v && !Format.fastFormat(format, v)) {
          return false;
        }
        return OPENAPI_FORMATS.validateFormat(typeOf(instance), format, instance) == null;
      });
    }
    return checks;
  }

  private static List<Check> numbers(JsonObject s) throws Unsupported {
    List<Check> checks = new ArrayList<>();
    for (String bound : new String[] {"minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"}) {
      if (!s.containsKey(bound)) {
        continue;
      }
      if (!(s.getValue(bound) instanceof Number limit)) {
        throw new Unsupported(bound + " " + s.getValue(bound));
      }
      BigDecimal b = decimal(limit);
      checks.add(instance -> {
        if (!(instance instanceof Number n)) {
          return true;
        }
        BigDecimal v = decimal(n);
        if (v == null) {
          return false;
        }
        int c = v.compareTo(b);
        return switch (bound) {
          case "minimum" -> c >= 0;
          case "maximum" -> c <= 0;
          case "exclusiveMinimum" -> c > 0;
          default -> c < 0;
        };
      });
    }
    return checks;
  }

  private static BigDecimal decimal(Number n) {
    if (n instanceof BigDecimal d) {
      return d;
    }
    if (n instanceof BigInteger i) {
      return new BigDecimal(i);
    }
    if (n instanceof Double || n instanceof Float) {
      double d = n.doubleValue();
      return Double.isFinite(d) ? BigDecimal.valueOf(d) : null;
    }
    return BigDecimal.valueOf(n.longValue());
  }

  private List<Check> arrays(JsonObject s) throws Unsupported {
    List<Check> checks = new ArrayList<>();
    Integer maxItems = whole(s, "maxItems");
    Integer minItems = whole(s, "minItems");
    if (maxItems != null) {
      checks.add(instance -> !isArray(instance) || list(instance).size() <= maxItems);
    }
    if (minItems != null) {
      checks.add(instance -> !isArray(instance) || list(instance).size() >= minItems);
    }
    if (s.containsKey("items")) {
      if (s.getValue("items") instanceof JsonArray) {
        throw new Unsupported("items as an array");
      }
      Check item = check(s.getValue("items"));
      checks.add(instance -> {
        if (!isArray(instance)) {
          return true;
        }
        for (Object v : list(instance)) {
          if (!item.accepts(v)) {
            return false;
          }
        }
        return true;
      });
    }
    return checks;
  }

  private List<Check> objects(JsonObject s) throws Unsupported {
    List<Check> checks = new ArrayList<>();
    Integer maxProperties = whole(s, "maxProperties");
    Integer minProperties = whole(s, "minProperties");
    if (maxProperties != null) {
      checks.add(instance -> !isObject(instance) || map(instance).size() <= maxProperties);
    }
    if (minProperties != null) {
      checks.add(instance -> !isObject(instance) || map(instance).size() >= minProperties);
    }
    if (s.containsKey("required")) {
      List<String> required = new ArrayList<>();
      for (Object name : s.getJsonArray("required")) {
        required.add((String) name);
      }
      checks.add(instance -> {
        if (!isObject(instance)) {
          return true;
        }
        Map<String, Object> m = map(instance);
        for (String name : required) {
          if (!m.containsKey(name)) {
            return false;
          }
        }
        return true;
      });
    }
    Map<String, Check> properties = new HashMap<>();
    JsonObject declared = asObject(s.getValue("properties"));
    if (declared != null) {
      for (String name : declared.fieldNames()) {
        properties.put(name, check(declared.getValue(name)));
      }
    }
    Check additional = null;
    if (s.containsKey("additionalProperties")) {
      additional = check(s.getValue("additionalProperties"));
    } else if (s.containsKey("unevaluatedProperties")) {
      if (!Boolean.FALSE.equals(s.getValue("unevaluatedProperties"))) {
        throw new Unsupported("unevaluatedProperties other than false");
      }
      // with every part valid, the evaluated properties are those some part declares
      Set<String> names = new HashSet<>();
      declaredNames(s, names, new HashSet<>(), true);
      additional = NONE;
      properties.keySet().forEach(names::remove);
      for (String name : names) {
        properties.put(name, ANY); // checked by the part that declares it
      }
    }
    if (properties.isEmpty() && additional == null) {
      return checks;
    }
    Check rest = additional;
    checks.add(instance -> {
      if (!isObject(instance)) {
        return true;
      }
      for (Map.Entry<String, Object> e : map(instance).entrySet()) {
        Check c = properties.get(e.getKey());
        if (c == null) {
          c = rest;
        }
        if (c != null && !c.accepts(e.getValue())) {
          return false;
        }
      }
      return true;
    });
    return checks;
  }

  /** Property names a schema and the parts it is made of (allOf, $ref) declare with {@code properties}. */
  private void declaredNames(Object schema, Set<String> names, Set<String> seenRefs, boolean top) throws Unsupported {
    JsonObject s = asObject(schema);
    if (s == null) {
      throw new Unsupported("unevaluatedProperties over a boolean schema");
    }
    for (String evaluating : new String[] {"additionalProperties", "patternProperties", "anyOf", "oneOf", "if",
        "dependentSchemas", "unevaluatedProperties"}) {
      if (s.containsKey(evaluating) && !(top && evaluating.equals("unevaluatedProperties"))) {
        throw new Unsupported("unevaluatedProperties next to " + evaluating);
      }
    }
    JsonObject props = asObject(s.getValue("properties"));
    if (props != null) {
      names.addAll(props.fieldNames());
    }
    if (s.getValue("allOf") instanceof JsonArray parts) {
      for (Object part : parts) {
        declaredNames(part, names, seenRefs, false);
      }
    }
    if (s.getValue("$ref") instanceof String ref && seenRefs.add(ref)) {
      Object target = refs.apply(ref);
      if (target == null) {
        throw new Unsupported("$ref " + ref);
      }
      declaredNames(target, names, seenRefs, false);
    }
  }

  private static Integer whole(JsonObject s, String key) throws Unsupported {
    if (!s.containsKey(key)) {
      return null;
    }
    Object v = s.getValue(key);
    if (v instanceof Integer || v instanceof Long) {
      return ((Number) v).intValue();
    }
    throw new Unsupported(key + " " + v);
  }

  /** A schema object of the contract, whichever form the JSON parser gave it. */
  @SuppressWarnings("unchecked")
  static JsonObject asObject(Object v) {
    if (v instanceof JsonObject o) {
      return o;
    }
    return v instanceof Map<?, ?> m ? new JsonObject((Map<String, Object>) m) : null;
  }

  static boolean isObject(Object v) {
    return v instanceof JsonObject || v instanceof Map;
  }

  static boolean isArray(Object v) {
    return v instanceof JsonArray || v instanceof List;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(Object v) {
    return v instanceof JsonObject o ? o.getMap() : (Map<String, Object>) v;
  }

  @SuppressWarnings("unchecked")
  private static List<Object> list(Object v) {
    return v instanceof JsonArray a ? a.getList() : (List<Object>) v;
  }

  private static String typeOf(Object instance) {
    if (instance == null) {
      return "null";
    }
    if (instance instanceof String) {
      return "string";
    }
    if (instance instanceof Number) {
      return "number";
    }
    if (instance instanceof Boolean) {
      return "boolean";
    }
    return isObject(instance) ? "object" : isArray(instance) ? "array" : "unknown";
  }
}
