package io.shoal.segment.rule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Groups, behaviour conditions, what a rule reads, explanations, and independence from the clock. */
class CompiledRuleTest {

  static final Instant NOW = Instant.parse("2026-03-15T12:00:00Z");

  private static Instant daysAgo(long days) {
    return NOW.minus(Duration.ofDays(days));
  }

  private static final String VIP_OR_BIG_SPENDER_NOT_BLOCKED = "["
      + "{'field': 'email_consent', 'operator': 'eq', 'value': true},"
      + "{'any': [{'field': 'tags', 'operator': 'contains', 'value': 'vip'},"
      + "         {'all': [{'field': 'total_spent', 'operator': 'gte', 'value': 1000},"
      + "                  {'field': 'total_orders', 'operator': 'gte', 'value': 3}]}]},"
      + "{'not': {'field': 'metadata.blocked', 'operator': 'eq', 'value': 'yes'}}]";

  private static FakeCustomer customer(boolean consent, List<String> tags, String spent, long orders) {
    return new FakeCustomer().set("email_consent", consent).set("tags", tags)
        .set("total_spent", new BigDecimal(spent)).set("total_orders", orders);
  }

  @Test
  void nestedGroupsCombine() {
    CompiledRule rule = Rules.compile(VIP_OR_BIG_SPENDER_NOT_BLOCKED);
    assertTrue(rule.test(customer(true, List.of("vip"), "0", 0), NOW));
    assertTrue(rule.test(customer(true, List.of(), "1000", 3), NOW));
    assertFalse(rule.test(customer(true, List.of(), "1000", 2), NOW));
    assertFalse(rule.test(customer(true, List.of(), "999.99", 3), NOW));
    assertFalse(rule.test(customer(false, List.of("vip"), "5000", 9), NOW));
    assertFalse(rule.test(customer(true, List.of("vip"), "0", 0).set("metadata.blocked", "YES"), NOW));
    assertTrue(rule.test(customer(true, List.of("vip"), "0", 0).set("metadata.blocked", "no"), NOW));
  }

  @Test
  void topLevelRulesCanBeTestedOneByOne() {
    CompiledRule rule = Rules.compile(VIP_OR_BIG_SPENDER_NOT_BLOCKED);
    List<CompiledRule> parts = rule.topLevel();
    assertEquals(3, parts.size());
    FakeCustomer c = customer(false, List.of("vip"), "0", 0);
    assertEquals(List.of(false, true, true), parts.stream().map(p -> p.test(c, NOW)).toList());
    assertEquals(Set.of("email_consent"), parts.get(0).fieldsRead());
    assertEquals(Set.of("tags", "total_spent", "total_orders"), parts.get(1).fieldsRead());
    assertEquals(List.of(parts.get(2)), parts.get(2).topLevel());
    assertEquals("rules[2]", parts.get(2).explain(c, NOW).checks().get(0).path());
  }

  @Test
  void fieldsReadNamesFieldsPurchasesAndEventTypes() {
    CompiledRule rule = Rules.compile("[{'field': 'metadata.source', 'operator': 'eq', 'value': 'ads'},"
        + " {'any': [{'bought': {'product_ids': ['a']}},"
        + "          {'performed': {'event': 'page.viewed', 'within_days': 7, 'at_least': 3}},"
        + "          {'not': {'performed': {'event': 'cart.abandoned', 'within_days': 1, 'at_most': 0}}}]},"
        + " {'field': 'metadata.source', 'operator': 'exists'}]");
    assertEquals(List.of("metadata.source", "purchases", "events:page.viewed", "events:cart.abandoned"),
        List.copyOf(rule.fieldsRead()));
  }

  @Test
  void boughtCountsPurchasesInTheWindowSummedOverIds() {
    FakeCustomer c = new FakeCustomer()
        .bought("product", "sku1", daysAgo(200), daysAgo(100))
        .bought("product", "sku2", daysAgo(10))
        .bought("category", "shoes", daysAgo(5));
    assertTrue(Rules.compile("[{'bought': {'product_ids': ['sku1']}}]").test(c, NOW));
    assertTrue(Rules.compile("[{'bought': {'product_ids': ['sku1'], 'min_count': 2}}]").test(c, NOW));
    assertFalse(Rules.compile("[{'bought': {'product_ids': ['sku1'], 'within_days': 180, 'min_count': 2}}]").test(c, NOW));
    assertTrue(Rules.compile("[{'bought': {'product_ids': ['sku1', 'sku2'], 'within_days': 180, 'min_count': 2}}]").test(c, NOW));
    // Listing an id twice does not count its purchases twice.
    assertFalse(Rules.compile("[{'bought': {'product_ids': ['sku2', 'sku2'], 'min_count': 2}}]").test(c, NOW));
    assertFalse(Rules.compile("[{'bought': {'product_ids': ['shoes']}}]").test(c, NOW));
    assertTrue(Rules.compile("[{'bought': {'category_ids': ['shoes'], 'within_days': 5}}]").test(c, NOW));
    assertFalse(Rules.compile("[{'bought': {'category_ids': ['shoes'], 'within_days': 4}}]").test(c, NOW));
    assertFalse(Rules.compile("[{'bought': {'product_ids': ['SKU2']}}]").test(c, NOW)); // ids are exact
  }

  @Test
  void performedCountsEventsInTheWindow() {
    FakeCustomer c = new FakeCustomer()
        .performed("page.viewed", daysAgo(8), daysAgo(7), daysAgo(3), NOW);
    String template = "[{'performed': {'event': 'page.viewed', 'within_days': 7, '%s': %d}}]";
    assertTrue(Rules.compile(template.formatted("at_least", 3)).test(c, NOW)); // 7 days ago is inside
    assertFalse(Rules.compile(template.formatted("at_least", 4)).test(c, NOW));
    assertTrue(Rules.compile(template.formatted("at_most", 3)).test(c, NOW));
    assertFalse(Rules.compile(template.formatted("at_most", 2)).test(c, NOW));
    assertTrue(Rules.compile(template.formatted("at_most", 0)).test(new FakeCustomer(), NOW));
    assertFalse(Rules.compile(template.formatted("at_least", 1)).test(new FakeCustomer(), NOW));
    assertFalse(Rules.compile(template.formatted("at_least", 1).replace("page.viewed", "Page.Viewed")).test(c, NOW));
  }

  @Test
  void explainListsEveryRuleInOrderWithWhatWasSeen() {
    CompiledRule rule = Rules.compile("["
        + "{'field': 'total_spent', 'operator': 'between', 'value': [100, 500]},"
        + "{'any': [{'field': 'tags', 'operator': 'in', 'value': ['vip', 'gold']},"
        + "         {'not': {'field': 'last_order_at', 'operator': 'before', 'value': '90_days_ago'}}]},"
        + "{'performed': {'event': 'page.viewed', 'within_days': 7, 'at_least': 2}},"
        + "{'field': 'phone', 'operator': 'exists'}]");
    Instant lastOrder = daysAgo(100);
    FakeCustomer c = new FakeCustomer()
        .set("total_spent", new BigDecimal("250.50"))
        .set("tags", List.of("new"))
        .set("last_order_at", lastOrder)
        .performed("page.viewed", daysAgo(2), daysAgo(1), daysAgo(30));

    Explanation e = rule.explain(c, NOW);

    assertFalse(e.matches());
    assertEquals(List.of(
        new Explanation.Check("rules[0]", "total_spent", "between", List.of(100, 500), new BigDecimal("250.50"), true),
        new Explanation.Check("rules[1]", null, "any", null, null, false),
        new Explanation.Check("rules[1].any[0]", "tags", "in", List.of("vip", "gold"), List.of("new"), false),
        new Explanation.Check("rules[1].any[1]", null, "not", null, null, false),
        new Explanation.Check("rules[1].any[1].not", "last_order_at", "before", "90_days_ago", lastOrder, true),
        new Explanation.Check("rules[2]", "events:page.viewed", "performed",
            Map.of("event", "page.viewed", "within_days", 7, "at_least", 2), 2L, true),
        new Explanation.Check("rules[3]", "phone", "exists", true, null, false)),
        e.checks());
    assertEquals(rule.test(c, NOW), e.matches());
  }

  @Test
  void explainOfBoughtShowsTheCount() {
    CompiledRule rule = Rules.compile("[{'bought': {'product_ids': ['a', 'b'], 'within_days': 30, 'min_count': 2}}]");
    FakeCustomer c = new FakeCustomer().bought("product", "a", daysAgo(40), daysAgo(3)).bought("product", "b", daysAgo(1));
    Explanation e = rule.explain(c, NOW);
    assertTrue(e.matches());
    Explanation.Check check = e.checks().get(0);
    assertEquals("purchases", check.field());
    assertEquals("bought", check.operator());
    assertEquals(2L, check.actual());
    assertEquals(Map.of("product_ids", List.of("a", "b"), "within_days", 30, "min_count", 2), check.expected());
  }

  @Test
  void relativeTimesAreResolvedAtTestTimeNotCompileTime() {
    CompiledRule rule = Rules.condition("last_order_at", "within_last", "'30_days'");
    FakeCustomer c = new FakeCustomer().set("last_order_at", Instant.parse("2001-06-01T00:00:00Z"));
    // Evaluated at nows far from the wall clock, the answer follows now alone.
    assertTrue(rule.test(c, Instant.parse("2001-06-20T00:00:00Z")));
    assertFalse(rule.test(c, Instant.parse("2001-07-20T00:00:00Z")));
    assertFalse(rule.test(c, Instant.parse("2101-06-20T00:00:00Z")));
    assertFalse(Rules.condition("last_order_at", "before", "'1_day_ago'")
        .test(c, Instant.parse("2001-06-01T12:00:00Z")));
  }

  @Test
  void answersDependOnlyOnNowNotTheWallClock() throws InterruptedException {
    CompiledRule rule = Rules.compile("[{'field': 'last_order_at', 'operator': 'after', 'value': '1_minute_ago'},"
        + " {'performed': {'event': 'x', 'within_days': 1, 'at_least': 1}}]");
    Instant now = Instant.parse("2030-01-01T00:00:00Z");
    FakeCustomer c = new FakeCustomer().set("last_order_at", now.minusSeconds(59).minusMillis(990))
        .performed("x", now.minusSeconds(86_399));
    boolean first = rule.test(c, now);
    Thread.sleep(50); // the wall clock moves past the 1-minute edge's precision; now does not
    for (int i = 0; i < 1000; i++) {
      assertEquals(first, rule.test(c, now));
    }
    assertTrue(first);
    assertEquals(rule.nextFlip(c, now), rule.nextFlip(c, now));
  }

  @Test
  void compiledRulesAreReusedAcrossCustomers() {
    CompiledRule rule = Rules.condition("email", "in", "['a@x.com', 'B@X.COM']");
    assertTrue(rule.test(new FakeCustomer().set("email", "b@x.com"), NOW));
    assertTrue(rule.test(new FakeCustomer().set("email", "A@X.com"), NOW));
    assertFalse(rule.test(new FakeCustomer().set("email", "c@x.com"), NOW));
    assertSame(rule.fieldsRead(), rule.fieldsRead());
  }

  @Test
  void caseFoldingAgreesBetweenEqAndIn() {
    // Characters whose upper and lower forms do not round-trip: eq and in must still agree.
    for (String s : List.of("straße", "ΟΔΟΣ", "ǅ", "İstanbul", "ſ", "K")) {
      for (String candidate : List.of(s.toUpperCase(), s.toLowerCase(), "x" + s)) {
        FakeCustomer c = new FakeCustomer().set("first_name", candidate);
        assertEquals(
            Rules.condition("first_name", "eq", "'" + s + "'").test(c, NOW),
            Rules.condition("first_name", "in", "['" + s + "']").test(c, NOW),
            s + " vs " + candidate);
      }
    }
  }

  /**
   * The hot path allocates nothing once compiled code has warmed up: one event can test many
   * segments, and garbage per test would be garbage per event times segments.
   */
  @Test
  void testAllocatesNothingOnceWarm() {
    java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
    if (!(threads instanceof com.sun.management.ThreadMXBean mx) || !mx.isThreadAllocatedMemorySupported()) {
      return;
    }
    CompiledRule rule = Rules.compile("["
        + "{'field': 'total_spent', 'operator': 'gte', 'value': 100.5},"
        + "{'field': 'total_orders', 'operator': 'in', 'value': [1, 2, 3, 5, 8]},"
        + "{'field': 'email', 'operator': 'contains', 'value': 'EXAMPLE'},"
        + "{'field': 'address.city', 'operator': 'nin', 'value': ['paris', 'rome']},"
        + "{'field': 'email_consent', 'operator': 'eq', 'value': true},"
        + "{'field': 'last_order_at', 'operator': 'between', 'value': ['90_days_ago', '1_day_ago']},"
        + "{'any': [{'field': 'tags', 'operator': 'in', 'value': ['vip']},"
        + "         {'performed': {'event': 'page.viewed', 'within_days': 7, 'at_least': 2}}]},"
        + "{'bought': {'product_ids': ['a', 'b'], 'within_days': 30, 'min_count': 2}}]");
    FakeCustomer c = new FakeCustomer()
        .set("total_spent", new BigDecimal("250.00")).set("total_orders", 5L)
        .set("email", "ada@example.com").set("address.city", "london").set("email_consent", true)
        .set("last_order_at", daysAgo(10)).set("tags", List.of("new", "vip"))
        .performed("page.viewed", daysAgo(3), daysAgo(2), daysAgo(1))
        .bought("product", "a", daysAgo(5)).bought("product", "b", daysAgo(4));
    assertTrue(rule.test(c, NOW));
    for (int i = 0; i < 200_000; i++) {
      rule.test(c, NOW);
    }
    long threadId = Thread.currentThread().getId();
    int calls = 100_000;
    long before = mx.getThreadAllocatedBytes(threadId);
    for (int i = 0; i < calls; i++) {
      rule.test(c, NOW);
    }
    long perCall = (mx.getThreadAllocatedBytes(threadId) - before) / calls;
    assertTrue(perCall < 8, "bytes allocated per test: " + perCall);
  }

  @Test
  void equalConditionsShareOneLeafKeyHoweverTheyAreWrittenAndNested() {
    CompiledRule a = RuleCompiler.compile(new io.vertx.core.json.JsonArray(
        "[{\"field\":\"total_spent\",\"operator\":\"gte\",\"value\":100},"
            + "{\"any\":[{\"performed\":{\"event\":\"page.viewed\",\"within_days\":7,\"at_least\":2}},"
            + "{\"not\":{\"value\":100,\"operator\":\"gte\",\"field\":\"total_spent\"}}]}]"));
    CompiledRule b = RuleCompiler.compile(new io.vertx.core.json.JsonArray(
        "[{\"performed\":{\"at_least\":2,\"within_days\":7,\"event\":\"page.viewed\"}},"
            + "{\"field\":\"total_spent\",\"operator\":\"gte\",\"value\":200}]"));
    List<String> keysA = a.leaves().stream().map(RuleLeaf::key).toList();
    List<String> keysB = b.leaves().stream().map(RuleLeaf::key).toList();
    assertEquals(2, keysA.size(), "the spend condition written twice (keys reordered, under a not) is one leaf: " + keysA);
    assertTrue(keysB.contains(keysA.get(1)), "the performed condition is the same leaf in both: " + keysA + " " + keysB);
    assertFalse(keysB.contains(keysA.get(0)), "gte 200 is another condition than gte 100");
    assertEquals(Set.of("events:page.viewed"), a.leaves().get(1).fieldsRead());
    assertTrue(a.leaves().get(1).isTimeDependent());
    assertFalse(a.leaves().get(0).isTimeDependent());
  }
}
