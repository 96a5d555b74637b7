package io.shoal.segment.rule;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** What the compiler refuses, and that its messages say where and what to write instead. */
class RuleCompilerTest {

  private static RuleException rejected(String json) {
    return assertThrows(RuleException.class, () -> Rules.compile(json));
  }

  private static void assertRejected(String json, String path, String field, String message) {
    RuleException e = rejected(json);
    assertEquals(path, e.path(), "path");
    assertEquals(field, e.field(), "field");
    assertTrue(e.getMessage().contains(message),
        () -> "message '" + e.getMessage() + "' should contain '" + message + "'");
  }

  @Test
  void unknownFieldSuggestsTheClosestOne() {
    RuleException e = rejected("[{'field': 'totl_spent', 'operator': 'gte', 'value': 500}]");
    assertEquals("rules[0]", e.path());
    assertEquals("totl_spent", e.field());
    assertEquals("unknown field 'totl_spent'; did you mean 'total_spent'?", e.getMessage());
  }

  @Test
  void unknownFieldFarFromAnyPointsAtMetadata() {
    assertRejected("[{'field': 'favourite_colour', 'operator': 'eq', 'value': 'red'}]",
        "rules[0]", "favourite_colour",
        "unknown field 'favourite_colour'; custom fields are written metadata.<key>");
  }

  @Test
  void metadataNeedsAKey() {
    assertRejected("[{'field': 'metadata', 'operator': 'eq', 'value': 'x'}]",
        "rules[0]", "metadata", "needs a key: metadata.<key>");
    assertRejected("[{'field': 'metadata.', 'operator': 'eq', 'value': 'x'}]",
        "rules[0]", "metadata.", "needs a key");
  }

  @Test
  void operatorMustFitTheFieldType() {
    assertRejected("[{'field': 'total_spent', 'operator': 'contains', 'value': 5}]",
        "rules[0]", "total_spent",
        "operator 'contains' does not apply to number field 'total_spent'; use one of eq, neq,");
    assertRejected("[{'field': 'email', 'operator': 'gt', 'value': 'a'}]",
        "rules[0]", "email", "operator 'gt' does not apply to string field 'email'");
    assertRejected("[{'field': 'tags', 'operator': 'eq', 'value': 'vip'}]",
        "rules[0]", "tags", "operator 'eq' does not apply to string list field 'tags'");
    assertRejected("[{'field': 'email_consent', 'operator': 'in', 'value': [true]}]",
        "rules[0]", "email_consent", "operator 'in' does not apply to boolean field 'email_consent'");
    assertRejected("[{'field': 'last_order_at', 'operator': 'eq', 'value': '2026-01-01'}]",
        "rules[0]", "last_order_at", "operator 'eq' does not apply to time field 'last_order_at'");
    assertRejected("[{'field': 'total_orders', 'operator': 'within_last', 'value': '30_days'}]",
        "rules[0]", "total_orders", "operator 'within_last' does not apply to number field");
  }

  @Test
  void operatorMustBeKnownAndPresent() {
    assertRejected("[{'field': 'total_spent', 'operator': 'greater', 'value': 5}]",
        "rules[0]", "total_spent", "unknown operator 'greater'; for number field 'total_spent' use one of");
    assertRejected("[{'field': 'total_spent', 'value': 5}]",
        "rules[0]", "total_spent", "operator is required");
  }

  @ParameterizedTest(name = "{0} {1} {2}")
  @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
      total_spent   | gte     | '500'           | value of 'total_spent' must be a number; got "500"
      total_orders  | eq      | true            | value of 'total_orders' must be a number
      email         | eq      | 5               | value of 'email' must be a string; got 5
      email         | contains | ''             | contains needs a non-empty string
      tags          | contains | ['vip']        | value of 'tags' must be a string
      email_consent | eq      | 'yes'           | value of 'email_consent' must be true or false
      email         | exists  | 'yes'           | exists takes true or false
      last_order_at | before  | 'yesterday'     | value of 'last_order_at' must be an ISO-8601 instant or a relative time like 90_days_ago
      last_order_at | before  | 1767225600      | value of 'last_order_at' must be an ISO-8601 instant
      last_order_at | before  | '2026-01-01T00:00:00' | must be an ISO-8601 instant
      last_order_at | before  | '90_days'       | for a point in time write 90_days_ago
      last_order_at | before  | '3_months_ago'  | must be an ISO-8601 instant or a relative time
      last_order_at | before  | '0_days_ago'    | must be an ISO-8601 instant or a relative time
      last_order_at | within_last | '30_days_ago' | within_last on 'last_order_at' needs a duration like 30_days, 12_hours, 2_weeks or 30_minutes (up to 36500 days), written without _ago
      last_order_at | within_last | 30          | needs a duration like 30_days
      last_order_at | not_within_last | '40000_days' | needs a duration like 30_days
      total_spent   | between | 100             | between needs [low, high], two numbers, for 'total_spent'; got 100
      total_spent   | between | [100]           | between needs [low, high]
      total_spent   | between | [1, 2, 3]       | between needs [low, high]
      total_spent   | between | [100, 'x']      | between needs [low, high], two numbers
      total_spent   | between | [500, 100]      | between needs [low, high] with low <= high; got [500, 100]
      last_order_at | between | ['30_days_ago', '90_days_ago'] | between needs [low, high] with the earlier time first
      last_order_at | between | ['2026-02-01', '2026-01-01'] | with the earlier time first
      last_order_at | between | ['2026-01-01', 'soon'] | value of 'last_order_at' must be an ISO-8601 instant
      total_spent   | in      | 5               | in on 'total_spent' needs an array of numbers; got 5
      total_spent   | in      | []              | in on 'total_spent' needs at least one value
      total_spent   | nin     | [1, 'two']      | nin on 'total_spent' needs an array of numbers; value 1 is "two"
      email         | in      | ['a', 2]        | in on 'email' needs an array of strings; value 1 is 2
      tags          | nin     | 'vip'           | nin on 'tags' needs an array of strings
      """)
  void badValues(String field, String operator, String value, String message) {
    assertRejected("[{'field': '" + field + "', 'operator': '" + operator + "', 'value': " + value + "}]",
        "rules[0]", field, message);
  }

  @Test
  void missingOrNullValueSaysHowToMatchMissing() {
    assertRejected("[{'field': 'phone', 'operator': 'eq'}]",
        "rules[0]", "phone", "value is required for operator 'eq'");
    assertRejected("[{'field': 'phone', 'operator': 'eq', 'value': null}]",
        "rules[0]", "phone", "to match customers without a value use {\"operator\": \"exists\", \"value\": false}");
  }

  @Test
  void inTakesAtMostTenThousandValues() {
    JsonArray values = new JsonArray();
    for (int i = 0; i < RuleCompiler.MAX_VALUES; i++) {
      values.add("sku-" + i);
    }
    JsonObject condition = new JsonObject().put("field", "products_bought").put("operator", "in")
        .put("value", values);
    assertDoesNotThrow(() -> RuleCompiler.compile(new JsonArray().add(condition)));
    values.add("one-too-many");
    RuleException e = assertThrows(RuleException.class,
        () -> RuleCompiler.compile(new JsonArray().add(condition)));
    assertEquals("in on 'products_bought' takes at most 10000 values; got 10001", e.getMessage());
  }

  @Test
  void unknownKeyInAConditionIsNamed() {
    assertRejected("[{'field': 'total_spent', 'operator': 'gte', 'valeu': 5}]",
        "rules[0]", "total_spent", "unknown key 'valeu' in a condition; a condition has field, operator and value");
  }

  @Test
  void ruleShapes() {
    assertRejected("['total_spent > 5']", "rules[0]", null, "a rule must be an object");
    assertRejected("[{}]", "rules[0]", null, "a rule cannot be empty");
    assertRejected("[{'or': []}]", "rules[0]", null, "unknown rule 'or'");
    assertRejected("[{'operator': 'gte', 'value': 5}]", "rules[0]", null, "a condition needs a field");
    assertRejected("[{'all': [], 'any': []}]", "rules[0]", null, "a rule has exactly one of all, any, not");
    assertRejected("[{'field': 5, 'operator': 'eq', 'value': 5}]", "rules[0]", null,
        "field must be a string naming a customer field");
  }

  @Test
  void emptyRulesAndGroupsAreRefused() {
    assertRejected("[]", "rules", null, "rules is empty; a segment needs at least one rule");
    assertRejected("[{'any': []}]", "rules[0]", null, "any needs at least one rule");
    assertRejected("[{'all': []}]", "rules[0]", null, "all needs at least one rule");
    assertRejected("[{'all': {'field': 'email', 'operator': 'exists'}}]", "rules[0]", null,
        "all takes an array of rules");
    assertRejected("[{'not': [{'field': 'email', 'operator': 'exists'}]}]", "rules[0]", null,
        "not takes one rule (an object)");
    RuleException e = assertThrows(RuleException.class, () -> RuleCompiler.compile(null));
    assertEquals("rules", e.path());
  }

  @Test
  void pathsPointIntoNestedRules() {
    assertRejected("[{'field': 'email', 'operator': 'exists'},"
        + " {'all': [{'field': 'email', 'operator': 'exists'},"
        + "          {'any': [{'field': 'email', 'operator': 'exists'},"
        + "                   {'not': {'field': 'total_spent', 'operator': 'starts_with', 'value': '1'}}]}]}]",
        "rules[1].all[1].any[1].not", "total_spent", "operator 'starts_with' does not apply");
  }

  private static String nestedNots(int levels) {
    String rule = "{'field': 'email', 'operator': 'exists'}";
    for (int i = 0; i < levels; i++) {
      rule = (i % 3 == 0 ? "{'not': " + rule + "}" : i % 3 == 1 ? "{'all': [" + rule + "]}" : "{'any': [" + rule + "]}");
    }
    return "[" + rule + "]";
  }

  @Test
  void nestingIsLimitedToTenLevels() {
    assertDoesNotThrow(() -> Rules.compile(nestedNots(RuleCompiler.MAX_DEPTH)));
    RuleException e = rejected(nestedNots(RuleCompiler.MAX_DEPTH + 1));
    assertEquals("rules nest too deep: at most 10 levels of all/any/not", e.getMessage());
    assertTrue(e.path().startsWith("rules[0]."), e.path());
    assertNull(e.field());
  }

  @Test
  void conditionsAreLimitedToOneHundredInAll() {
    StringBuilder json = new StringBuilder("[{'any': [");
    for (int i = 0; i < 99; i++) {
      json.append(i == 0 ? "" : ",").append("{'field': 'total_orders', 'operator': 'eq', 'value': ").append(i).append("}");
    }
    json.append("]}, {'performed': {'event': 'page.viewed', 'within_days': 7, 'at_least': 1}}");
    assertDoesNotThrow(() -> Rules.compile(json + "]"));
    RuleException e = rejected(json + ", {'bought': {'product_ids': ['a']}}]");
    assertEquals("rules[2]", e.path());
    assertEquals("too many conditions: a segment may have at most 100", e.getMessage());
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
      {'bought': ['sku1']}                                        | bought takes an object
      {'bought': {}}                                              | bought needs exactly one of product_ids or category_ids
      {'bought': {'product_ids': ['a'], 'category_ids': ['b']}}   | bought needs exactly one of product_ids or category_ids
      {'bought': {'product_ids': []}}                             | bought.product_ids must be a non-empty array of ids
      {'bought': {'category_ids': 'shoes'}}                       | bought.category_ids must be a non-empty array of ids
      {'bought': {'product_ids': ['a', 7]}}                       | bought.product_ids[1] must be a non-empty string
      {'bought': {'product_ids': ['a'], 'within_days': 0}}        | bought.within_days must be a whole number from 1 to 3650; got 0
      {'bought': {'product_ids': ['a'], 'within_days': 3651}}     | bought.within_days must be a whole number from 1 to 3650
      {'bought': {'product_ids': ['a'], 'within_days': 1.5}}      | bought.within_days must be a whole number
      {'bought': {'product_ids': ['a'], 'min_count': 0}}          | bought.min_count must be a whole number from 1 to 256
      {'bought': {'product_ids': ['a'], 'min_count': 257}}        | bought.min_count must be a whole number from 1 to 256
      {'bought': {'product_ids': ['a'], 'since_days': 3}}         | unknown key 'since_days' in bought; it takes category_ids, min_count, product_ids, within_days
      {'performed': 'page.viewed'}                                | performed takes an object
      {'performed': {'within_days': 7, 'at_least': 1}}            | performed.event must be an event type
      {'performed': {'event': '', 'within_days': 7, 'at_least': 1}} | performed.event must be an event type
      {'performed': {'event': 'page.viewed', 'at_least': 1}}      | performed.within_days is required
      {'performed': {'event': 'page.viewed', 'within_days': 0, 'at_least': 1}} | performed.within_days must be a whole number from 1 to 3650
      {'performed': {'event': 'page.viewed', 'within_days': 7}}   | performed needs exactly one of at_least or at_most
      {'performed': {'event': 'page.viewed', 'within_days': 7, 'at_least': 1, 'at_most': 3}} | performed needs exactly one of at_least or at_most
      {'performed': {'event': 'page.viewed', 'within_days': 7, 'at_least': 0}} | performed.at_least must be a whole number from 1 to 256
      {'performed': {'event': 'page.viewed', 'within_days': 7, 'at_most': -1}} | performed.at_most must be a whole number from 0 to 255
      {'performed': {'event': 'page.viewed', 'within_days': 7, 'at_most': 256}} | performed.at_most must be a whole number from 0 to 255
      {'performed': {'event': 'page.viewed', 'within_days': 7, 'at_least': 1, 'count': 2}} | unknown key 'count' in performed
      """)
  void badBehaviourConditions(String rule, String message) {
    assertRejected("[{'field': 'email', 'operator': 'exists'}, " + rule + "]", "rules[1]", null, message);
  }

  @Test
  void acceptedForms() {
    assertDoesNotThrow(() -> Rules.compile("[{'field': 'email', 'operator': 'EXISTS'},"
        + " {'field': 'last_order_at', 'operator': 'before', 'value': ' 90_Days_Ago '},"
        + " {'field': 'last_order_at', 'operator': 'after', 'value': '2026-01-01T00:00:00.123456Z'},"
        + " {'bought': {'category_ids': ['shoes'], 'within_days': 180.0, 'min_count': 2}},"
        + " {'bought': {'product_ids': ['a'], 'within_days': null}},"
        + " {'performed': {'event': 'custom.review_written', 'within_days': 3650, 'at_most': 0}},"
        + " {'field': 'metadata.any key at all', 'operator': 'eq', 'value': 'x'}]"));
  }

  @Test
  void everyCatalogueFieldCompilesWithExists() {
    for (Field f : Fields.declared()) {
      assertDoesNotThrow(() -> Rules.condition(f.name(), "exists", null), f.name());
      assertTrue(f.type().operators().contains(Operator.EXISTS));
    }
    assertEquals(FieldType.STRING, Fields.find("metadata.source").type());
    assertEquals(FieldType.DECIMAL, Fields.find("churn_risk").type());
    assertEquals(Field.Source.METRIC, Fields.find("rfm.recency_score").source());
    assertEquals(FieldType.INTEGER, Fields.find("rfm.recency_score").type());
    assertNull(Fields.find("metadata."));
    assertNull(Fields.find("total"));
  }
}
