package io.shoal.segment.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shoal.event.LoggedEvent;
import io.shoal.segment.SegmentDefinition;
import io.shoal.segment.StorefrontFields;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Syncs run in shared passes, driven directly: the event loop's turns are a queue the test runs. */
class BackfillPassesTest {

  private static final String STORE = "store_a";
  private static final String OTHER = "store_b";
  private final PartitionCore core = new PartitionCore(0, 1, null, at -> { });
  private final Instant t0 = Instant.parse("2026-12-01T10:00:00Z");
  private long seq;
  private int nextNum = 5_000;

  /** Turns of the event loop waiting to run (whenRoom). */
  private final ArrayDeque<Runnable> turns = new ArrayDeque<>();
  /** Each ended sync: "segment id@version" -> its funnel (null: ended without counts), in the order they ended. */
  private final Map<String, long[]> done = new LinkedHashMap<>();
  private final List<String> progress = new ArrayList<>();
  /** Customers written per turn: how many of the pending customers had their memberships changed. */
  private final List<Integer> dirtyPerTurn = new ArrayList<>();

  /** The test's clock, and the timers set (due time, what runs), run by {@link #advanceTo}. */
  private long nowMs;
  private final List<Map.Entry<Long, Runnable>> timers = new ArrayList<>();

  private final BackfillPasses.Host host = new BackfillPasses.Host() {
    @Override
    public void whenRoom(Runnable next) {
      turns.add(next);
    }

    @Override
    public void progress(SegmentDefinition def, double fraction) {
      progress.add(def.id());
    }

    @Override
    public void done(BackfillPasses.Sync sync, int customers, long[] funnel) {
      done.put(sync.def().id() + "@" + sync.def().version(), funnel);
    }

    @Override
    public void later(long delayMs, Runnable next) {
      assertTrue(delayMs > 0, "a timer is set only for a wait still to come: " + delayMs);
      timers.add(Map.entry(nowMs + delayMs, next));
    }

    @Override
    public long millis() {
      return nowMs;
    }
  };
  private BackfillPasses passes = new BackfillPasses(core, host, 8, BackfillPasses.Debounce.NONE);

  /** While set, {@link #advanceTo} runs timers only: a pass that starts waits for room until runTurns. */
  private boolean turnsHeld;

  /** Moves the clock to {@code t}, running the timers due on the way (and the turns they start). */
  private void advanceTo(long t) {
    while (true) {
      Map.Entry<Long, Runnable> next = timers.stream().filter(e -> e.getKey() <= t)
          .min(Map.Entry.comparingByKey()).orElse(null);
      if (next == null) {
        break;
      }
      timers.remove(next);
      nowMs = next.getKey();
      next.getValue().run();
      if (!turnsHeld) {
        runTurns();
      }
    }
    nowMs = t;
  }

  private SegmentDefinition segment(String store, String id, int version, JsonArray rules) {
    return new SegmentDefinition(store, id, nextNum++, "Segment " + id, SegmentDefinition.DYNAMIC, rules,
        new JsonObject(), 0, "in_progress", version, null, null, SegmentDefinition.CREATED, null, false, null, null,
        StorefrontFields.NONE);
  }

  private static JsonArray spentAtLeast(int value) {
    return new JsonArray().add(new JsonObject().put("field", "total_spent").put("operator", "gte").put("value", value));
  }

  private void customers(String store, int n) {
    for (int i = 0; i < n; i++) {
      String id = "cust_" + i;
      core.adoptLoaded(core.newCustomer(store, id, null), false);
      seq++;
      LoggedEvent order = new LoggedEvent(seq, store, "evt_" + seq, "order.completed", id, t0, t0,
          new JsonObject().put("order_id", "o" + seq).put("total", 10 * i));
      assertTrue(core.accept(order));
      core.apply(order, core.customer(store, id), false, t0);
    }
    core.takePending();
  }

  /** Runs the waiting turns, taking what each gathered as a write batch would. */
  private void runTurns() {
    while (true) {
      PartitionCore.Pending p = core.takePending();
      dirtyPerTurn.add((int) p.dirty().keySet().stream().filter(c -> c.membershipsDirty).count());
      if (turns.isEmpty()) {
        return;
      }
      turns.poll().run();
    }
  }

  private void add(SegmentDefinition def) {
    passes.add(def, false, null);
  }

  @Test
  void syncsThatArriveDuringAPassRunTogetherInTheNextAndEachCustomerIsWrittenOncePerPass() {
    customers(STORE, 10);
    SegmentDefinition first = segment(STORE, "seg_first", 1, spentAtLeast(50));
    add(first); // starts a pass at once: 8 tests of one segment, then waits for room
    List<SegmentDefinition> later = List.of(segment(STORE, "seg_a", 1, spentAtLeast(20)),
        segment(STORE, "seg_b", 1, spentAtLeast(30)), segment(STORE, "seg_c", 1, spentAtLeast(80)),
        segment(STORE, "seg_d", 1, spentAtLeast(0)));
    later.forEach(this::add);
    assertEquals(4, passes.waiting(), "the pass running took only the sync that was there");
    runTurns();

    assertEquals(List.of("seg_first@1", "seg_a@1", "seg_b@1", "seg_c@1", "seg_d@1"), List.copyOf(done.keySet()));
    for (SegmentDefinition d : List.of(first, later.get(0), later.get(1), later.get(2), later.get(3))) {
      long[] preview = core.preview(STORE, d.rules(), t0, null);
      long[] funnel = done.get(d.id() + "@1");
      assertEquals(List.of(preview[0], preview[1]), List.of(funnel[0], funnel[1]),
          d.id() + ": the pass counted the funnel a preview counts");
      long members = core.customersOf(STORE).stream().filter(c -> core.isMember(STORE, d.id(), c.customerId)).count();
      assertEquals(preview[1], members, d.id());
    }
    // the second pass: 4 segments, 8 tests a turn = 2 customers a turn, each customer dirty once
    int written = dirtyPerTurn.stream().mapToInt(Integer::intValue).sum();
    assertEquals(5 + 10, written, "seg_first's 5 members, then every customer once (all are in seg_d)");
    assertTrue(progress.size() < 4 * 5, "progress is reported about once per 8 customers, not per turn: "
        + progress.size());
  }

  @Test
  void aWaitingSyncIsInstalledWhenItsPassStartsAndANewerVersionOrADeletionEndsIt() {
    customers(STORE, 10);
    add(segment(STORE, "seg_running", 1, spentAtLeast(50))); // its pass runs
    SegmentDefinition v1 = segment(STORE, "seg_x", 1, spentAtLeast(50));
    add(v1);
    seq++;
    LoggedEvent order = new LoggedEvent(seq, STORE, "evt_" + seq, "order.completed", "cust_4", t0, t0,
        new JsonObject().put("order_id", "late").put("total", 20));
    assertTrue(core.accept(order));
    core.apply(order, core.customer(STORE, "cust_4"), false, t0); // spent 40 -> 60: seg_x's condition flips
    assertTrue(core.takePending().transitions().stream().noneMatch(t -> t.segmentId().equals("seg_x")),
        "not installed while it waits: events do not evaluate it, its first members all come silently with its pass");
    assertFalse(core.isMember(STORE, "seg_x", "cust_4"));
    SegmentDefinition v2 = new SegmentDefinition(STORE, "seg_x", v1.num(), "Segment seg_x", SegmentDefinition.DYNAMIC,
        spentAtLeast(70), new JsonObject(), 0, "in_progress", 2, null, null, SegmentDefinition.CREATED, null, false,
        null, null, StorefrontFields.NONE);
    passes.add(v2, true, null);
    assertTrue(done.containsKey("seg_x@1") && done.get("seg_x@1") == null, "the newer version replaced the waiting one");
    SegmentDefinition gone = segment(STORE, "seg_gone", 1, spentAtLeast(10));
    add(gone);
    passes.forget(STORE, "seg_gone");
    assertTrue(done.containsKey("seg_gone@1") && done.get("seg_gone@1") == null, "a deletion ends it");
    assertEquals(1, passes.waiting());
    runTurns();

    assertEquals(List.of("seg_x@1", "seg_gone@1", "seg_running@1", "seg_x@2"), List.copyOf(done.keySet()));
    assertEquals(3, done.get("seg_x@2")[1], "cust_7..9 spent >= 70");
    for (int i = 0; i < 10; i++) {
      assertEquals(10 * i >= 70, core.isMember(STORE, "seg_x", "cust_" + i), "cust_" + i + " as v2 says");
      assertFalse(core.isMember(STORE, "seg_gone", "cust_" + i), "seg_gone was never installed");
    }
  }

  @Test
  void aSegmentRemovedDuringItsPassEndsWithoutCountsAndAnotherStoresPassRunsBesideIt() {
    customers(STORE, 10);
    customers(OTHER, 3);
    SegmentDefinition v1 = segment(STORE, "seg_x", 1, spentAtLeast(50));
    add(v1);
    SegmentDefinition other = segment(OTHER, "seg_other", 1, spentAtLeast(10));
    add(other);
    SegmentDefinition v2 = new SegmentDefinition(STORE, "seg_x", v1.num(), "Segment seg_x", SegmentDefinition.DYNAMIC,
        spentAtLeast(70), new JsonObject(), 0, "in_progress", 2, null, null, SegmentDefinition.CREATED, null, false,
        null, null, StorefrontFields.NONE);
    core.uninstall(STORE, "seg_x"); // deleted while its pass runs (then made again: v2)
    passes.add(v2, true, null);
    runTurns();

    assertEquals(List.of("seg_other@1", "seg_x@1", "seg_x@2"), List.copyOf(done.keySet()),
        "the other store's pass ran beside seg_x's at once; v1 ended when it was removed, then v2's pass ran");
    assertNull(done.get("seg_x@1"), "a removed segment's pass did not count the whole funnel");
    assertEquals(2, done.get("seg_other@1")[1], "cust_1 and cust_2 of the other store spent >= 10");
    assertEquals(3, done.get("seg_x@2")[1], "cust_7..9 spent >= 70");
    for (int i = 0; i < 10; i++) {
      assertEquals(10 * i >= 70, core.isMember(STORE, "seg_x", "cust_" + i), "cust_" + i + " as v2 says");
    }
  }

  @Test
  void rulesThatNoLongerCompileEndAtOnceWithoutCounts() {
    customers(STORE, 3);
    SegmentDefinition d = segment(STORE, "seg_none", 1, new JsonArray().add(new JsonObject()
        .put("field", "no_such_field").put("operator", "eq").put("value", 1)));
    add(d);
    assertTrue(done.containsKey("seg_none@1"));
    assertNull(done.get("seg_none@1"));
    assertEquals(0, passes.waiting());
    assertFalse(core.isMember(STORE, "seg_none", "cust_1"));
  }

  @Test
  void aLargeStoresPassWaitsUntilNoSyncCameForAMomentBoundedByItsOldestSyncsWait() {
    passes = new BackfillPasses(core, host, 8, new BackfillPasses.Debounce(100, 1_000));
    customers(STORE, 10); // more than one slice: debounced
    add(segment(STORE, "seg_0", 1, spentAtLeast(50)));
    advanceTo(50);
    add(segment(STORE, "seg_1", 1, spentAtLeast(20)));
    advanceTo(149);
    assertEquals(2, passes.waiting(), "still coming: no pass yet, nothing installed");
    assertFalse(core.isMember(STORE, "seg_0", "cust_9"));
    advanceTo(150); // 100 ms after the last sync: one pass takes both
    assertEquals(0, passes.waiting());
    assertEquals(List.of("seg_0@1", "seg_1@1"), List.copyOf(done.keySet()));
    assertEquals(8, dirtyPerTurn.stream().mapToInt(Integer::intValue).sum(),
        "each customer written once for both: the 8 who spent >= 20");

    // syncs that keep coming every 50 ms start their pass 1,000 ms after the first of them
    done.clear();
    long first = nowMs;
    for (int i = 0; i < 30; i++) {
      add(segment(STORE, "seg_k" + i, 1, spentAtLeast(i)));
      advanceTo(nowMs + 50);
      if (nowMs - first < 1_000) {
        assertTrue(done.isEmpty(), "no pass before the oldest has waited 1,000 ms: " + (nowMs - first));
      }
    }
    assertEquals(20, done.size(), "the first pass took the 20 that came in its first 1,000 ms");
    advanceTo(nowMs + 100);
    assertEquals(30, done.size(), "the rest ran 100 ms after the last came");
    assertEquals(0, passes.waiting());
  }

  @Test
  void aSmallStoresPassStartsAtOnceEvenWhenDebounced() {
    passes = new BackfillPasses(core, host, 8, new BackfillPasses.Debounce(100, 1_000));
    customers(OTHER, 3); // within one slice: a create there waits for its sync
    add(segment(OTHER, "seg_small", 1, spentAtLeast(10)));
    runTurns();
    assertEquals(2, done.get("seg_small@1")[1], "synced at once, without a timer");
    assertTrue(timers.isEmpty());
  }

  @Test
  void eachStoreIsDebouncedOnItsOwnAndItsPassRunsBesideAnotherStoresPass() {
    passes = new BackfillPasses(core, host, 8, new BackfillPasses.Debounce(100, 1_000));
    customers(STORE, 10);
    customers(OTHER, 12);
    add(segment(STORE, "seg_big", 1, spentAtLeast(0)));
    advanceTo(50);
    add(segment(OTHER, "seg_b1", 1, spentAtLeast(50)));
    advanceTo(100); // STORE quiet since 0: its pass runs; OTHER's last sync came at 50
    assertEquals(List.of("seg_big@1"), List.copyOf(done.keySet()));
    assertEquals(1, passes.waiting());
    advanceTo(120);
    add(segment(OTHER, "seg_b2", 1, spentAtLeast(60)));
    advanceTo(219);
    assertEquals(2, passes.waiting(), "OTHER's quiet counts from its own last sync");
    advanceTo(220);
    assertEquals(List.of("seg_big@1", "seg_b1@1", "seg_b2@1"), List.copyOf(done.keySet()));
    assertEquals(7, done.get("seg_b1@1")[1], "cust_5..11 of OTHER spent >= 50");
    assertEquals(6, done.get("seg_b2@1")[1], "cust_6..11 of OTHER spent >= 60");

    // while STORE's pass waits for room, OTHER's sync starts its own pass at its quiet
    done.clear();
    turnsHeld = true;
    add(segment(STORE, "seg_long", 1, spentAtLeast(10)));
    advanceTo(nowMs + 100);
    assertEquals(0, passes.waiting(), "seg_long's pass is running");
    add(segment(OTHER, "seg_c", 1, spentAtLeast(100)));
    advanceTo(nowMs + 100);
    assertEquals(0, passes.waiting(), "OTHER's pass started beside STORE's, not after it");
    assertTrue(done.isEmpty());
    runTurns();
    assertEquals(Set.of("seg_long@1", "seg_c@1"), done.keySet());
    assertEquals(2, done.get("seg_c@1")[1], "cust_10 and cust_11 of OTHER spent >= 100");
    assertEquals(9, done.get("seg_long@1")[1], "cust_1..9 of STORE spent >= 10");
  }

  @Test
  void aRequestAgainForTheVersionWaitingOrInAPassJoinsItInsteadOfStartingAnother() {
    customers(STORE, 10);
    SegmentDefinition running = segment(STORE, "seg_running", 1, spentAtLeast(50));
    add(running); // its pass runs: 8 customers a turn
    SegmentDefinition waitingOne = segment(STORE, "seg_waiting", 1, spentAtLeast(20));
    add(waitingOne);
    add(running); // asked again (its request timed out) while in its pass
    add(waitingOne); // and while waiting
    assertEquals(1, passes.waiting(), "no second sync of either version");
    runTurns();
    assertEquals(List.of("seg_running@1", "seg_waiting@1"), List.copyOf(done.keySet()));
    int written = dirtyPerTurn.stream().mapToInt(Integer::intValue).sum();
    assertEquals(5 + 8, written, "one pass each: seg_running's 5 members, then seg_waiting's 8");
    assertEquals(5, done.get("seg_running@1")[1]);
    assertEquals(8, done.get("seg_waiting@1")[1]);

    // once done, asking again syncs again (a new request after the answer, e.g. a refresh)
    done.clear();
    add(running);
    runTurns();
    assertEquals(List.of("seg_running@1"), List.copyOf(done.keySet()));
  }
}
