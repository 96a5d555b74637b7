package io.shoal.segment.rule;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Turns a segment's {@code rules} JSON into a {@link CompiledRule}, or says precisely what is
 * wrong with it ({@link RuleException}: where, which field, what to write instead).
 *
 * <h2>Forms</h2>
 * The top level is an array whose rules must all hold. A rule is one of:
 * <pre>
 *   {"field": "total_spent", "operator": "gte", "value": 500}
 *   {"all": [rule, ...]}   {"any": [rule, ...]}   {"not": rule}
 *   {"bought": {"product_ids" | "category_ids": ["id", ...], "within_days": 180, "min_count": 1}}
 *   {"performed": {"event": "page.viewed", "within_days": 7, "at_least": 3 | "at_most": 0}}
 * </pre>
 *
 * <h2>Semantics worth knowing</h2>
 * <ul>
 *   <li>A missing value (null) fails every comparison except {@code neq} and {@code nin}, which
 *       hold, and {@code not_within_last}, which holds: what never happened did not happen
 *       recently. {@code exists} is false for null and for an empty list.
 *   <li>String comparisons ignore case, as {@link String#equalsIgnoreCase} does, with no locale.
 *       Ids in {@code bought} are matched exactly, as the store sent them.
 *   <li>Numbers compare by value: {@code 500} equals {@code 500.00}.
 *   <li>Times: an ISO-8601 instant ({@code 2026-01-01T00:00:00Z}, or with an offset), a date
 *       ({@code 2026-01-01}, midnight UTC), or a relative time ({@code 90_days_ago}) measured
 *       back from the evaluation's {@code now}, never the compile time. Units are seconds, minutes,
 *       hours, days (24 hours) and weeks; no months.
 *   <li>{@code between} is inclusive at both ends and wants the lower bound first.
 *       {@code within_last D} holds for times at or after now - D, including times in the
 *       future (clock drift between shops and Shoal).
 *   <li>{@code bought} counts purchases (order lines) summed over the ids; without
 *       {@code within_days} it counts all kept history. {@code performed} requires a window.
 *       Counts are limited to {@value #MAX_COUNT}, the history {@link CustomerFacts} keeps.
 *   <li>The array must not be empty, nor may any {@code all}/{@code any}: an empty rule set
 *       would silently match everyone (or no one). To target every customer write
 *       {@code {"field": "created_at", "operator": "exists"}}.
 *   <li>Limits: {@value #MAX_CONDITIONS} conditions in all (bought and performed included),
 *       {@value #MAX_DEPTH} levels of all/any/not nesting, {@value #MAX_VALUES} values per
 *       in/nin, {@value #MAX_IDS} ids per bought.
 * </ul>
 */
public final class RuleCompiler {

  public static final int MAX_CONDITIONS = 100;
  public static final int MAX_DEPTH = 10;
  public static final int MAX_VALUES = 10_000;
  public static final int MAX_IDS = 1_000;
  public static final int MAX_WINDOW_DAYS = 3_650;
  /** Purchases per id and events per type that {@link CustomerFacts} promises to keep. */
  public static final int MAX_COUNT = 256;
  static final int MAX_EVENT_TYPE_LENGTH = 200;

  private static final String RULE_FORMS = "a condition {\"field\", \"operator\", \"value\"},"
      + " or {\"all\": [...]}, {\"any\": [...]}, {\"not\": {...}}, {\"bought\": {...}}"
      + " or {\"performed\": {...}}";
  private static final Set<String> CONDITION_KEYS = Set.of("field", "operator", "value", "attribute_type");
  private static final Set<String> BOUGHT_KEYS =
      Set.of("product_ids", "category_ids", "within_days", "min_count");
  private static final Set<String> PERFORMED_KEYS =
      Set.of("event", "within_days", "at_least", "at_most");
  private static final String TIME_FORMS = "an ISO-8601 instant or a relative time like"
      + " 90_days_ago (also 2026-01-01T00:00:00Z, 2026-01-01, 12_hours_ago, 2_weeks_ago)";

  private int conditions;
  /** Fields beyond the catalogue, for rule languages built on this one (automation conditions). */
  private final java.util.function.Function<String, Field> moreFields;

  private RuleCompiler(java.util.function.Function<String, Field> moreFields) {
    this.moreFields = moreFields;
  }

  /**
   * Compiles a segment's rules (an array whose rules must all hold).
   *
   * @throws RuleException if the rules are malformed, name an unknown field, use an operator
   *     that does not fit the field, carry a value of the wrong kind, or exceed a limit
   */
  public static CompiledRule compile(JsonArray rules) {
    if (rules == null) {
      throw new RuleException("rules", null, "rules is required: an array of rules that must all hold");
    }
    if (rules.isEmpty()) {
      throw new RuleException("rules", null, "rules is empty; a segment needs at least one rule"
          + " (to match every customer use {\"field\": \"created_at\", \"operator\": \"exists\"})");
    }
    return compile(rules, "rules", name -> null);
  }

  /**
   * Compiles a non-empty array of rules whose paths in error messages start with {@code root}
   * (e.g. {@code conditions[0]}), accepting also the fields {@code moreFields} names (it
   * answers null for a name it does not know). The caller's {@link CustomerFacts} must answer
   * for them. Automation conditions use this for the triggering event's fields.
   */
  public static CompiledRule compile(JsonArray rules, String root,
                                     java.util.function.Function<String, Field> moreFields) {
    RuleCompiler compiler = new RuleCompiler(moreFields);
    List<RuleNode> nodes = new ArrayList<>(rules.size());
    List<String> keys = new ArrayList<>(rules.size());
    for (int i = 0; i < rules.size(); i++) {
      nodes.add(compiler.rule(rules.getValue(i), root + "[" + i + "]", 0));
      StringBuilder key = new StringBuilder();
      canonical(rules.getValue(i), key);
      keys.add(key.toString());
    }
    return new CompiledRule(nodes, keys);
  }

  /** @param depth how many all/any/not groups enclose this rule */
  private RuleNode rule(Object raw, String path, int depth) {
    if (!(raw instanceof JsonObject obj)) {
      throw new RuleException(path, null, "a rule must be an object: " + RULE_FORMS);
    }
    if (obj.containsKey("field")) {
      return leaf(condition(obj, path), obj);
    }
    if (obj.containsKey("operator") || obj.containsKey("value")) {
      throw new RuleException(path, null, "a condition needs a field, e.g."
          + " {\"field\": \"total_spent\", \"operator\": \"gte\", \"value\": 500}");
    }
    if (obj.size() != 1) {
      throw new RuleException(path, null, obj.isEmpty()
          ? "a rule cannot be empty; write " + RULE_FORMS
          : "a rule has exactly one of all, any, not, bought, performed, or is a condition with"
              + " a field; found " + String.join(", ", obj.fieldNames()));
    }
    String kind = obj.fieldNames().iterator().next();
    Object body = obj.getValue(kind);
    return switch (kind) {
      case "all", "any" -> group(kind, body, path, depth);
      case "not" -> negation(body, path, depth);
      case "bought" -> leaf(bought(body, path), obj);
      case "performed" -> leaf(performed(body, path), obj);
      default -> throw new RuleException(path, null, "unknown rule '" + kind + "'; write " + RULE_FORMS);
    };
  }

  /** Marks a compiled condition with its canonical text (see {@link RuleLeaf}). */
  private static RuleNode leaf(RuleNode node, JsonObject written) {
    StringBuilder key = new StringBuilder();
    canonical(written, key);
    node.leafKey = key.toString();
    return node;
  }

  /** JSON with every object's keys sorted: equal conditions give equal text however written. */
  private static void canonical(Object value, StringBuilder out) {
    if (value instanceof JsonObject o) {
      out.append('{');
      boolean first = true;
      for (String k : new TreeSet<>(o.fieldNames())) {
        if (!first) {
          out.append(',');
        }
        first = false;
        out.append(io.vertx.core.json.Json.encode(k)).append(':');
        canonical(o.getValue(k), out);
      }
      out.append('}');
    } else if (value instanceof JsonArray a) {
      out.append('[');
      for (int i = 0; i < a.size(); i++) {
        if (i > 0) {
          out.append(',');
        }
        canonical(a.getValue(i), out);
      }
      out.append(']');
    } else {
      out.append(io.vertx.core.json.Json.encode(value));
    }
  }

  private RuleNode group(String kind, Object body, String path, int depth) {
    if (depth >= MAX_DEPTH) {
      throw new RuleException(path, null,
          "rules nest too deep: at most " + MAX_DEPTH + " levels of all/any/not");
    }
    if (!(body instanceof JsonArray children)) {
      throw new RuleException(path, null, kind + " takes an array of rules");
    }
    if (children.isEmpty()) {
      throw new RuleException(path, null, kind + " needs at least one rule (an empty "
          + kind + " would match " + (kind.equals("all") ? "every customer" : "no customer") + ")");
    }
    List<RuleNode> nodes = new ArrayList<>(children.size());
    for (int i = 0; i < children.size(); i++) {
      nodes.add(rule(children.getValue(i), path + "." + kind + "[" + i + "]", depth + 1));
    }
    return kind.equals("all") ? new AllOf(path, nodes) : new AnyOf(path, nodes);
  }

  private RuleNode negation(Object body, String path, int depth) {
    if (depth >= MAX_DEPTH) {
      throw new RuleException(path, null,
          "rules nest too deep: at most " + MAX_DEPTH + " levels of all/any/not");
    }
    if (!(body instanceof JsonObject)) {
      throw new RuleException(path, null, "not takes one rule (an object); to negate several,"
          + " wrap them: {\"not\": {\"any\": [...]}} or {\"not\": {\"all\": [...]}}");
    }
    return new Negation(path, rule(body, path + ".not", depth + 1));
  }

  private void countCondition(String path) {
    if (++conditions > MAX_CONDITIONS) {
      throw new RuleException(path, null,
          "too many conditions: a segment may have at most " + MAX_CONDITIONS);
    }
  }

  // ---- Field conditions ----

  private RuleNode condition(JsonObject obj, String path) {
    countCondition(path);
    if (!(obj.getValue("field") instanceof String name) || name.isBlank()) {
      throw new RuleException(path, null,
          "field must be a string naming a customer field, e.g. \"total_spent\"");
    }
    Field field = Fields.find(name);
    if (field == null) {
      field = moreFields.apply(name);
    }
    if (field == null) {
      throw new RuleException(path, name, unknownField(name));
    }
    for (String key : obj.fieldNames()) {
      if (!CONDITION_KEYS.contains(key)) {
        throw new RuleException(path, name,
            "unknown key '" + key + "' in a condition; a condition has field, operator and value");
      }
    }
    if (obj.containsKey("attribute_type")) {
      field = AttributeTypes.typed(field, obj.getValue("attribute_type"), path);
    }
    FieldType type = field.type();
    Object rawOperator = obj.getValue("operator");
    if (!(rawOperator instanceof String operatorName)) {
      throw new RuleException(path, name, "operator " + (rawOperator == null ? "is required" : "must be a string")
          + "; for " + type.label() + " field '" + name + "' use one of " + type.operatorList());
    }
    Operator op = Operator.fromWireName(operatorName);
    if (op == null) {
      throw new RuleException(path, name, "unknown operator '" + operatorName + "'; for "
          + type.label() + " field '" + name + "' use one of " + type.operatorList());
    }
    if (!type.operators().contains(op)) {
      throw new RuleException(path, name, "operator '" + op + "' does not apply to " + type.label()
          + " field '" + name + "'; use one of " + type.operatorList());
    }
    Object value = obj.getValue("value");
    Object expected = plain(value);
    if (op == Operator.EXISTS) {
      if (value != null && !(value instanceof Boolean)) {
        throw new RuleException(path, name, "exists takes true or false (no value means true)");
      }
      boolean wanted = value == null || (Boolean) value;
      return new ExistsCondition(path, field, wanted, wanted);
    }
    if (value == null) {
      throw new RuleException(path, name, "value is required for operator '" + op + "'"
          + (obj.containsKey("value")
              ? "; to match customers without a value use {\"operator\": \"exists\", \"value\": false}"
              : ""));
    }
    Site at = new Site(path, field, op);
    return switch (type) {
      case INTEGER, DECIMAL, MONEY -> numberCondition(at, value, expected);
      case STRING -> textCondition(at, value, expected);
      case STRING_LIST -> textListCondition(at, value, expected);
      case BOOLEAN -> booleanCondition(at, value, expected);
      case TIME -> timeCondition(at, value, expected);
    };
  }

  /** Where a condition is, to build nodes and error messages. */
  private record Site(String path, Field field, Operator op) {
    String name() {
      return field.name();
    }

    RuleException error(String message) {
      return new RuleException(path, field.name(), message);
    }
  }

  private static String unknownField(String name) {
    for (Field family : Fields.families()) {
      String prefix = family.name();
      String bare = prefix.substring(0, prefix.length() - 1);
      if (name.equals(bare) || name.equals(prefix)) {
        return "field '" + name + "' needs a key: " + prefix + "<key>, e.g. " + prefix + "source";
      }
      if (name.startsWith(prefix)) {
        return "key of field '" + name + "' is too long: at most " + Fields.MAX_FAMILY_KEY_LENGTH
            + " characters after " + prefix;
      }
    }
    String closest = Fields.closestTo(name);
    return "unknown field '" + name + "'" + (closest != null
        ? "; did you mean '" + closest + "'?"
        : "; custom fields are written metadata.<key>");
  }

  private RuleNode numberCondition(Site at, Object value, Object expected) {
    switch (at.op()) {
      case BETWEEN -> {
        Object[] pair = pair(at, value, "two numbers");
        NumberLiteral low = NumberLiteral.of(pair[0]);
        NumberLiteral high = NumberLiteral.of(pair[1]);
        if (low == null || high == null) {
          throw at.error("between needs [low, high], two numbers, for '" + at.name() + "'");
        }
        if (low.compareTo(high) > 0) {
          throw at.error("between needs [low, high] with low <= high; got [" + low + ", " + high + "]");
        }
        return new NumberCondition(at.path(), at.field(), at.op(), low, high, null, expected);
      }
      case IN, NIN -> {
        JsonArray values = values(at, value, "numbers");
        NumberLiteral[] sorted = new NumberLiteral[values.size()];
        for (int i = 0; i < sorted.length; i++) {
          sorted[i] = NumberLiteral.of(values.getValue(i));
          if (sorted[i] == null) {
            throw at.error(at.op() + " on '" + at.name() + "' needs an array of numbers; value "
                + i + " is " + describe(values.getValue(i)));
          }
        }
        Arrays.sort(sorted);
        return new NumberCondition(at.path(), at.field(), at.op(), null, null, sorted, expected);
      }
      default -> {
        NumberLiteral literal = NumberLiteral.of(value);
        if (literal == null) {
          throw at.error("value of '" + at.name() + "' must be a number; got " + describe(value));
        }
        return new NumberCondition(at.path(), at.field(), at.op(), literal, null, null, expected);
      }
    }
  }

  private RuleNode textCondition(Site at, Object value, Object expected) {
    if (at.op() == Operator.IN || at.op() == Operator.NIN) {
      return new TextCondition(at.path(), at.field(), at.op(), null, foldedSet(at, value), expected);
    }
    String text = text(at, value);
    return new TextCondition(at.path(), at.field(), at.op(), text, null, expected);
  }

  private RuleNode textListCondition(Site at, Object value, Object expected) {
    if (at.op() == Operator.IN || at.op() == Operator.NIN) {
      return new TextListCondition(at.path(), at.field(), at.op(), null, foldedSet(at, value), expected);
    }
    String element = text(at, value);
    return new TextListCondition(at.path(), at.field(), at.op(), element, null, expected);
  }

  private static String text(Site at, Object value) {
    if (!(value instanceof String text)) {
      throw at.error("value of '" + at.name() + "' must be a string; got " + describe(value));
    }
    if (text.isEmpty() && (at.op() == Operator.CONTAINS || at.op() == Operator.STARTS_WITH)) {
      throw at.error(at.op() + " needs a non-empty string (every value " + at.op() + " \"\")");
    }
    return text;
  }

  /** The values of in / nin, case-folded into a HashSet so the test is one lookup. */
  private static Set<String> foldedSet(Site at, Object value) {
    JsonArray values = values(at, value, "strings");
    Set<String> folded = new HashSet<>(values.size() * 2);
    for (int i = 0; i < values.size(); i++) {
      if (!(values.getValue(i) instanceof String s)) {
        throw at.error(at.op() + " on '" + at.name() + "' needs an array of strings; value " + i
            + " is " + describe(values.getValue(i)));
      }
      folded.add(CaseFold.fold(s));
    }
    return Collections.unmodifiableSet(folded);
  }

  private static RuleNode booleanCondition(Site at, Object value, Object expected) {
    if (!(value instanceof Boolean b)) {
      throw at.error("value of '" + at.name() + "' must be true or false; got " + describe(value));
    }
    return new BooleanCondition(at.path(), at.field(), at.op(), b, expected);
  }

  private static RuleNode timeCondition(Site at, Object value, Object expected) {
    return switch (at.op()) {
      case WITHIN_LAST, NOT_WITHIN_LAST -> {
        long seconds = value instanceof String s ? RelativeTime.parseSpan(s) : -1;
        if (seconds < 0) {
          boolean wroteAgo = value instanceof String s && RelativeTime.parseAgo(s) > 0;
          throw at.error(at.op() + " on '" + at.name() + "' needs a duration like "
              + RelativeTime.EXAMPLES + " (up to 36500 days)" + (wroteAgo ? ", written without _ago" : "")
              + "; got " + describe(value));
        }
        boolean within = at.op() == Operator.WITHIN_LAST;
        yield new TimeCondition(at.path(), at.field(), at.op(),
            within ? TimeCondition.Comparison.GTE : TimeCondition.Comparison.LT,
            TimeBound.ago(seconds), null, !within, expected);
      }
      case BETWEEN -> {
        Object[] pair = pair(at, value, "two times");
        TimeBound low = timeBound(at, pair[0]);
        TimeBound high = timeBound(at, pair[1]);
        if (Boolean.FALSE.equals(low.notAfter(high))) {
          throw at.error("between needs [low, high] with the earlier time first, e.g."
              + " [\"90_days_ago\", \"30_days_ago\"]; got " + describe(value));
        }
        yield new TimeCondition(at.path(), at.field(), at.op(), TimeCondition.Comparison.BETWEEN,
            low, high, false, expected);
      }
      default -> {
        TimeCondition.Comparison comparison = switch (at.op()) {
          case BEFORE, LT -> TimeCondition.Comparison.LT;
          case AFTER, GT -> TimeCondition.Comparison.GT;
          case LTE -> TimeCondition.Comparison.LTE;
          case GTE -> TimeCondition.Comparison.GTE;
          default -> throw new IllegalStateException("not a time operator: " + at.op());
        };
        yield new TimeCondition(at.path(), at.field(), at.op(), comparison, timeBound(at, value),
            null, false, expected);
      }
    };
  }

  private static TimeBound inRange(Site at, Instant t) {
    if (!io.shoal.kernel.Wire.isInRange(t)) {
      throw at.error("value of '" + at.name() + "' must lie " + io.shoal.kernel.Wire.RANGE + "; got " + t);
    }
    return TimeBound.at(t);
  }

  private static TimeBound timeBound(Site at, Object value) {
    if (value instanceof String s) {
      String text = s.trim();
      long ago = RelativeTime.parseAgo(text);
      if (ago > 0) {
        return TimeBound.ago(ago);
      }
      try {
        return inRange(at, Instant.parse(text));
      } catch (DateTimeParseException notAnInstant) {
        // try the other forms
      }
      try {
        return inRange(at, OffsetDateTime.parse(text).toInstant());
      } catch (DateTimeParseException notWithOffset) {
        // try a date
      }
      try {
        return inRange(at, LocalDate.parse(text).atStartOfDay(ZoneOffset.UTC).toInstant());
      } catch (DateTimeParseException notADate) {
        // fall through to the error
      }
      if (RelativeTime.parseSpan(text) > 0) {
        throw at.error("value of '" + at.name() + "' must be " + TIME_FORMS
            + "; for a point in time write " + text + "_ago");
      }
    }
    throw at.error("value of '" + at.name() + "' must be " + TIME_FORMS + "; got " + describe(value));
  }

  private static Object[] pair(Site at, Object value, String what) {
    if (!(value instanceof JsonArray array) || array.size() != 2) {
      throw at.error("between needs [low, high], " + what + ", for '" + at.name() + "'; got "
          + describe(value));
    }
    return new Object[] {array.getValue(0), array.getValue(1)};
  }

  private static JsonArray values(Site at, Object value, String what) {
    if (!(value instanceof JsonArray array)) {
      throw at.error(at.op() + " on '" + at.name() + "' needs an array of " + what + "; got "
          + describe(value));
    }
    if (array.isEmpty()) {
      throw at.error(at.op() + " on '" + at.name() + "' needs at least one value");
    }
    if (array.size() > MAX_VALUES) {
      throw at.error(at.op() + " on '" + at.name() + "' takes at most " + MAX_VALUES
          + " values; got " + array.size());
    }
    return array;
  }

  // ---- Behaviour conditions ----

  private RuleNode bought(Object body, String path) {
    countCondition(path);
    if (!(body instanceof JsonObject b)) {
      throw new RuleException(path, null, "bought takes an object, e.g."
          + " {\"bought\": {\"product_ids\": [\"sku1\"], \"within_days\": 180, \"min_count\": 1}}");
    }
    onlyKeys(b, BOUGHT_KEYS, "bought", path);
    boolean products = b.containsKey("product_ids");
    if (products == b.containsKey("category_ids")) {
      throw new RuleException(path, null, "bought needs exactly one of product_ids or category_ids");
    }
    String key = products ? "product_ids" : "category_ids";
    if (!(b.getValue(key) instanceof JsonArray rawIds) || rawIds.isEmpty()) {
      throw new RuleException(path, null, "bought." + key + " must be a non-empty array of ids");
    }
    if (rawIds.size() > MAX_IDS) {
      throw new RuleException(path, null, "bought." + key + " takes at most " + MAX_IDS
          + " ids; got " + rawIds.size() + " (for more, group them in a category)");
    }
    // A set: an id listed twice must not count its purchases twice.
    Set<String> ids = new LinkedHashSet<>();
    for (int i = 0; i < rawIds.size(); i++) {
      if (!(rawIds.getValue(i) instanceof String id) || id.isEmpty()) {
        throw new RuleException(path, null, "bought." + key + "[" + i + "] must be a non-empty string");
      }
      ids.add(id);
    }
    Object rawWindow = b.getValue("within_days");
    long windowSeconds = rawWindow == null ? 0
        : wholeNumber(rawWindow, 1, MAX_WINDOW_DAYS, "bought.within_days", path) * 86_400L;
    Object rawMin = b.getValue("min_count");
    int minCount = rawMin == null ? 1 : (int) wholeNumber(rawMin, 1, MAX_COUNT, "bought.min_count", path);
    return new BoughtCondition(path, products ? "product" : "category", List.copyOf(ids),
        windowSeconds, minCount, plainMap(b));
  }

  private RuleNode performed(Object body, String path) {
    countCondition(path);
    if (!(body instanceof JsonObject p)) {
      throw new RuleException(path, null, "performed takes an object, e.g."
          + " {\"performed\": {\"event\": \"page.viewed\", \"within_days\": 7, \"at_least\": 3}}");
    }
    onlyKeys(p, PERFORMED_KEYS, "performed", path);
    if (!(p.getValue("event") instanceof String event) || event.isBlank()
        || event.length() > MAX_EVENT_TYPE_LENGTH) {
      throw new RuleException(path, null, "performed.event must be an event type such as"
          + " \"page.viewed\" (at most " + MAX_EVENT_TYPE_LENGTH + " characters)");
    }
    if (p.getValue("within_days") == null) {
      throw new RuleException(path, null, "performed.within_days is required: a whole number of"
          + " days from 1 to " + MAX_WINDOW_DAYS);
    }
    long days = wholeNumber(p.getValue("within_days"), 1, MAX_WINDOW_DAYS, "performed.within_days", path);
    Object atLeast = p.getValue("at_least");
    Object atMost = p.getValue("at_most");
    if ((atLeast == null) == (atMost == null)) {
      throw new RuleException(path, null, "performed needs exactly one of at_least or at_most");
    }
    // at_most K is decided by the (K+1)-th most recent event, which must still be kept.
    int limit = atLeast != null
        ? (int) wholeNumber(atLeast, 1, MAX_COUNT, "performed.at_least", path)
        : (int) wholeNumber(atMost, 0, MAX_COUNT - 1, "performed.at_most", path);
    return new PerformedCondition(path, event, days * 86_400L, limit, atLeast != null, plainMap(p));
  }

  private static void onlyKeys(JsonObject body, Set<String> allowed, String kind, String path) {
    for (String key : body.fieldNames()) {
      if (!allowed.contains(key)) {
        throw new RuleException(path, null, "unknown key '" + key + "' in " + kind + "; it takes "
            + String.join(", ", new TreeSet<>(allowed)));
      }
    }
  }

  private static long wholeNumber(Object value, long min, long max, String name, String path) {
    Long n = null;
    if (value instanceof Integer || value instanceof Long || value instanceof Short) {
      n = ((Number) value).longValue();
    } else if (value instanceof Double || value instanceof Float || value instanceof BigDecimal
        || value instanceof BigInteger) {
      NumberLiteral literal = NumberLiteral.of(value);
      if (literal != null && literal.decimal.stripTrailingZeros().scale() <= 0
          && literal.decimal.abs().compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) <= 0) {
        n = literal.decimal.longValue();
      }
    }
    if (n == null || n < min || n > max) {
      throw new RuleException(path, null,
          name + " must be a whole number from " + min + " to " + max + "; got " + describe(value));
    }
    return n;
  }

  // ---- JSON to plain Java, for explanations and messages ----

  /** JSON values as plain Java (Map, List, String, Number, Boolean), so no Vert.x type leaves. */
  private static Object plain(Object json) {
    if (json instanceof JsonObject obj) {
      return plainMap(obj);
    }
    if (json instanceof JsonArray array) {
      List<Object> list = new ArrayList<>(array.size());
      for (int i = 0; i < array.size(); i++) {
        list.add(plain(array.getValue(i)));
      }
      return Collections.unmodifiableList(list);
    }
    return json;
  }

  private static Map<String, Object> plainMap(JsonObject obj) {
    Map<String, Object> map = new LinkedHashMap<>();
    for (String key : obj.fieldNames()) {
      map.put(key, plain(obj.getValue(key)));
    }
    return Collections.unmodifiableMap(map);
  }

  private static String describe(Object json) {
    if (json == null) {
      return "null";
    }
    if (json instanceof String s) {
      return "\"" + (s.length() > 60 ? s.substring(0, 60) + "..." : s) + "\"";
    }
    String text = json instanceof JsonObject || json instanceof JsonArray
        ? json.toString() : String.valueOf(json);
    return text.length() > 80 ? text.substring(0, 80) + "..." : text;
  }
}
