package io.shoal.segment.rule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * nextFlip is exact for each time-dependent form: the answer holds until one nanosecond before
 * the flip and changes at it. For groups it may be early but never late.
 */
class NextFlipTest {

  static final Instant NOW = Instant.parse("2026-03-15T12:00:00Z");
  static final Duration DAY = Duration.ofDays(1);

  private static Instant daysAgo(long days) {
    return NOW.minus(DAY.multipliedBy(days));
  }

  /** Asserts the rule answers {@code before} from now until just before {@code flip}, and not at it. */
  private static void assertFlip(CompiledRule rule, CustomerFacts c, boolean before, Instant flip) {
    assertTrue(rule.isTimeDependent());
    assertEquals(before, rule.test(c, NOW), "answer now");
    assertEquals(flip, rule.nextFlip(c, NOW), "flip instant");
    assertTrue(flip.isAfter(NOW), "flip after now");
    assertEquals(before, rule.test(c, flip.minusNanos(1)), "just before the flip");
    assertNotEquals(before, rule.test(c, flip), "at the flip");
  }

  private static void assertNoFlip(CompiledRule rule, CustomerFacts c) {
    assertNull(rule.nextFlip(c, NOW));
    boolean answer = rule.test(c, NOW);
    for (long days : new long[] {1, 30, 365, 3650, 36500}) {
      assertEquals(answer, rule.test(c, NOW.plus(DAY.multipliedBy(days))), "after " + days + " days");
    }
  }

  private static FakeCustomer lastOrder(Instant t) {
    return new FakeCustomer().set("last_order_at", t);
  }

  @Test
  void beforeRelativeTurnsTrueJustAfterTheDistance() {
    Instant t = daysAgo(30);
    CompiledRule rule = Rules.condition("last_order_at", "before", "'90_days_ago'");
    assertFlip(rule, lastOrder(t), false, t.plus(DAY.multipliedBy(90)).plusNanos(1));
    assertNoFlip(rule, lastOrder(daysAgo(100))); // already true: stays true
  }

  @Test
  void lteRelativeTurnsTrueAtTheDistance() {
    Instant t = daysAgo(30);
    assertFlip(Rules.condition("last_order_at", "lte", "'90_days_ago'"), lastOrder(t), false,
        t.plus(DAY.multipliedBy(90)));
  }

  @Test
  void afterRelativeTurnsFalseAtTheDistance() {
    Instant t = daysAgo(30);
    CompiledRule rule = Rules.condition("last_order_at", "after", "'90_days_ago'");
    assertFlip(rule, lastOrder(t), true, t.plus(DAY.multipliedBy(90)));
    assertNoFlip(rule, lastOrder(daysAgo(100))); // already false: stays false
  }

  @Test
  void gteRelativeTurnsFalseJustAfterTheDistance() {
    Instant t = daysAgo(30).plusMillis(123);
    assertFlip(Rules.condition("last_order_at", "gte", "'12_hours_ago'"), lastOrder(NOW.minusSeconds(3600)), true,
        NOW.minusSeconds(3600).plus(Duration.ofHours(12)).plusNanos(1));
    assertFlip(Rules.condition("last_order_at", "gte", "'90_days_ago'"), lastOrder(t), true,
        t.plus(DAY.multipliedBy(90)).plusNanos(1));
  }

  @Test
  void withinLastTurnsFalseJustAfterTheWindow() {
    Instant t = daysAgo(10);
    CompiledRule rule = Rules.condition("last_order_at", "within_last", "'30_days'");
    assertFlip(rule, lastOrder(t), true, t.plus(DAY.multipliedBy(30)).plusNanos(1));
    // A time in the future is within the window until it, too, is 30 days old.
    Instant future = NOW.plusSeconds(60);
    assertFlip(rule, lastOrder(future), true, future.plus(DAY.multipliedBy(30)).plusNanos(1));
    assertNoFlip(rule, lastOrder(daysAgo(31)));
    assertNoFlip(rule, new FakeCustomer());
  }

  @Test
  void notWithinLastTurnsTrueJustAfterTheWindow() {
    Instant t = daysAgo(10);
    CompiledRule rule = Rules.condition("last_order_at", "not_within_last", "'2_weeks'");
    assertFlip(rule, lastOrder(t), false, t.plus(Duration.ofDays(14)).plusNanos(1));
    assertNoFlip(rule, lastOrder(daysAgo(15)));
    assertTrue(rule.test(new FakeCustomer(), NOW));
    assertNoFlip(rule, new FakeCustomer()); // never ordered: stays "not within"
  }

  @Test
  void betweenRelativeEntersThenLeaves() {
    CompiledRule rule = Rules.condition("last_order_at", "between", "['90_days_ago', '30_days_ago']");
    Instant recent = daysAgo(10);
    // Too recent: enters the range when it is 30 days old...
    assertFlip(rule, lastOrder(recent), false, recent.plus(DAY.multipliedBy(30)));
    // ...and, once inside, leaves it just after it is 90 days old.
    Instant inside = daysAgo(50);
    assertFlip(rule, lastOrder(inside), true, inside.plus(DAY.multipliedBy(90)).plusNanos(1));
    assertNoFlip(rule, lastOrder(daysAgo(91)));
  }

  @Test
  void betweenMixedAbsoluteAndRelative() {
    CompiledRule rule = Rules.condition("last_order_at", "between", "['2026-01-01', '30_days_ago']");
    Instant recent = daysAgo(10);
    assertFlip(rule, lastOrder(recent), false, recent.plus(DAY.multipliedBy(30)));
    assertNoFlip(rule, lastOrder(daysAgo(40))); // inside, and the absolute lower bound never moves
    assertNoFlip(rule, lastOrder(Instant.parse("2025-12-31T00:00:00Z")));
  }

  @Test
  void absoluteTimesAndMissingValuesNeverFlip() {
    CompiledRule absolute = Rules.condition("last_order_at", "before", "'2026-06-01'");
    assertFalse(absolute.isTimeDependent());
    assertNull(absolute.nextFlip(lastOrder(daysAgo(1)), NOW));
    CompiledRule relative = Rules.condition("last_order_at", "before", "'90_days_ago'");
    assertNoFlip(relative, new FakeCustomer());
    assertFalse(Rules.condition("last_order_at", "exists", null).isTimeDependent());
  }

  @Test
  void hoursAndMinutesAreExactToo() {
    Instant t = NOW.minus(Duration.ofMinutes(5)).plusNanos(42);
    assertFlip(Rules.condition("cart.updated_at", "before", "'30_minutes_ago'"),
        new FakeCustomer().set("cart.updated_at", t), false, t.plus(Duration.ofMinutes(30)).plusNanos(1));
  }

  // ---- Behaviour ----

  private static FakeCustomer viewed(long... daysAgo) {
    FakeCustomer c = new FakeCustomer();
    for (long d : daysAgo) {
      c.performed("page.viewed", NOW.minus(Duration.ofHours(d * 24)));
    }
    return c;
  }

  @Test
  void performedAtLeastTurnsFalseWhenTheKthMostRecentLeaves() {
    CompiledRule rule = Rules.compile(
        "[{'performed': {'event': 'page.viewed', 'within_days': 7, 'at_least': 3}}]");
    FakeCustomer c = viewed(6, 5, 4, 1, 0);
    // The 3rd most recent view was 4 days ago: 3 views remain in the window until it leaves.
    assertFlip(rule, c, true, daysAgo(4).plus(DAY.multipliedBy(7)).plusNanos(1));
    assertNoFlip(rule, viewed(3, 1)); // only two: false until a new view
  }

  @Test
  void performedAtMostTurnsTrueWhenTheKPlusFirstMostRecentLeaves() {
    CompiledRule none = Rules.compile(
        "[{'performed': {'event': 'page.viewed', 'within_days': 7, 'at_most': 0}}]");
    FakeCustomer c = viewed(5, 2);
    assertFlip(none, c, false, daysAgo(2).plus(DAY.multipliedBy(7)).plusNanos(1));
    assertNoFlip(none, viewed(8, 9)); // both outside the window: true, stays true
    assertNoFlip(none, new FakeCustomer());

    CompiledRule fewer = Rules.compile(
        "[{'performed': {'event': 'page.viewed', 'within_days': 7, 'at_most': 2}}]");
    assertFlip(fewer, viewed(6, 5, 4, 1), false, daysAgo(5).plus(DAY.multipliedBy(7)).plusNanos(1));
  }

  @Test
  void boughtWithinTurnsFalseWhenTheKthMostRecentAcrossIdsLeaves() {
    CompiledRule rule = Rules.compile("[{'bought': {'product_ids': ['sku1', 'sku2', 'sku3'],"
        + " 'within_days': 180, 'min_count': 3}}]");
    FakeCustomer c = new FakeCustomer()
        .bought("product", "sku1", daysAgo(200), daysAgo(100), daysAgo(10))
        .bought("product", "sku2", daysAgo(50))
        .bought("product", "sku3", daysAgo(170), daysAgo(1))
        .bought("product", "other", daysAgo(2));
    // Most recent first: 1 (sku3), 10 (sku1), 50 (sku2), 100, 170; the third is 50 days ago.
    assertFlip(rule, c, true, daysAgo(50).plus(DAY.multipliedBy(180)).plusNanos(1));
  }

  @Test
  void boughtWithinSingleIdAndCategories() {
    CompiledRule rule = Rules.compile(
        "[{'bought': {'category_ids': ['shoes'], 'within_days': 30}}]");
    FakeCustomer c = new FakeCustomer().bought("category", "shoes", daysAgo(40), daysAgo(20));
    assertFlip(rule, c, true, daysAgo(20).plus(DAY.multipliedBy(30)).plusNanos(1));
    assertNoFlip(rule, new FakeCustomer().bought("category", "shoes", daysAgo(40)));
    assertNoFlip(rule, new FakeCustomer().bought("product", "shoes", daysAgo(1)));
  }

  @Test
  void boughtEverIsNotTimeDependent() {
    CompiledRule rule = Rules.compile("[{'bought': {'product_ids': ['sku1']}}]");
    assertFalse(rule.isTimeDependent());
    assertNull(rule.nextFlip(new FakeCustomer().bought("product", "sku1", daysAgo(3000)), NOW));
  }

  // ---- Groups ----

  @Test
  void allWithAStaticFalseChildNeverFlips() {
    CompiledRule rule = Rules.compile("[{'field': 'email_consent', 'operator': 'eq', 'value': true},"
        + " {'field': 'last_order_at', 'operator': 'before', 'value': '90_days_ago'}]");
    assertNoFlip(rule, lastOrder(daysAgo(30)).set("email_consent", false));
    Instant t = daysAgo(30);
    assertFlip(rule, lastOrder(t).set("email_consent", true), false,
        t.plus(DAY.multipliedBy(90)).plusNanos(1));
  }

  @Test
  void anyWithAStaticTrueChildNeverFlips() {
    CompiledRule rule = Rules.compile("[{'any': [{'field': 'tags', 'operator': 'contains', 'value': 'vip'},"
        + " {'field': 'last_order_at', 'operator': 'within_last', 'value': '30_days'}]}]");
    assertNoFlip(rule, lastOrder(daysAgo(10)).set("tags", List.of("VIP")));
    Instant t = daysAgo(10);
    assertFlip(rule, lastOrder(t), true, t.plus(DAY.multipliedBy(30)).plusNanos(1));
  }

  @Test
  void groupsTakeTheEarliestChildFlip() {
    CompiledRule rule = Rules.compile("[{'field': 'last_order_at', 'operator': 'within_last', 'value': '30_days'},"
        + " {'not': {'performed': {'event': 'page.viewed', 'within_days': 7, 'at_least': 1}}}]");
    Instant order = daysAgo(10);
    FakeCustomer c = lastOrder(order).performed("page.viewed", daysAgo(3));
    // Not yet: a view 3 days ago. It leaves the 7-day window after 4 days, before the order
    // leaves its 30-day window after 20.
    assertFlip(rule, c, false, daysAgo(3).plus(DAY.multipliedBy(7)).plusNanos(1));
  }

  /**
   * Random time rules and customers: wherever nextFlip says, the answer must not have changed
   * before it (a late flip would leave a customer in a segment too long). Samples points
   * between now and the flip, and far beyond when it says never.
   */
  @Test
  void nextFlipIsNeverLate() {
    Random random = new Random(20260315);
    String[] timeConditions = {
        "{'field': 'last_order_at', 'operator': 'before', 'value': '%d_days_ago'}",
        "{'field': 'last_order_at', 'operator': 'gte', 'value': '%d_hours_ago'}",
        "{'field': 'last_seen_at', 'operator': 'within_last', 'value': '%d_days'}",
        "{'field': 'last_seen_at', 'operator': 'not_within_last', 'value': '%d_days'}",
        "{'field': 'last_seen_at', 'operator': 'between', 'value': ['%d_days_ago', '1_day_ago']}",
        "{'performed': {'event': 'page.viewed', 'within_days': %d, 'at_least': 2}}",
        "{'performed': {'event': 'page.viewed', 'within_days': %d, 'at_most': 1}}",
        "{'bought': {'product_ids': ['a', 'b'], 'within_days': %d, 'min_count': 2}}",
        "{'field': 'email_consent', 'operator': 'eq', 'value': true}",
    };
    for (int round = 0; round < 300; round++) {
      String rules = "[" + randomRule(random, timeConditions, 0) + "]";
      CompiledRule rule = Rules.compile(rules.replace("%d", String.valueOf(2 + random.nextInt(60))));
      FakeCustomer c = new FakeCustomer()
          .set("email_consent", random.nextBoolean())
          .set("last_order_at", NOW.minusSeconds(random.nextInt(90 * 86_400)))
          .set("last_seen_at", random.nextInt(5) == 0 ? null : NOW.minusSeconds(random.nextInt(90 * 86_400)));
      for (int i = random.nextInt(5); i > 0; i--) {
        c.performed("page.viewed", NOW.minusSeconds(random.nextInt(60 * 86_400)));
        c.bought("product", random.nextBoolean() ? "a" : "b", NOW.minusSeconds(random.nextInt(60 * 86_400)));
      }
      boolean answer = rule.test(c, NOW);
      Instant flip = rule.nextFlip(c, NOW);
      Instant horizon = flip != null ? flip : NOW.plus(DAY.multipliedBy(400));
      if (flip != null) {
        assertTrue(flip.isAfter(NOW), rules);
      }
      List<Instant> samples = new ArrayList<>(List.of(horizon.minusNanos(1)));
      for (int s = 0; s < 50; s++) {
        long span = Duration.between(NOW, horizon).toSeconds();
        samples.add(NOW.plusSeconds(span <= 0 ? 0 : (long) (random.nextDouble() * span)));
      }
      for (Instant at : samples) {
        assertEquals(answer, rule.test(c, at), () -> rules + " changed at " + at + " before flip " + flip);
      }
    }
  }

  private static String randomRule(Random random, String[] leaves, int depth) {
    int pick = random.nextInt(depth >= 3 ? 1 : 4);
    if (pick == 0) {
      return leaves[random.nextInt(leaves.length)];
    }
    if (pick == 3) {
      return "{'not': " + randomRule(random, leaves, depth + 1) + "}";
    }
    StringBuilder group = new StringBuilder(pick == 1 ? "{'all': [" : "{'any': [");
    int n = 1 + random.nextInt(3);
    for (int i = 0; i < n; i++) {
      group.append(i == 0 ? "" : ", ").append(randomRule(random, leaves, depth + 1));
    }
    return group.append("]}").toString();
  }

  @Test
  void timeDependenceIsReported() {
    assertTrue(Rules.condition("last_order_at", "within_last", "'1_day'").isTimeDependent());
    assertTrue(Rules.compile("[{'any': [{'field': 'email', 'operator': 'exists'},"
        + " {'not': {'field': 'created_at', 'operator': 'after', 'value': '1_week_ago'}}]}]").isTimeDependent());
    assertFalse(Rules.compile("[{'field': 'email', 'operator': 'exists'},"
        + " {'field': 'created_at', 'operator': 'after', 'value': '2026-01-01'}]").isTimeDependent());
    CompiledRule mixed = Rules.compile("[{'field': 'email', 'operator': 'exists'},"
        + " {'performed': {'event': 'x', 'within_days': 1, 'at_least': 1}}]");
    assertTrue(mixed.isTimeDependent());
    assertFalse(mixed.topLevel().get(0).isTimeDependent());
    assertTrue(mixed.topLevel().get(1).isTimeDependent());
  }
}
