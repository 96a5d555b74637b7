package io.shoal.segment.eval;

import static io.shoal.segment.eval.RandomRules.cond;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shoal.event.LoggedEvent;
import io.shoal.segment.SegmentDefinition;
import io.shoal.segment.StorefrontFields;
import io.shoal.segment.rule.CompiledRule;
import io.shoal.segment.rule.RuleCompiler;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * An event re-tests only the segments built with a condition whose answer it changed
 * ({@code PartitionCore.applyAndRetest}). Whatever it skips must not matter: with many segments
 * of mixed, nested, time-relative rules sharing conditions, random events over weeks of random
 * time steps, and the time checks the core schedules for itself, every membership equals the
 * segment's rule tested from scratch at every step, and the transitions add up to the members.
 * A backfill pass tests a top-level rule its segments share once per customer ({@link PassRules}):
 * it must answer, funnel and schedule as each segment's own rule would.
 */
class RetestByConditionTest {

  private static final String STORE = "store_a";
  private final Random random = new Random(7);
  private final RandomRules randomRules = new RandomRules(random, this::leaf);
  private long seq;

  @Test
  void everyMembershipEqualsItsRuleTestedFromScratchAtEveryStep() {
    for (long seed = 1; seed <= 5; seed++) {
      random.setSeed(seed);
      run(seed, 80, 500);
    }
    // few segments: few time checks, so a flip missing from the schedule is not hidden by another's check
    for (long seed = 100; seed <= 160; seed++) {
      random.setSeed(seed);
      run(seed, 2, 300);
    }
  }

  /**
   * A time check re-tests only the segments of the conditions that flipped since it was scheduled
   * ({@code PartitionCore.timeCheck}). Segments synced while checks wait (their memberships as of a
   * later instant than the check's) and checks overdue after long downtimes, run a few at a time
   * with events between them, must still leave every membership equal to its rule from scratch.
   */
  @Test
  void timeChecksStillAgreeWithTheRulesWhenSegmentsAreSyncedWhileChecksWaitAndAfterLongDowntimes() {
    for (long seed = 200; seed <= 240; seed++) {
      random.setSeed(seed);
      run(seed, 1 + random.nextInt(30), 200, true);
    }
  }

  @Test
  void aPassTestingSharedRulesOnceAnswersAsEachSegmentsOwnRule() {
    for (long seed = 1; seed <= 20; seed++) {
      random.setSeed(seed);
      PartitionCore core = new PartitionCore(0, 1, null, at -> { });
      List<String> customers = customers(core, 40);
      Instant now = Instant.parse("2026-01-01T00:00:00Z");
      for (int step = 0; step < 400; step++) { // histories over weeks, before any segment
        now = now.plus(Duration.ofMinutes(random.nextInt(6 * 60)));
        String customer = customers.get(random.nextInt(customers.size()));
        LoggedEvent e = event(customer, now);
        assertTrue(core.accept(e));
        core.apply(e, core.customer(STORE, customer), false, now);
      }
      core.takePending();
      Map<String, Long> checksBefore = new HashMap<>();
      for (String c : customers) {
        checksBefore.put(c, core.customer(STORE, c).nextCheckAt);
      }
      List<PartitionCore.Backfill> pass = new ArrayList<>();
      Map<String, CompiledRule> rules = new HashMap<>();
      int steps = 0;
      for (int i = 0; i < 60; i++) {
        JsonArray r = randomRules.segment();
        String id = "seg_" + i;
        LiveSegment s = core.install(new SegmentDefinition(STORE, id, i + 1, id, SegmentDefinition.DYNAMIC, r,
            new JsonObject(), 0, "in_progress", 1, null, null, SegmentDefinition.CREATED, null, false, null, null,
            StorefrontFields.NONE));
        pass.add(new PartitionCore.Backfill(s, false, new long[r.size() + 1]));
        rules.put(id, RuleCompiler.compile(r));
        steps += r.size();
      }
      PassRules shared = new PassRules();
      List<CustomerState> all = core.customersOf(STORE);
      Instant at = now.plus(Duration.ofMinutes(1));
      core.backfill(pass, shared, all, 0, all.size() / 2, at);
      core.backfill(pass, shared, all, all.size() / 2, all.size(), at); // the pass goes on in a later slice
      assertTrue(shared.distinct() < steps, "the segments share top-level rules: " + shared.distinct() + " of " + steps);
      for (String c : customers) {
        CustomerState state = core.customer(STORE, c);
        long check = checksBefore.get(c);
        for (PartitionCore.Backfill b : pass) {
          CompiledRule rule = rules.get(b.segment().id());
          boolean in = rule.test(state, at);
          assertEquals(in, core.isMember(STORE, b.segment().id(), c), "seed " + seed + ": " + c + " in " + b.segment().id());
          Instant flip = rule.nextFlip(state, at, in);
          if (flip != null) {
            check = Math.min(check, PartitionCore.checkAt(flip));
          }
        }
        assertEquals(check, state.nextCheckAt, "seed " + seed + ": the time check of " + c
            + " is the earliest flip of its segments' own rules");
      }
      for (PartitionCore.Backfill b : pass) {
        List<CompiledRule> parts = rules.get(b.segment().id()).topLevel();
        long[] funnel = new long[parts.size() + 1];
        for (String c : customers) {
          CustomerState state = core.customer(STORE, c);
          funnel[0]++;
          for (int k = 0; k < parts.size() && parts.get(k).test(state, at); k++) {
            funnel[k + 1]++;
          }
        }
        assertEquals(java.util.Arrays.toString(funnel), java.util.Arrays.toString(b.funnel()),
            "seed " + seed + ": the funnel of " + b.segment().id() + " counts each of its own rules");
      }
    }
  }

  /** {@code n} new customers of the store in {@code core}: their ids. */
  private static List<String> customers(PartitionCore core, int n) {
    List<String> customers = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      String id = "cust_" + i;
      core.adoptLoaded(core.newCustomer(STORE, id, null), false);
      customers.add(id);
    }
    return customers;
  }

  private void run(long seed, int segments, int steps) {
    run(seed, segments, steps, false);
  }

  /**
   * {@code syncsAndDowntimes}: before some steps' checks a new segment is synced (as of that step,
   * while the customers' due checks wait), and some steps come after a downtime of 20-120 days
   * whose checks are taken as a start takes them and run a few at a time, an event between.
   */
  private void run(long seed, int segments, int steps, boolean syncsAndDowntimes) {
    PartitionCore core = new PartitionCore(0, 1, null, at -> { });
    List<String> customers = customers(core, 25);
    Instant now = Instant.parse("2026-01-01T00:00:00Z");
    Map<String, CompiledRule> rules = new HashMap<>();
    for (int i = 0; i < segments; i++) {
      JsonArray r = randomRules.segment();
      String id = "seg_" + i;
      core.backfill(core.install(new SegmentDefinition(STORE, id, i + 1, id, SegmentDefinition.DYNAMIC, r, new JsonObject(), 0,
          "synced", 1, null, null, SegmentDefinition.CREATED, null, false, null, null, StorefrontFields.NONE)), now, false);
      rules.put(id, RuleCompiler.compile(r));
    }
    Map<String, Long> members = new HashMap<>();
    core.takePending().countDeltas().forEach((k, v) -> members.put(k.segmentId(), v[0])); // the silent first sync
    int retests = 0;
    for (int step = 0; step < steps; step++) {
      now = now.plus(Duration.ofMinutes(random.nextInt(random.nextBoolean() ? 90 : 4 * 24 * 60)));
      if (syncsAndDowntimes && random.nextInt(6) == 0) {
        JsonArray r = randomRules.segment();
        String id = "seg_" + rules.size();
        core.backfill(core.install(new SegmentDefinition(STORE, id, rules.size() + 1, id, SegmentDefinition.DYNAMIC, r,
            new JsonObject(), 0, "synced", 1, null, null, SegmentDefinition.CREATED, null, false, null, null,
            StorefrontFields.NONE)), now, false);
        rules.put(id, RuleCompiler.compile(r));
        core.takePending().countDeltas().forEach((k, v) -> members.merge(k.segmentId(), v[0], Long::sum));
      }
      if (syncsAndDowntimes && random.nextInt(15) == 0) {
        now = now.plus(Duration.ofDays(20 + random.nextInt(100)));
        core.takeOverdue(now.toEpochMilli());
        boolean more = true;
        while (more) {
          more = core.runOverdueChecks(now.toEpochMilli(), 1 + random.nextInt(4));
          String customer = customers.get(random.nextInt(customers.size()));
          LoggedEvent e = event(customer, now);
          assertTrue(core.accept(e));
          core.apply(e, core.customer(STORE, customer), false, now); // catches its overdue check up first
          for (EvaluationStore.Transition t : core.takePending().transitions()) {
            members.merge(t.segmentId(), t.entered() ? 1L : -1L, Long::sum);
          }
        }
      }
      int ran;
      while ((ran = core.runDueChecks(now.toEpochMilli())) > 0) {
        retests += ran;
        assertTrue(ran < 1000 && retests < 1_000_000, "a time check found nothing and came again at once, at " + now + ": " + core.nextCheckAt());
      }
      String customer = customers.get(random.nextInt(customers.size()));
      LoggedEvent e = event(customer, now);
      assertTrue(core.accept(e));
      core.apply(e, core.customer(STORE, customer), false, now);
      for (EvaluationStore.Transition t : core.takePending().transitions()) {
        members.merge(t.segmentId(), t.entered() ? 1L : -1L, Long::sum);
      }
      for (String c : customers) {
        CustomerState state = core.customer(STORE, c);
        for (Map.Entry<String, CompiledRule> s : rules.entrySet()) {
          assertEquals(s.getValue().test(state, now), core.isMember(STORE, s.getKey(), c),
              "seed " + seed + " step " + step + " at " + now + ": " + c + " in " + s.getKey() + " "
                  + s.getValue().leaves());
        }
      }
    }
    for (Map.Entry<String, CompiledRule> s : rules.entrySet()) {
      long expected = 0;
      for (String c : customers) {
        expected += core.isMember(STORE, s.getKey(), c) ? 1 : 0;
      }
      assertEquals(expected, (long) members.getOrDefault(s.getKey(), 0L), "enters minus leaves of " + s.getKey());
    }
    assertTrue(segments < 10 || retests > 50, "time checks ran (" + retests + "), so time flips were exercised");
  }

  private LoggedEvent event(String customer, Instant at) {
    seq++;
    int kind = random.nextInt(10);
    JsonObject data;
    String type;
    if (kind < 5) {
      type = "page.viewed";
      data = new JsonObject().put("url", "/p/" + random.nextInt(9));
    } else if (kind < 7) {
      type = "cart.updated";
      data = new JsonObject().put("cart_id", "cart_" + customer).put("total", random.nextInt(300))
          .put("items", new JsonArray().add(new JsonObject().put("product_id", "p" + random.nextInt(6)).put("quantity", 1)));
    } else {
      type = "order.completed";
      data = new JsonObject().put("order_id", "o" + seq).put("total", 5 + random.nextInt(400))
          .put("items", new JsonArray().add(new JsonObject().put("product_id", "p" + random.nextInt(6))
              .put("category_id", "cat" + random.nextInt(3)).put("quantity", 1)));
    }
    return new LoggedEvent(seq, STORE, "evt_" + seq, type, customer, at, at, data);
  }

  // --- rules: few distinct conditions, so segments share them as real stores' do -----------

  private JsonObject leaf() {
    return switch (random.nextInt(12)) {
      case 0 -> cond("total_spent", "gte", pick(100, 300, 800));
      case 1 -> cond("total_orders", "eq", pick(0, 1, 2));
      case 2 -> cond("cart.value", "gte", pick(50, 150));
      case 3 -> cond("last_order_at", "before", pick(1, 3, 7) + "_days_ago");
      case 4 -> cond("last_order_at", "within_last", pick(2, 5) + "_days");
      case 5 -> cond("last_seen_at", "within_last", pick(1, 3) + "_days");
      case 6 -> cond("first_order_at", "before", pick(4, 9) + "_days_ago");
      case 7 -> cond("last_seen_at", "not_within_last", pick(2, 6) + "_days");
      case 8 -> new JsonObject().put("performed", new JsonObject().put("event", "page.viewed")
          .put("within_days", pick(1, 3)).put(random.nextBoolean() ? "at_least" : "at_most", pick(1, 2, 3)));
      case 9 -> new JsonObject().put("bought", new JsonObject()
          .put("product_ids", new JsonArray().add("p" + random.nextInt(6))).put("within_days", pick(2, 8)));
      case 10 -> new JsonObject().put("bought", new JsonObject()
          .put("category_ids", new JsonArray().add("cat" + random.nextInt(3))).put("min_count", pick(1, 2)));
      default -> cond("cart.item_count", "gte", 1);
    };
  }

  private int pick(int... values) {
    return values[random.nextInt(values.length)];
  }
}
