package io.shoal.segment.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shoal.event.LoggedEvent;
import io.shoal.segment.SegmentDefinition;
import io.shoal.segment.StorefrontFields;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The partition's decisions, driven directly: no event loop, no database. */
class PartitionCoreTest {

  private static final String STORE = "store_a";
  private final List<Long> scheduled = new ArrayList<>();
  private final PartitionCore core = new PartitionCore(0, 1, null, scheduled::add);
  private long seq;
  private final Instant t0 = Instant.parse("2026-12-01T10:00:00Z");

  /** The number of each segment id, as V60 gives one to every segment. */
  private static final java.util.Map<String, Integer> NUMS = new java.util.concurrent.ConcurrentHashMap<>();

  private static synchronized int num(String id) {
    return NUMS.computeIfAbsent(id, k -> 1_000 + NUMS.size() * 7);
  }

  /** Memberships as the evaluator stores them: the segments' numbers joined by commas. */
  private static byte[] stored(String... ids) {
    return arraySend(1, 0, 23, 4, java.util.Arrays.stream(ids).mapToInt(PartitionCoreTest::num).toArray());
  }

  /** PostgreSQL's array_send of a one-dimensional array of {@code nums}, its header as given. */
  static byte[] arraySend(int dims, int hasNulls, int type, int elementLength, int... nums) {
    java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(dims == 0 ? 12 : 20 + 8 * nums.length);
    b.putInt(dims).putInt(hasNulls).putInt(type);
    if (dims > 0) {
      b.putInt(nums.length).putInt(1);
      for (int n : nums) {
        b.putInt(elementLength).putInt(n);
      }
    }
    return b.array();
  }

  /** The ids of what {@link PartitionCore#memberNums} answers, joined by commas. */
  private static String memberIds(PartitionCore core, CustomerState c) {
    String nums = core.memberNums(c);
    if (nums.isEmpty()) {
      return "";
    }
    java.util.Map<Integer, String> ids = new java.util.HashMap<>();
    NUMS.forEach((id, n) -> ids.put(n, id));
    return java.util.Arrays.stream(nums.split(",")).map(n -> ids.get(Integer.parseInt(n)))
        .collect(java.util.stream.Collectors.joining(","));
  }

  private static SegmentDefinition segment(String id, String type, JsonArray rules) {
    return new SegmentDefinition(STORE, id, num(id), "Segment " + id, type, rules, new JsonObject(), 0, "synced", 1, null, null,
        SegmentDefinition.CREATED, null, false, null, null, StorefrontFields.NONE);
  }

  private static JsonArray rule(String field, String operator, Object value) {
    return new JsonArray().add(new JsonObject().put("field", field).put("operator", operator).put("value", value));
  }

  private CustomerState customer(String id) {
    CustomerState c = core.newCustomer(STORE, id, null);
    core.adoptLoaded(c, false);
    return c;
  }

  private LoggedEvent order(String customerId, String orderId, double total, Instant at) {
    return event(customerId, "order.completed", new JsonObject().put("order_id", orderId).put("total", total), at);
  }

  private LoggedEvent event(String customerId, String type, JsonObject data, Instant at) {
    seq++;
    return new LoggedEvent(seq, STORE, "evt_" + seq, type, customerId, at, at, data);
  }

  private void deliver(LoggedEvent e, Instant now) {
    assertTrue(core.accept(e));
    core.apply(e, core.customer(e.storeId(), e.customerId()), false, now);
  }

  @Test
  void an_order_enters_a_spend_segment_once_with_its_event_as_cause() {
    core.install(segment("seg_big", SegmentDefinition.DYNAMIC, rule("total_spent", "gte", 100)));
    customer("cust_1");

    deliver(order("cust_1", "o1", 60, t0), t0);
    assertTrue(core.takePending().transitions().isEmpty(), "60 spent is not enough");

    LoggedEvent second = order("cust_1", "o2", 50, t0.plusSeconds(1));
    deliver(second, t0.plusSeconds(1));
    deliver(order("cust_1", "o3", 5, t0.plusSeconds(2)), t0.plusSeconds(2));

    PartitionCore.Pending p = core.takePending();
    assertEquals(1, p.transitions().size(), "entered once, not again on the third order");
    EvaluationStore.Transition t = p.transitions().get(0);
    assertTrue(t.entered());
    assertTrue(t.record(), "a dynamic segment announces its enters");
    assertEquals("event", t.cause());
    assertEquals(second.id(), t.eventId());
    assertEquals(1, p.countDeltas().get(new PartitionCore.SegmentKey(STORE, "seg_big"))[0]);
    assertEquals(3, p.checkpoint());
    assertTrue(core.isMember(STORE, "seg_big", "cust_1"));
  }

  @Test
  void a_customers_memberships_are_written_with_its_state_when_they_change_and_only_then() {
    core.install(segment("seg_big", SegmentDefinition.DYNAMIC, rule("total_spent", "gte", 100)));
    core.install(segment("seg_any", SegmentDefinition.PASSIVE, rule("total_orders", "gte", 1)));
    CustomerState c = customer("cust_1");
    deliver(order("cust_1", "o1", 150, t0), t0);
    assertTrue(core.takePending().dirty().containsKey(c));
    assertTrue(c.membershipsDirty);
    assertEquals(java.util.Set.of("seg_big", "seg_any"), java.util.Set.of(memberIds(core, c).split(",")));
    c.membershipsDirty = false; // as the batch writer does once it took the write

    deliver(event("cust_1", "page.viewed", new JsonObject().put("url", "/"), t0.plusSeconds(1)), t0.plusSeconds(1));
    core.takePending();
    assertFalse(c.membershipsDirty, "a state change without a flip leaves the stored memberships alone");

    // a segment no longer evaluated (deleted, made static or draft) leaves every stored list
    core.uninstall(STORE, "seg_big");
    assertTrue(core.takePending().dirty().containsKey(c));
    assertTrue(c.membershipsDirty);
    assertEquals("seg_any", memberIds(core, c));

    // at start, the number of a segment that is gone is dropped and the list rewritten
    PartitionCore later = new PartitionCore(0, 1, null, at -> { });
    later.install(segment("seg_any", SegmentDefinition.PASSIVE, rule("total_orders", "gte", 1)));
    CustomerState copy = later.newCustomer(STORE, "cust_1", c.toBytes());
    later.loadMemberships(copy, stored("seg_any", "seg_gone"));
    later.adoptLoaded(copy, false);
    assertTrue(later.isMember(STORE, "seg_any", "cust_1"));
    assertTrue(copy.membershipsDirty);
    assertEquals("seg_any", memberIds(later, copy));
  }

  /** The stored numbers, ascending, made of the memberships {@code ids}. */
  private static int[] sortedNums(String... ids) {
    return java.util.Arrays.stream(ids).mapToInt(PartitionCoreTest::num).sorted().toArray();
  }

  /** What the state statement does with the write's slices: the since-times, or null when it rebuilds them by number. */
  private static long[] written(PartitionCore core, CustomerState c, int[] stored) {
    PartitionCore.Memberships w = core.written(c, c.takeMembershipEdits());
    int[] now = w.nums().isEmpty() ? new int[0] : java.util.Arrays.stream(w.nums().split(",")).mapToInt(Integer::parseInt).toArray();
    int[] runs = w.runs() == null ? null : java.util.Arrays.stream(w.runs().split(",")).mapToInt(Integer::parseInt).toArray();
    long[] since = new long[stored.length];
    java.util.Arrays.fill(since, 7);
    long[] got = MembershipEditsTest.applied(stored, since, now, runs);
    if (got != null) {
      assertArrayEquals(MembershipEditsTest.byNumber(stored, since, now), got);
    }
    return got;
  }

  @Test
  void the_flips_since_the_last_write_tell_the_write_how_the_list_is_made_of_the_stored_one() {
    core.install(segment("seg_big", SegmentDefinition.DYNAMIC, rule("total_spent", "gte", 100)));
    core.install(segment("seg_any", SegmentDefinition.PASSIVE, rule("total_orders", "gte", 1)));
    CustomerState c = customer("cust_1");
    deliver(order("cust_1", "o1", 150, t0), t0);
    assertArrayEquals(new long[] {MembershipEditsTest.NOW, MembershipEditsTest.NOW}, written(core, c, new int[0]));

    core.uninstall(STORE, "seg_big");
    assertArrayEquals(new long[] {7}, written(core, c, sortedNums("seg_big", "seg_any")), "seg_any keeps its time");

    // a failed write puts its flips back before those made since
    core.install(segment("seg_big", SegmentDefinition.DYNAMIC, rule("total_spent", "gte", 100)));
    core.evaluateAll(c, t0, "profile");
    int[] taken = c.takeMembershipEdits();
    core.uninstall(STORE, "seg_any");
    c.restoreMembershipEdits(taken);
    assertArrayEquals(new long[] {MembershipEditsTest.NOW}, written(core, c, sortedNums("seg_any")));

    // at start: a stored number of a segment that is gone leaves the list, the others keep their times
    PartitionCore later = new PartitionCore(0, 1, null, at -> { });
    later.install(segment("seg_any", SegmentDefinition.PASSIVE, rule("total_orders", "gte", 1)));
    CustomerState copy = later.newCustomer(STORE, "cust_1", c.toBytes());
    later.loadMemberships(copy, stored("seg_gone", "seg_any"));
    later.adoptLoaded(copy, false);
    assertArrayEquals(new long[] {7}, written(later, copy, sortedNums("seg_any", "seg_gone")));
  }

  @Test
  void stored_memberships_read_at_start_find_each_segment_by_its_number() {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      ids.add("seg_" + Integer.toString(i * 7919, 36));
      core.install(segment(ids.get(i), SegmentDefinition.PASSIVE, rule("total_orders", "gte", 1)));
    }
    for (String[] kept : List.of(new String[0], new String[] {ids.get(0)}, new String[] {ids.get(299), ids.get(1)},
        ids.toArray(new String[0]))) {
      CustomerState c = core.newCustomer(STORE, "cust_" + kept.length, null);
      core.loadMemberships(c, stored(kept));
      assertEquals(java.util.Set.of(kept),
          java.util.Set.of(memberIds(core, c).isEmpty() ? new String[0] : memberIds(core, c).split(",")));
      assertFalse(c.membershipsDirty, "every stored number is an evaluated segment");
    }
    for (List<String> gone : List.of(List.of("seg_gone"), List.of(ids.get(3), "seg_gone"), List.of("seg_gone", ids.get(3)))) {
      CustomerState c = core.newCustomer(STORE, "cust_gone", null);
      core.loadMemberships(c, stored(gone.toArray(new String[0])));
      assertTrue(c.membershipsDirty, gone + ": a number of no evaluated segment is dropped and the list rewritten");
      assertEquals(gone.contains(ids.get(3)) ? ids.get(3) : "", memberIds(core, c));
    }
    CustomerState none = core.newCustomer(STORE, "cust_none", null);
    core.loadMemberships(none, null);
    assertEquals("", memberIds(core, none));
    CustomerState empty = core.newCustomer(STORE, "cust_empty", null);
    core.loadMemberships(empty, arraySend(0, 0, 23, 4));
    assertEquals("", memberIds(core, empty), "an empty array");
    byte[] good = stored(ids.get(0), ids.get(1));
    for (byte[] bad : List.of(arraySend(2, 0, 23, 4, num(ids.get(0))), arraySend(1, 1, 23, 4, num(ids.get(0))),
        arraySend(1, 0, 20, 4, num(ids.get(0))), arraySend(1, 0, 23, 8, num(ids.get(0))),
        java.util.Arrays.copyOf(good, good.length - 1), java.util.Arrays.copyOf(good, 8))) {
      CustomerState c = core.newCustomer(STORE, "cust_bad", null);
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> core.loadMemberships(c, bad));
      assertTrue(e.getMessage().contains("cust_bad"), e.getMessage());
    }
  }

  @Test
  void stored_memberships_find_their_segments_whether_the_stores_numbers_are_dense_or_sparse() {
    // numbers 50,000-50,299 one after another (segments created together), with two gone in between
    int first = 50_000;
    for (int n = first; n < first + 300; n++) {
      if (n != first + 10 && n != first + 11) {
        core.install(segmentNumbered("seg_n" + n, n));
      }
    }
    int[] asked = {first - 1, first, first + 10, first + 150, first + 299, first + 300, Integer.MIN_VALUE, -first,
        Integer.MAX_VALUE};
    CustomerState c = core.newCustomer(STORE, "cust_dense", null);
    core.loadMemberships(c, arraySend(1, 0, 23, 4, asked));
    assertEquals("50000,50150,50299", core.memberNums(c), "only the numbers of installed segments");
    assertTrue(c.membershipsDirty, "the others leave the stored list");

    // one segment far away: the numbers are sparse now, and every one is still found
    core.install(segmentNumbered("seg_far", 2_000_000_000));
    core.uninstall(STORE, "seg_n50150");
    CustomerState d = core.newCustomer(STORE, "cust_sparse", null);
    core.loadMemberships(d, arraySend(1, 0, 23, 4, first, first + 150, first + 299, 2_000_000_000, 2_000_000_001,
        first + 10));
    assertEquals("50000,50299,2000000000", core.memberNums(d));

    // and dense again once it is gone
    core.uninstall(STORE, "seg_far");
    core.install(segmentNumbered("seg_n50010", first + 10));
    CustomerState e = core.newCustomer(STORE, "cust_dense_again", null);
    core.loadMemberships(e, arraySend(1, 0, 23, 4, first + 10, first + 11, 2_000_000_000, first + 299));
    assertEquals("50010,50299", core.memberNums(e));
  }

  @Test
  void stored_memberships_packed_load_as_the_same_numbers_as_array_send_does() {
    int first = 50_000;
    for (int n = first; n < first + 300; n += 3) {
      core.install(segmentNumbered("seg_p" + n, n));
    }
    core.install(segmentNumbered("seg_far", 2_000_000_000));
    core.install(segmentNumbered("seg_low", -7));
    int[][] lists = {{}, {first}, {first, first + 3, first + 297}, {first + 297, first, first + 3},
        {first - 1, first, first + 1, first + 150, first + 299, first + 300, Integer.MIN_VALUE, -first, -7,
            Integer.MAX_VALUE, 2_000_000_000}};
    for (int[] nums : lists) {
      CustomerState bySend = core.newCustomer(STORE, "cust_send", null);
      core.loadMemberships(bySend, null, arraySend(1, 0, 23, 4, nums));
      CustomerState packed = core.newCustomer(STORE, "cust_packed", null);
      core.loadMemberships(packed, EvaluationStore.packNums(nums), arraySend(1, 0, 23, 4, 1, 2, 3)); // the packed win
      assertEquals(core.memberNums(bySend), core.memberNums(packed), java.util.Arrays.toString(nums));
      assertEquals(bySend.membershipsDirty, packed.membershipsDirty, java.util.Arrays.toString(nums));
    }
    assertEquals("-7,50000,50297,2000000000", core.memberNums(loadedPacked(-7, first, first + 297, 2_000_000_000)));
    assertEquals("", core.memberNums(loadedPacked()), "none");
    // a number's varint cut short (the high bit set on the last byte), or longer than 32 bits
    for (byte[] bad : List.of(new byte[] {(byte) 0x80}, new byte[] {5, (byte) 0xFF},
        new byte[] {(byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, 1})) {
      CustomerState c = core.newCustomer(STORE, "cust_bad", null);
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> core.loadMemberships(c, bad, null));
      assertTrue(e.getMessage().contains("cust_bad"), e.getMessage());
    }
  }

  private CustomerState loadedPacked(int... nums) {
    CustomerState c = core.newCustomer(STORE, "cust_p", null);
    core.loadMemberships(c, EvaluationStore.packNums(nums), null);
    return c;
  }

  private static SegmentDefinition segmentNumbered(String id, int num) {
    return new SegmentDefinition(STORE, id, num, "Segment " + id, SegmentDefinition.PASSIVE, rule("total_orders", "gte", 1),
        new JsonObject(), 0, "synced", 1, null, null, SegmentDefinition.CREATED, null, false, null, null,
        StorefrontFields.NONE);
  }

  @Test
  void an_event_changing_no_field_a_segment_reads_does_not_re_test_it() {
    core.install(segment("seg_vip", SegmentDefinition.DYNAMIC, rule("total_orders", "gte", 1)));
    CustomerState c = customer("cust_1");
    // memberships as loaded at start may disagree with the rule: only a re-test would notice
    core.loadMemberships(c, stored("seg_vip"));

    deliver(event("cust_1", "page.viewed", new JsonObject().put("url", "/"), t0), t0);
    assertTrue(core.takePending().transitions().isEmpty(), "a page view changes no order field");
    assertTrue(core.isMember(STORE, "seg_vip", "cust_1"));

    core.evaluateAll(c, t0, "profile");
    PartitionCore.Pending p = core.takePending();
    assertEquals(1, p.transitions().size(), "a full re-test corrects it");
    assertFalse(p.transitions().get(0).entered());
    assertEquals("profile", p.transitions().get(0).cause());
  }

  @Test
  void a_time_relative_rule_flips_when_its_instant_comes_without_an_event() {
    core.install(segment("seg_recent", SegmentDefinition.DYNAMIC, rule("last_order_at", "after", "4_seconds_ago")));
    customer("cust_1");
    Instant now = Instant.now();

    deliver(order("cust_1", "o1", 10, now), now);
    assertTrue(core.takePending().transitions().get(0).entered());
    long due = core.nextCheckAt();
    assertTrue(due > now.toEpochMilli() && due <= now.plusSeconds(5).toEpochMilli(), "due about 4 s later: " + due);
    assertEquals(List.of(due), scheduled, "the owner was told when to wake up");

    assertEquals(0, core.runDueChecks(due - 1), "nothing is due before its instant");
    assertEquals(1, core.runDueChecks(due));
    PartitionCore.Pending p = core.takePending();
    assertEquals(1, p.transitions().size());
    assertFalse(p.transitions().get(0).entered());
    assertEquals("time", p.transitions().get(0).cause());
    assertEquals(Long.MAX_VALUE, core.nextCheckAt(), "nothing more to flip");
  }

  @Test
  void a_time_check_re_tests_only_the_segments_whose_condition_flipped_and_flips_them_at_its_instant() {
    core.install(segment("seg_30", SegmentDefinition.DYNAMIC, rule("last_order_at", "before", "30_days_ago")));
    core.install(segment("seg_30_big", SegmentDefinition.DYNAMIC, new JsonArray()
        .add(new JsonObject().put("field", "total_spent").put("operator", "gte").put("value", 100))
        .add(new JsonObject().put("field", "last_order_at").put("operator", "before").put("value", "30_days_ago"))));
    core.install(segment("seg_60", SegmentDefinition.DYNAMIC, rule("last_order_at", "before", "60_days_ago")));
    core.install(segment("seg_recent", SegmentDefinition.DYNAMIC, rule("last_order_at", "within_last", "90_days")));
    core.install(segment("seg_spend", SegmentDefinition.DYNAMIC, rule("total_spent", "gte", 100)));
    customer("cust_1");
    deliver(order("cust_1", "o1", 150, t0), t0);
    assertEquals(List.of("seg_recent", "seg_spend"), entered(core.takePending()));
    long day = 86_400_000L;
    // "before 30 days ago" turns true one nanosecond after t0 + 30 days: its check is the millisecond after
    long due30 = t0.toEpochMilli() + 30 * day + 1;
    assertEquals(due30, core.nextCheckAt());

    assertEquals(0, core.runDueChecks(due30 - 1), "nothing is due before its instant");
    assertEquals(1, core.runDueChecks(due30));
    assertEquals(List.of("seg_30", "seg_30_big"), entered(core.takePending()));
    assertEquals(2, core.timeCheckRetests(), "only the two segments of the condition that flipped; not seg_60 "
        + "nor seg_recent, whose conditions flip later, nor seg_spend, which time cannot change");
    assertEquals(t0.toEpochMilli() + 60 * day + 1, core.nextCheckAt(), "next: the next condition's flip");

    assertEquals(1, core.runDueChecks(core.nextCheckAt()));
    assertEquals(List.of("seg_60"), entered(core.takePending()));
    assertEquals(3, core.timeCheckRetests());
    // "within the last 90 days" holds up to t0 + 90 days, and turns false one nanosecond after
    long due90 = t0.toEpochMilli() + 90 * day + 1;
    assertEquals(due90, core.nextCheckAt());
    assertEquals(1, core.runDueChecks(due90));
    PartitionCore.Pending p = core.takePending();
    assertEquals(List.of("seg_recent:false:time"),
        p.transitions().stream().map(t -> t.segmentId() + ":" + t.entered() + ":" + t.cause()).toList());
    assertEquals(4, core.timeCheckRetests());
    assertEquals(Long.MAX_VALUE, core.nextCheckAt(), "nothing more can flip");
  }

  @Test
  void an_overdue_time_check_leaves_alone_what_a_sync_decided_after_it_came_due_and_flips_the_rest() {
    core.install(segment("seg_30", SegmentDefinition.DYNAMIC, rule("last_order_at", "before", "30_days_ago")));
    core.install(segment("seg_year", SegmentDefinition.DYNAMIC, rule("last_order_at", "within_last", "365_days")));
    customer("cust_1");
    deliver(order("cust_1", "o1", 150, t0), t0);
    assertEquals(List.of("seg_year"), entered(core.takePending()));
    // the partition was down from before the check's instant until t0 + 50 days
    Instant start = t0.plus(java.time.Duration.ofDays(50));
    assertEquals(1, core.takeOverdue(start.toEpochMilli()));
    // while the check waits for the server to answer, two new segments are synced, as of a later instant
    Instant synced = start.plusSeconds(5);
    core.backfill(core.install(segment("seg_45", SegmentDefinition.DYNAMIC, rule("last_order_at", "before", "45_days_ago"))),
        synced, false);
    core.backfill(core.install(segment("seg_90", SegmentDefinition.DYNAMIC, rule("last_order_at", "before", "90_days_ago"))),
        synced, false);
    assertTrue(core.takePending().transitions().isEmpty(), "a first sync is silent");
    assertTrue(core.isMember(STORE, "seg_45", "cust_1"));

    assertFalse(core.runOverdueChecks(synced.plusSeconds(1).toEpochMilli(), 1_000));
    assertEquals(List.of("seg_30"), entered(core.takePending()), "the flip that was due, once; the synced ones kept");
    assertTrue(core.isMember(STORE, "seg_45", "cust_1"));
    assertFalse(core.isMember(STORE, "seg_90", "cust_1"));
    assertTrue(core.isMember(STORE, "seg_year", "cust_1"));
    assertEquals(t0.toEpochMilli() + 90 * 86_400_000L + 1, core.nextCheckAt(), "next: seg_90's instant");
  }

  /** The segments entered in a batch, in order, each caused by time or by an event. */
  private static List<String> entered(PartitionCore.Pending p) {
    assertTrue(p.transitions().stream().allMatch(t -> t.entered()), "only enters: " + p.transitions());
    return p.transitions().stream().map(t -> t.segmentId()).sorted().toList();
  }

  @Test
  void time_checks_overdue_at_a_start_run_after_it_while_those_coming_due_later_run_on_time() {
    core.install(segment("seg_recent", SegmentDefinition.DYNAMIC, rule("last_order_at", "after", "4_seconds_ago")));
    Instant now = Instant.now();
    for (String id : List.of("cust_a", "cust_b", "cust_c", "cust_d")) {
      customer(id);
      deliver(order(id, "o_" + id, 10, now), now);
    }
    customer("cust_late");
    deliver(order("cust_late", "o_late", 10, now.plusSeconds(30)), now.plusSeconds(30));
    assertEquals(5, core.takePending().transitions().size(), "all five entered");
    Instant start = now.plusSeconds(10); // the four closed while the partition was down

    assertEquals(4, core.takeOverdue(start.toEpochMilli()));
    assertTrue(core.nextCheckAt() > start.plusSeconds(20).toEpochMilli(), "only the check still ahead stays queued");
    assertEquals(0, core.runDueChecks(start.toEpochMilli()), "the timer finds nothing due at the start");

    // an event for an overdue customer catches its check up first, as before
    deliver(event("cust_a", "page.viewed", new JsonObject().put("url", "/"), start), start);
    // a deleted one is passed over
    core.forget(core.customer(STORE, "cust_b"), false, start);
    PartitionCore.Pending meanwhile = core.takePending();
    assertEquals(List.of("cust_a:time", "cust_b:customer_deleted"),
        meanwhile.transitions().stream().map(t -> t.customerId() + ":" + t.cause()).sorted().toList());

    // the check coming due after the start runs from the queue on time, the overdue ones still waiting
    long due = core.nextCheckAt();
    assertEquals(1, core.runDueChecks(due));
    assertEquals(List.of("cust_late:time"),
        core.takePending().transitions().stream().map(t -> t.customerId() + ":" + t.cause()).toList());

    // then the overdue ones that are left, a slice at a time, each once
    Instant later = Instant.ofEpochMilli(due + 1);
    assertTrue(core.runOverdueChecks(later.toEpochMilli(), 1), "one of two in the first slice");
    assertFalse(core.runOverdueChecks(later.toEpochMilli(), 1));
    PartitionCore.Pending p = core.takePending();
    assertEquals(List.of("cust_c:time", "cust_d:time"),
        p.transitions().stream().map(t -> t.customerId() + ":" + t.cause()).sorted().toList());
    assertTrue(p.transitions().stream().noneMatch(t -> t.entered()));
    assertFalse(core.runOverdueChecks(later.toEpochMilli(), 1_000));
    assertTrue(core.takePending().transitions().isEmpty(), "none runs twice");
    assertEquals(Long.MAX_VALUE, core.nextCheckAt(), "nothing more to flip");
  }

  @Test
  void the_checkpoint_stays_below_an_event_still_waiting_for_its_customer() {
    customer("cust_1");
    LoggedEvent waiting = order("cust_2", "o1", 10, t0); // cust_2 is being loaded
    assertTrue(core.accept(waiting));
    deliver(order("cust_1", "o2", 10, t0), t0);
    assertEquals(waiting.seq() - 1, core.takePending().checkpoint());

    core.skip(waiting); // its customer turned out deleted
    assertEquals(2, core.takePending().checkpoint());
    assertFalse(core.accept(waiting), "an event at or below the applied position is not taken twice");
  }

  @Test
  void an_event_the_stored_state_already_holds_is_not_applied_again() {
    core.install(segment("seg_two", SegmentDefinition.DYNAMIC, rule("total_orders", "gte", 2)));
    CustomerState c = customer("cust_1");
    LoggedEvent first = order("cust_1", "o1", 10, t0);
    deliver(first, t0);
    core.takePending();
    // a replay after a crash offers it again, from a checkpoint below it
    PartitionCore replayed = new PartitionCore(0, 1, null, at -> { });
    CustomerState copy = replayed.newCustomer(STORE, "cust_1", c.toBytes());
    replayed.adoptLoaded(copy, false);
    replayed.install(segment("seg_two", SegmentDefinition.DYNAMIC, rule("total_orders", "gte", 2)));
    assertTrue(replayed.accept(first));
    replayed.apply(first, copy, false, t0);
    assertEquals(1L, copy.value("total_orders"));
    assertTrue(replayed.takePending().transitions().isEmpty());
  }

  @Test
  void a_due_time_flip_is_not_lost_when_an_event_of_other_fields_comes_before_the_timer() {
    core.install(segment("seg_recent", SegmentDefinition.DYNAMIC, rule("last_order_at", "after", "4_seconds_ago")));
    customer("cust_1");
    deliver(order("cust_1", "o1", 10, t0), t0);
    assertTrue(core.takePending().transitions().get(0).entered());
    long due = core.nextCheckAt();
    assertTrue(due > t0.plusSeconds(4).toEpochMilli() - 1 && due <= t0.plusSeconds(4).toEpochMilli() + 1, "due: " + due);

    // the timer is late: a page view (fields no segment reads) arrives after the instant first
    Instant late = t0.plusSeconds(5);
    deliver(event("cust_1", "page.viewed", new JsonObject().put("url", "/"), late), late);
    List<EvaluationStore.Transition> flips = core.takePending().transitions();
    assertEquals(1, flips.size(), "left at the event, not at some later one");
    assertFalse(flips.get(0).entered());
    assertEquals("time", flips.get(0).cause());
    assertEquals(null, flips.get(0).eventId());
    assertFalse(core.isMember(STORE, "seg_recent", "cust_1"));
    assertEquals(0, core.runDueChecks(late.toEpochMilli()), "the timer finds nothing left to do");
  }

  @Test
  void a_customer_loaded_since_start_keeps_its_stored_time_check() {
    core.install(segment("seg_recent", SegmentDefinition.DYNAMIC, rule("last_order_at", "after", "4_seconds_ago")));
    CustomerState c = customer("cust_1");
    deliver(order("cust_1", "o1", 10, t0), t0);
    core.takePending();

    // after a restart the customer is loaded on its first message, with the same instant stored
    PartitionCore later = new PartitionCore(0, 1, null, at -> { });
    CustomerState copy = later.newCustomer(STORE, "cust_1", c.toBytes());
    later.install(segment("seg_recent", SegmentDefinition.DYNAMIC, rule("last_order_at", "after", "4_seconds_ago")));
    later.adoptFresh(copy);
    later.loadMemberships(copy, stored("seg_recent"));
    later.evaluateAll(copy, t0.plusSeconds(1), "profile");
    later.takePending();
    assertEquals(copy.nextCheckAt, later.nextCheckAt(), "still queued");
    assertTrue(copy.nextCheckAt <= t0.plusSeconds(4).toEpochMilli() + 1);
    assertEquals(1, later.runDueChecks(t0.plusSeconds(5).toEpochMilli()));
    assertFalse(later.takePending().transitions().get(0).entered());
  }

  @Test
  void customers_re_tested_after_the_replay_are_evaluated_a_slice_at_a_time_and_decide_as_one_pass() {
    for (int i = 0; i < 10; i++) {
      CustomerState c = core.newCustomer(STORE, "cust_" + i, null);
      core.adoptLoaded(c, true); // its profile changed while Shoal was down
      deliver(order("cust_" + i, "o" + i, 10 * i, t0), t0);
    }
    core.takePending();
    core.install(segment("seg_big", SegmentDefinition.DYNAMIC, rule("total_spent", "gte", 45)));

    List<Integer> pendingPerSlice = new ArrayList<>();
    int calls = 0;
    boolean more = true;
    while (more) {
      more = core.evaluateLoaded(t0, 4);
      calls++;
      PartitionCore.Pending p = core.takePending();
      pendingPerSlice.add((int) p.dirty().keySet().stream().filter(c -> c.membershipsDirty).count());
      assertTrue(p.transitions().size() <= 4, "one slice's transitions: " + p.transitions().size());
    }
    assertEquals(3, calls, "10 customers, 4 per slice");
    assertEquals(5, pendingPerSlice.stream().mapToInt(Integer::intValue).sum(), "cust_5..9 entered, each once");
    for (int i = 0; i < 10; i++) {
      assertEquals(i >= 5, core.isMember(STORE, "seg_big", "cust_" + i), "cust_" + i);
    }
    assertFalse(core.evaluateLoaded(t0, 4), "nothing is left to re-test");
    assertTrue(core.takePending().transitions().isEmpty());
  }

  @Test
  void a_backfill_in_slices_decides_as_one_pass_skips_customers_gone_and_stops_when_the_segment_is_replaced() {
    for (int i = 0; i < 10; i++) {
      customer("cust_" + i);
      deliver(order("cust_" + i, "o" + i, 10 * i, t0), t0);
    }
    core.takePending();
    LiveSegment s = core.install(segment("seg_big", SegmentDefinition.DYNAMIC, rule("total_spent", "gte", 45)));
    List<CustomerState> all = core.customersOf(STORE);
    core.forget(core.customer(STORE, "cust_9"), false, t0); // deleted after the backfill took its list
    core.takePending();
    assertTrue(core.backfill(s, all, 0, 4, t0, false));
    assertTrue(core.backfill(s, all, 4, 10, t0, false));
    for (int i = 0; i < 9; i++) {
      assertEquals(i >= 5, core.isMember(STORE, "seg_big", "cust_" + i), "cust_" + i);
    }
    PartitionCore.Pending p = core.takePending();
    assertTrue(p.transitions().isEmpty(), "cust_5..8 entered silently");
    assertEquals(4, p.countDeltas().get(new PartitionCore.SegmentKey(STORE, "seg_big"))[0]);
    assertEquals(4, p.dirty().keySet().stream().filter(c -> c.membershipsDirty).count(), "cust_5..8's lists");

    LiveSegment edited = core.install(segment("seg_big", SegmentDefinition.DYNAMIC, rule("total_spent", "gte", 75)));
    assertFalse(core.backfill(s, all, 0, 10, t0, true), "the older version's backfill stops");
    assertTrue(core.takePending().transitions().isEmpty());
    assertTrue(core.backfill(edited, all, 0, 10, t0, true));
    assertEquals(3, core.takePending().transitions().size(), "cust_5..7 left with the edit");
  }

  @Test
  void a_backfill_counts_the_same_funnel_as_a_preview_in_its_own_pass() {
    for (int i = 0; i < 12; i++) {
      customer("cust_" + i);
      deliver(order("cust_" + i, "o" + i, 10 * i, t0), t0);
      if (i % 3 == 0) {
        deliver(order("cust_" + i, "p" + i, 5, t0), t0);
      }
    }
    core.takePending();
    JsonArray rules = rule("total_spent", "gte", 30).add(new JsonObject().put("field", "total_orders")
        .put("operator", "gte").put("value", 2)).add(new JsonObject().put("field", "total_spent")
        .put("operator", "lt").put("value", 100));
    LiveSegment s = core.install(segment("seg_funnel", SegmentDefinition.DYNAMIC, rules));
    List<CustomerState> all = core.customersOf(STORE);
    long[] funnel = new long[4];
    assertTrue(core.backfill(s, all, 0, 5, t0, false, funnel));
    assertTrue(core.backfill(s, all, 5, all.size(), t0, false, funnel));

    long[] preview = core.preview(STORE, rules, t0, null);
    // spent 10i (+5 for i % 3 == 0): >= 30 are i >= 3 (9), two orders i = 3, 6, 9 (3), below 100 i = 3, 6, 9 (3)
    assertEquals(List.of(12L, 9L, 3L, 3L), List.of(funnel[0], funnel[1], funnel[2], funnel[3]));
    assertEquals(List.of(preview[0], preview[1], preview[2], preview[3]),
        List.of(funnel[0], funnel[1], funnel[2], funnel[3]));
    long members = all.stream().filter(c -> core.isMember(STORE, "seg_funnel", c.customerId)).count();
    assertEquals(funnel[3], members, "who passed every step is who is in the segment");
  }

  @Test
  void a_new_segment_backfills_silently_and_an_edit_records_each_real_change() {
    CustomerState a = customer("cust_a");
    customer("cust_b");
    deliver(order("cust_a", "o1", 150, t0), t0);
    core.takePending();

    LiveSegment s = core.install(segment("seg_big", SegmentDefinition.DYNAMIC, rule("total_spent", "gte", 100)));
    core.backfill(s, t0, false);
    PartitionCore.Pending created = core.takePending();
    assertTrue(created.transitions().isEmpty(), "nobody entered anything a store could have seen");
    assertEquals(1, created.countDeltas().get(new PartitionCore.SegmentKey(STORE, "seg_big"))[0]);
    assertTrue(created.dirty().containsKey(a), "the member's stored list gains the segment");
    assertEquals("seg_big", memberIds(core, a));

    LiveSegment edited = core.install(segment("seg_big", SegmentDefinition.DYNAMIC, rule("total_spent", "gte", 200)));
    core.backfill(edited, t0, true);
    PartitionCore.Pending p = core.takePending();
    assertEquals(1, p.transitions().size());
    assertTrue(p.transitions().get(0).record());
    assertEquals("segment_updated", p.transitions().get(0).cause());
    assertFalse(core.isMember(STORE, "seg_big", a.customerId));
  }

  @Test
  void static_and_draft_segments_are_not_live() {
    assertFalse(PartitionCore.isLive(segment("seg_s", SegmentDefinition.STATIC, new JsonArray())));
    assertTrue(PartitionCore.isLive(segment("seg_d", SegmentDefinition.DYNAMIC, new JsonArray())));
    assertTrue(PartitionCore.isLive(segment("seg_p", SegmentDefinition.PASSIVE, new JsonArray())));
    assertFalse(PartitionCore.isLive(null));
    SegmentDefinition d = segment("seg_draft", SegmentDefinition.DYNAMIC, new JsonArray());
    assertFalse(PartitionCore.isLive(new SegmentDefinition(d.storeId(), d.id(), d.num(), d.name(), d.type(), d.rules(),
        d.metadata(), 0, "synced", 1, null, null, SegmentDefinition.DRAFT, null, false, null, null, StorefrontFields.NONE)), "a draft");
  }

  @Test
  void a_batch_that_failed_goes_back_in_front_of_what_gathered_meanwhile() {
    core.install(segment("seg_any", SegmentDefinition.DYNAMIC, rule("total_orders", "gte", 1)));
    customer("cust_1");
    customer("cust_2");
    deliver(order("cust_1", "o1", 10, t0), t0);
    PartitionCore.Pending failed = core.takePending();
    deliver(order("cust_2", "o2", 10, t0), t0);
    core.putBack(failed);

    PartitionCore.Pending retry = core.takePending();
    assertEquals(List.of("cust_1", "cust_2"), retry.transitions().stream().map(EvaluationStore.Transition::customerId).toList());
    assertEquals(2, retry.countDeltas().get(new PartitionCore.SegmentKey(STORE, "seg_any"))[0]);
    assertEquals(2, retry.dirty().size());
    assertEquals(2, retry.checkpoint());
  }

  @Test
  void a_forgotten_customer_leaves_its_segments_and_erasure_announces_no_profile() {
    core.install(segment("seg_any", SegmentDefinition.DYNAMIC, rule("total_orders", "gte", 1)));
    CustomerState c = customer("cust_1");
    deliver(order("cust_1", "o1", 10, t0), t0);
    core.takePending();

    core.markErased(STORE, "cust_1");
    core.forget(c, true, t0);
    PartitionCore.Pending p = core.takePending();
    assertEquals(1, p.transitions().size());
    assertEquals("customer_erased", p.transitions().get(0).cause());
    assertEquals(null, p.transitions().get(0).customer());
    assertTrue(p.dirty().isEmpty(), "an erased customer's state is not written back");
    assertEquals(null, core.customer(STORE, "cust_1"));
    assertTrue(core.isErased(STORE, "cust_1"));
  }

  @Test
  void the_recount_holds_the_memberships_loaded_at_start_and_later_loads_count_as_deltas() {
    core.install(segment("seg_rca", SegmentDefinition.DYNAMIC, rule("total_spent", "gte", 100)));
    core.install(segment("seg_rcb", SegmentDefinition.DYNAMIC, rule("total_spent", "gte", 1000)));
    core.install(segment("seg_rcc", SegmentDefinition.DYNAMIC, rule("total_spent", "gte", 5000)));
    for (String[] loaded : new String[][] {{"cust_1", "seg_rca", "seg_rcb"}, {"cust_2", "seg_rca"}, {"cust_3"}}) {
      CustomerState c = core.newCustomer(STORE, loaded[0], null);
      core.loadMemberships(c, stored(java.util.Arrays.copyOfRange(loaded, 1, loaded.length)));
      core.adoptLoaded(c, false);
    }
    java.util.Map<String, Long> recount = new java.util.TreeMap<>();
    core.takeRecount().forEach(t -> recount.put(t.getString(1), t.getLong(2)));
    assertEquals(java.util.Map.of("seg_rca", 2L, "seg_rcb", 1L), recount, "segments without members have no row");
    assertFalse(core.hasCounts(), "the recount is no delta");

    // a customer loaded later (not in memory at start): its stored memberships were not recounted
    CustomerState later = core.newCustomer(STORE, "cust_4", null);
    core.loadMemberships(later, stored("seg_rcb", "seg_rcc"));
    core.adoptFresh(later);
    assertTrue(core.hasCounts());
    java.util.Map<String, Long> deltas = new java.util.TreeMap<>();
    core.takePending().countDeltas().forEach((k, v) -> deltas.put(k.segmentId(), v[0]));
    assertEquals(java.util.Map.of("seg_rcb", 1L, "seg_rcc", 1L), deltas);
  }

  @Test
  void count_deltas_left_in_the_core_are_summed_with_later_ones_and_dropped_with_their_segment() {
    core.install(segment("seg_sum", SegmentDefinition.DYNAMIC, rule("total_orders", "gte", 1)));
    core.install(segment("seg_drop", SegmentDefinition.DYNAMIC, rule("total_orders", "gte", 1)));
    customer("cust_1");
    customer("cust_2");
    deliver(order("cust_1", "o1", 10, t0), t0);
    PartitionCore.Pending first = core.takePending(false);
    assertEquals(2, first.transitions().size());
    assertTrue(first.countDeltas().isEmpty(), "left for a later batch");
    assertFalse(core.hasWork());
    assertTrue(core.hasCounts());

    deliver(order("cust_2", "o2", 10, t0), t0);
    core.uninstall(STORE, "seg_drop"); // its rows go with it (SegmentRepository): its deltas too
    PartitionCore.Pending second = core.takePending(true);
    assertEquals(java.util.Map.of(new PartitionCore.SegmentKey(STORE, "seg_sum"), 2L),
        second.countDeltas().entrySet().stream().collect(java.util.stream.Collectors.toMap(
            java.util.Map.Entry::getKey, e -> e.getValue()[0])));
    assertFalse(core.hasCounts());
  }
}
