package io.shoal.segment.eval;

import io.shoal.event.LoggedEvent;
import io.shoal.kernel.Ids;
import io.shoal.kernel.Wire;
import io.shoal.metrics.PurchaseLog;
import io.shoal.metrics.RepeatHistory;
import io.shoal.metrics.live.LiveMetrics;
import io.shoal.metrics.live.PartitionHistories;
import io.shoal.outbox.NotificationLog;
import io.shoal.segment.SegmentDefinition;
import io.shoal.segment.rule.CompiledRule;
import io.shoal.segment.rule.Explanation;
import io.shoal.segment.rule.RuleCompiler;
import io.shoal.segment.rule.RuleException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Tuple;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.function.LongConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The decisions of one evaluator partition, in plain Java: no event loop, no database. It holds
 * the partition's customers and segments, applies events and time transitions to customer
 * state, decides who enters and leaves, and gathers what must be written as a {@link Pending}
 * batch for {@link BatchWriter}:
 *
 * <pre>
 *   event (seq order) --> CustomerState.apply --> changed fields
 *       --> segments reading those fields (StoreRuntime's field index) --> rule.test --> enter / leave
 *       --> next instant a time-relative rule may flip --> time queue (checkScheduled callback)
 *   runDueChecks(now) --> re-test the store's time-dependent segments --> enter / leave
 *   takePending() --> dirty states, transitions, member count deltas, checkpoint
 * </pre>
 *
 * {@link SegmentEvaluatorVerticle} feeds it (loading customers from the database when needed,
 * arming timers, answering control messages); unit tests drive it directly.
 */
final class PartitionCore {

  private static final Logger LOG = LoggerFactory.getLogger(PartitionCore.class);

  /**
   * Time-check re-tests per call of {@link #runDueChecks}: other work interleaves between calls.
   * Each re-tests every time-dependent segment of the customer's store; at 1,000 segments 10,000
   * checks (the checks that came due while a server was down, right after its start) held the
   * loop for seconds, and with it the verticles sharing the loop (bench/engine, eighth pass).
   */
  static final int DUE_CHECKS_PER_TURN = 1_000;

  private final int partition;
  private final int partitions;
  private final LiveMetrics metrics;
  private final LongConsumer checkScheduled;

  private final Map<String, StoreRuntime> stores = new HashMap<>();
  private final Map<String, Integer> slots = new HashMap<>();
  private long segmentChanges;
  private final BitSet usedSlots = new BitSet();
  private long appliedSeq;
  /** Events received but waiting for their customer to load: the checkpoint must stay below them. */
  private final TreeSet<Long> deferred = new TreeSet<>();
  private long stamp;
  /** Scratch: the answers of an event's conditions before it was applied. */
  private boolean[] before = new boolean[64];

  /**
   * Customers whose data is being erased (store/customer): never loaded again by this partition,
   * so an event or profile change racing with the erasure cannot bring their state back. After a
   * restart the set is empty, and the erased rows are gone from the database.
   */
  private final Set<String> erased = new HashSet<>();

  /** Customers loaded at start whose stored evaluation is missing or older than their profile. */
  private final List<CustomerState> afterLoad = new ArrayList<>();

  /**
   * The customers with a time check ahead, a binary heap on {@code nextCheckAt}. Each knows its
   * place ({@link CustomerState#checkSlot}, -1 when not queued), so a customer rescheduled moves
   * in place: a queue of (instant, customer) entries kept one stale entry per reschedule until
   * its instant came (56,000 entries for 30,000 customers in bench/engine, 45 bytes a customer).
   */
  private CustomerState[] checkHeap = new CustomerState[64];
  private int checkCount;
  /** The segments time checks re-tested, all told ({@link #timeCheck}). */
  private long timeRetests;

  // the batch being gathered
  private Map<CustomerState, Boolean> dirty = new IdentityHashMap<>();
  /**
   * The batch being gathered, by number: a customer marked dirty in it carries the number
   * ({@link CustomerState#dirtyIn}), so marking it again (per flip, per schedule) costs no map put.
   */
  private long batch = 1;
  private List<EvaluationStore.Transition> transitions = new ArrayList<>();
  private Map<SegmentKey, long[]> countDeltas = new HashMap<>();
  /**
   * The segments whose member count changed in this batch, each with its delta in
   * {@link LiveSegment#countDelta}: a flip adds to its segment's own counter, where a map lookup
   * per flip (a key built and hashed) was a tenth of the evaluator's time; {@link #takePending}
   * moves them into {@link #countDeltas}.
   */
  private final List<LiveSegment> counted = new ArrayList<>();
  /**
   * Members per slot of the customers loaded at start ({@link #loadMemberships}), until
   * {@link #takeRecount} hands them over; null after. Memberships loaded later (a customer not in
   * memory) count as deltas.
   */
  private int[] loadedMembers = new int[64];

  /** A segment of a store, as a map key (its strings' hashes are cached, unlike a concatenation made per flip). */
  record SegmentKey(String storeId, String segmentId) {}

  /**
   * @param checkScheduled told the instant of every time check added, so the owner can arm a
   *     timer when it is earlier than the one armed
   */
  PartitionCore(int partition, int partitions, LiveMetrics metrics, LongConsumer checkScheduled) {
    this.partition = partition;
    this.partitions = partitions;
    this.metrics = metrics;
    this.checkScheduled = checkScheduled;
  }

  static int partitionOf(String storeId, String customerId, int partitions) {
    return io.shoal.kernel.CustomerPartitions.of(storeId, customerId, partitions);
  }

  boolean mine(String storeId, String customerId) {
    return partitionOf(storeId, customerId, partitions) == partition;
  }

  int partition() {
    return partition;
  }

  LiveMetrics metrics() {
    return metrics;
  }

  long appliedSeq() {
    return appliedSeq;
  }

  void startAt(long checkpoint) {
    appliedSeq = checkpoint;
  }

  int customerCount() {
    return stores.values().stream().mapToInt(rt -> rt.customers.size()).sum();
  }

  /** The customers of one store in this partition. */
  int customerCount(String storeId) {
    StoreRuntime rt = stores.get(storeId);
    return rt == null ? 0 : rt.customers.size();
  }

  // --- segments -------------------------------------------------------------------------------

  /**
   * Whether the engine evaluates this segment at all. The one place that says so: a segment
   * that is not live (static today; later also out of its validity window, paused or a draft)
   * is uninstalled, keeps no evaluated members here and records no transitions.
   */
  static boolean isLive(SegmentDefinition def) {
    return def != null && def.isEvaluated();
  }

  /** Compiles and installs (or replaces) a segment; null when its rules no longer compile. */
  LiveSegment install(SegmentDefinition def) {
    return install(def, d -> RuleCompiler.compile(d.rules()));
  }

  /**
   * The same, with its rules compiled by {@code compiler} (at start, {@link SharedCustomerScan#compiled}:
   * one compile of each segment for all the partitions starting together).
   */
  LiveSegment install(SegmentDefinition def, Function<SegmentDefinition, CompiledRule> compiler) {
    CompiledRule rule;
    try {
      rule = compiler.apply(def);
    } catch (RuleException e) {
      LOG.error("Segment {} of store {} has rules that no longer compile; it is not evaluated: {}",
          def.id(), def.storeId(), e.getMessage());
      return null;
    }
    StoreRuntime rt = store(def.storeId());
    LiveSegment old = rt.segments.get(def.id());
    int slot = old != null ? old.slot : slotFor(def.id());
    LiveSegment s = new LiveSegment(def, rule, slot);
    rt.put(s);
    segmentChanges++;
    return s;
  }

  /**
   * Counts the segments installed and removed: while it stays the same, every installed segment
   * is still {@link #isCurrent} (a backfill pass checks its syncs only when it moved).
   */
  long segmentChanges() {
    return segmentChanges;
  }

  void uninstall(String storeId, String segmentId) {
    StoreRuntime rt = stores.get(storeId);
    if (rt == null) {
      return;
    }
    LiveSegment removed = rt.remove(segmentId);
    if (removed != null) {
      segmentChanges++;
      // its count rows went with the segment or its type (SegmentRepository): deltas not yet
      // written must not land on the rows of a later evaluated life
      gatherCounts();
      countDeltas.remove(new SegmentKey(storeId, segmentId));
      for (CustomerState c : rt.customers.values()) {
        if (c.inSegment(removed.slot)) {
          // its stored memberships must lose the segment too (a segment made dynamic again later
          // must not find members it never evaluated)
          c.segment(removed.slot, false);
          c.membershipEdit(removed.num());
          membershipChanged(c);
        }
      }
      slots.remove(segmentId);
      usedSlots.clear(removed.slot);
    }
  }

  private int slotFor(String segmentId) {
    return slots.computeIfAbsent(segmentId, k -> {
      int free = usedSlots.nextClearBit(0);
      usedSlots.set(free);
      return free;
    });
  }

  /**
   * Brings a new or edited segment's members in line with its rules for this partition's
   * customers. The first sync of a new segment records no transitions (nobody "entered"
   * anything a store could have seen); an edit records exactly the real changes.
   */
  void backfill(LiveSegment s, Instant now, boolean edited) {
    if (s == null) {
      return;
    }
    List<CustomerState> all = customersOf(s.definition.storeId());
    backfill(s, all, 0, all.size(), now, edited);
  }

  /**
   * The same for customers {@code [from, to)} of {@code customers} (a list taken when the backfill
   * began, so the evaluator can run it in slices with other work between them). Customers gone
   * since are skipped. Answers false, doing nothing, when the segment was replaced or removed
   * meanwhile: the newer change runs its own backfill.
   */
  boolean backfill(LiveSegment s, List<CustomerState> customers, int from, int to, Instant now, boolean edited) {
    return backfill(s, customers, from, to, now, edited, null);
  }

  /**
   * The same, also counting the segment's funnel as {@link #preview} does (index 0 every customer
   * seen, index k those passing the first k top-level rules) into {@code funnel} when given: the
   * sync's own pass answers the funnel, so a new segment needs no second pass over the customers.
   */
  boolean backfill(LiveSegment s, List<CustomerState> customers, int from, int to, Instant now, boolean edited,
                   long[] funnel) {
    if (!isCurrent(s)) {
      return false;
    }
    backfill(List.of(new Backfill(s, edited, funnel)), customers, from, to, now);
    return true;
  }

  /**
   * One segment's part in a backfill pass: its live version, whether it was edited (an edit
   * records its real changes as transitions, a first sync is silent) and its funnel counts (or null).
   */
  record Backfill(LiveSegment segment, boolean edited, long[] funnel) {}

  /** Whether {@code s} is still the installed version of its segment (not replaced or removed since). */
  boolean isCurrent(LiveSegment s) {
    StoreRuntime rt = stores.get(s.definition.storeId());
    return rt != null && rt.segments.get(s.id()) == s;
  }

  /**
   * The same for several segments of one store at once ({@code syncs}, each {@link #isCurrent}):
   * each customer of {@code [from, to)} is read once for all of them, its derived facts (purchase
   * times, counts) computed once, and it joins the next write batch once however many of its
   * memberships changed. Creating many segments runs their first syncs in such shared passes.
   */
  void backfill(List<Backfill> syncs, List<CustomerState> customers, int from, int to, Instant now) {
    backfill(syncs, new PassRules(), customers, from, to, now);
  }

  /**
   * The same, with the pass's {@link PassRules}: a top-level rule that several of the segments
   * share is tested (and its next flip worked out) once per customer, not once per segment.
   */
  void backfill(List<Backfill> syncs, PassRules rules, List<CustomerState> customers, int from, int to, Instant now) {
    if (syncs.isEmpty()) {
      return;
    }
    StoreRuntime rt = store(syncs.get(0).segment().definition.storeId());
    int[][] steps = rules.stepsOf(syncs);
    for (int i = from; i < to; i++) {
      CustomerState c = customers.get(i);
      if (rt.customers.get(c.customerId) != c) {
        continue;
      }
      rules.begin();
      boolean changed = false;
      boolean recorded = false;
      for (int k = 0; k < steps.length; k++) {
        boolean one = backfillOne(syncs.get(k), steps[k], rules, c, now);
        changed |= one;
        recorded |= one && syncs.get(k).edited();
      }
      if (recorded) {
        membershipChanged(c); // an edit's flips: the whole row, as any recorded change
      } else if (changed) {
        // a first sync: only the numbers entered or left are written (a lean write), not the row
        c.membershipsDirty = true;
        markLean(c);
      }
      c.forgetDerived();
    }
  }

  /**
   * Tests one customer against one backfilled segment, made of the top-level rules {@code steps}
   * of {@code rules}; answers whether its membership changed.
   */
  private boolean backfillOne(Backfill b, int[] steps, PassRules rules, CustomerState c, Instant now) {
    LiveSegment s = b.segment();
    // the segment's rule is the conjunction of its top-level rules, tested in order
    int passed = 0;
    while (passed < steps.length && rules.test(steps[passed], c, now)) {
      passed++;
    }
    boolean in = passed == steps.length;
    long[] funnel = b.funnel();
    if (funnel != null) {
      for (int k = 0; k <= passed; k++) {
        funnel[k]++;
      }
    }
    boolean changed = in != c.inSegment(s.slot);
    if (changed) {
      c.segment(s.slot, in);
      c.membershipEdit(s.num());
      if (b.edited()) {
        change(c, s, in, "segment_updated", null, now);
      } else {
        // the first sync is silent: no transition, no notification; the list and the count change
        countDelta(s, in);
      }
    }
    if (s.timeDependent) {
      Instant flip = rules.nextFlip(steps, passed, c, now);
      if (flip != null && checkAt(flip) < c.nextCheckAt) {
        // kept in the state's bytes, written with the lean write (no whole row for it)
        scheduleLean(c, checkAt(flip));
      }
    }
    return changed;
  }

  // --- customers ------------------------------------------------------------------------------

  CustomerState customer(String storeId, String customerId) {
    StoreRuntime rt = stores.get(storeId);
    return rt == null ? null : rt.customers.get(customerId);
  }

  /**
   * The metrics as of {@code nowMs} of a customer that is not in memory, from its stored state,
   * without adopting it (nor counting it in the live metrics): a read such as an export must not
   * load a million members into the evaluator to learn their predicted value.
   */
  io.shoal.metrics.CustomerMetrics storedMetrics(String storeId, String customerId, Object storedState, long nowMs) {
    CustomerState c = new CustomerState(storeId, customerId, metrics);
    if (storedState instanceof byte[] b) {
      c.loadBytes(b);
    } else if (storedState instanceof JsonObject json) {
      c.loadJson(json);
    }
    return c.metricsAt(nowMs);
  }

  /**
   * A new state for a customer of this partition, counted in the live metrics; {@code storedState}
   * is what {@link EvaluationStore#storedState} read (bytes, JSON written before V22, or null).
   */
  CustomerState newCustomer(String storeId, String customerId, Object storedState) {
    // the store's own id string, not the row's: a million customers held a million copies of it
    CustomerState c = new CustomerState(store(storeId).storeId, customerId, metrics);
    if (storedState instanceof byte[] b) {
      c.loadBytes(b);
      c.rowStored = true;
    } else if (storedState instanceof JsonObject json) {
      c.loadJson(json);
      c.rowStored = true;
    }
    c.countInMetrics();
    return c;
  }

  /**
   * A customer made at start from its stored state's bytes, its behaviour part kept packed
   * ({@link CustomerState#loadPacked}); as {@link #newCustomer} otherwise.
   */
  CustomerState newPackedCustomer(String storeId, String customerId, byte[] storedState) {
    CustomerState c = new CustomerState(store(storeId).storeId, customerId, metrics);
    c.loadPacked(storedState);
    c.rowStored = true; // its row exists: a backfill may write it lean (without this, 88 % of a 1M sync went whole)
    c.countInMetrics();
    return c;
  }

  /**
   * Adopts a customer loaded at start. {@code evaluateAll} when its stored evaluation is missing
   * or older than its profile: every segment is re-tested after the replay ({@link #evaluateLoaded}).
   */
  void adoptLoaded(CustomerState c, boolean evaluateAll) {
    store(c.storeId).customers.put(c.customerId, c);
    adoptPut(c, evaluateAll);
  }

  /** {@link #adoptLoaded} of a customer already {@linkplain #putLoading put} among its store's customers. */
  void adoptPut(CustomerState c, boolean evaluateAll) {
    queueCheck(c);
    if (evaluateAll) {
      afterLoad.add(c);
    }
  }

  /**
   * A customer made from its state row at start put among its store's customers before its
   * profile is read ({@link StartLoad}), then {@linkplain #adoptPut adopted} once it is.
   */
  void putLoading(CustomerState c) {
    store(c.storeId).customers.put(c.customerId, c);
  }

  /** Drops the customers {@linkplain #putLoading put} at start whose profile never came; answers how many. */
  int dropLoadedWithoutProfile() {
    int n = 0;
    for (StoreRuntime rt : stores.values()) {
      var it = rt.customers.values().iterator();
      while (it.hasNext()) {
        CustomerState c = it.next();
        if (!c.profileRead()) {
          it.remove();
          unqueueCheck(c);
          c.uncountInMetrics();
          n++;
        }
      }
    }
    return n;
  }

  /** Whether a customer adopted at start is among those every segment is re-tested for after the replay. */
  boolean evaluatesAfterLoad(CustomerState c) {
    return afterLoad.contains(c);
  }

  /** Adopts a customer loaded since start (created meanwhile): it is tested against every segment first. */
  void adoptFresh(CustomerState c) {
    c.fresh = true;
    store(c.storeId).customers.put(c.customerId, c);
    if (c.nextCheckAt != Long.MAX_VALUE) {
      // its stored check stays queued even when the first evaluation finds the same instant
      queueCheck(c);
      checkScheduled.accept(c.nextCheckAt);
    }
  }

  /**
   * The memberships stored with a customer's state, read at start, segments installed first:
   * {@code packed} (V74's segment_nums_packed, {@link EvaluationStore#packNums}) when they are
   * packed, else {@code segmentNums} ({@code array_send} of the int4[] column, see
   * {@link EvaluationStore#segmentNums}); both null for none. Numbers of segments no longer
   * evaluated are dropped, and the stored list is rewritten without them; bytes that are no such
   * list are refused, naming the customer.
   */
  void loadMemberships(CustomerState c, byte[] packed, byte[] segmentNums) {
    if (packed != null) {
      loadPackedMemberships(c, packed);
    } else {
      loadMemberships(c, segmentNums);
    }
  }

  /** {@link #loadMemberships(CustomerState, byte[], byte[])} of numbers as {@code array_send} only. */
  void loadMemberships(CustomerState c, byte[] segmentNums) {
    if (segmentNums == null) {
      return;
    }
    // array_send of a one-dimensional int4[] without nulls: ndim, has-nulls flag, element type,
    // length, lower bound, then per element its byte length (4) and value, all big-endian
    ByteBuffer in = ByteBuffer.wrap(segmentNums);
    if (in.remaining() < 12) {
      throw notNumbers(c);
    }
    int dims = in.getInt();
    int hasNulls = in.getInt();
    int type = in.getInt();
    if (dims == 0) {
      return;
    }
    if (dims != 1 || hasNulls != 0 || type != INT4_OID || in.remaining() < 8) {
      throw notNumbers(c);
    }
    int count = in.getInt();
    in.getInt(); // lower bound
    if (count < 0 || in.remaining() != count * 8L) {
      throw notNumbers(c);
    }
    StoreRuntime rt = store(c.storeId);
    loadedCount = 0;
    loadedHighest = -1;
    for (int i = 0; i < count; i++) {
      if (in.getInt() != 4) {
        throw notNumbers(c);
      }
      loadNum(c, rt, in.getInt());
    }
    c.joinSegments(loadedSlots, loadedCount, loadedHighest);
  }

  /** The packed numbers ({@link EvaluationStore#packNums}: varints of the gaps) of {@link #loadMemberships}. */
  private void loadPackedMemberships(CustomerState c, byte[] packed) {
    StoreRuntime rt = store(c.storeId);
    loadedCount = 0;
    loadedHighest = -1;
    int num = 0;
    int i = 0;
    while (i < packed.length) {
      int gap = 0;
      int shift = 0;
      byte b;
      do {
        if (i == packed.length || shift > 28) {
          throw notNumbers(c);
        }
        b = packed[i++];
        gap |= (b & 0x7F) << shift;
        shift += 7;
      } while (b < 0);
      num += gap;
      loadNum(c, rt, num);
    }
    c.joinSegments(loadedSlots, loadedCount, loadedHighest);
  }

  /** One stored number of the customer {@link #loadMemberships} loads, into {@link #loadedSlots}. */
  private void loadNum(CustomerState c, StoreRuntime rt, int num) {
    int slot = rt.slotOf(num);
    if (slot >= 0) {
      int[] slots = loadedSlots;
      if (loadedCount == slots.length) {
        slots = loadedSlots = Arrays.copyOf(slots, loadedCount * 2);
      }
      slots[loadedCount++] = slot;
      loadedHighest = Math.max(loadedHighest, slot);
      int[] members = loadedMembers;
      if (members == null) {
        countDelta(rt.bySlot(slot), true); // after the recount: a membership it did not count
      } else {
        if (slot >= members.length) {
          members = loadedMembers = Arrays.copyOf(members, Math.max(slot + 1, members.length * 2));
        }
        members[slot]++;
      }
    } else {
      c.membershipEdit(num); // stored, no longer evaluated: it leaves the stored list
      membershipChanged(c);
    }
  }

  /** PostgreSQL's type oid of int4, as {@code array_send} names an array's element type. */
  private static final int INT4_OID = 23;

  private static IllegalArgumentException notNumbers(CustomerState c) {
    return new IllegalArgumentException("stored segment numbers of " + c.customerId + " are not a list of int4 numbers");
  }

  /** {@link #loadMemberships}' slots of one customer (a partition loads one customer at a time), their count and highest. */
  private int[] loadedSlots = new int[256];
  private int loadedCount;
  private int loadedHighest;

  /** The evaluated segments the customer is in, as stored with its state: numbers in ascending order joined by commas. */
  String memberNums(CustomerState c) {
    return written(c, null).nums();
  }

  /**
   * A whole-row write's memberships, from the flips {@code edits} taken from the customer: the
   * evaluated segments it is in as numbers in ascending order joined by commas ({@code nums}), how
   * they are made of the list last written ({@link MembershipEdits#runs} joined by commas, or null;
   * {@code runs}), and the same numbers packed ({@code packed}, {@link EvaluationStore#packNums}),
   * packed here from the sorted numbers rather than parsed back from the joined text.
   */
  record Memberships(String nums, String runs, byte[] packed) {}

  Memberships written(CustomerState c, int[] edits) {
    StoreRuntime rt = stores.get(c.storeId);
    int[] nums = new int[rt == null ? 0 : c.segmentCount()];
    int n = 0;
    for (int slot = rt == null ? -1 : c.nextSegment(0); slot >= 0; slot = c.nextSegment(slot + 1)) {
      LiveSegment s = rt.bySlot(slot);
      if (s != null) {
        nums[n++] = s.num();
      }
    }
    nums = n == nums.length ? nums : Arrays.copyOf(nums, n);
    Arrays.sort(nums);
    int[] runs = edits == null ? MembershipEdits.runs(nums, NO_EDITS, 0)
        : MembershipEdits.runs(nums, Arrays.copyOfRange(edits, 1, edits[0] + 1), edits[0]);
    return new Memberships(joined(nums, nums.length), runs == null ? null : joined(runs, runs.length),
        EvaluationStore.packNums(nums));
  }

  private static final int[] NO_EDITS = new int[0];

  /**
   * A lean write's memberships ({@link CustomerState#fullWrite} not set), from the flips {@code edits}
   * taken from the customer ([0] their count): the numbers of the segments it {@code entered} and
   * {@code left} since its memberships were last written, each ascending and joined by commas, or
   * null for none, and the entered numbers' gaps packed ({@link EvaluationStore#packGaps}, null when
   * none entered). A segment no longer installed was left. Unlike {@link #memberNums} it does not walk
   * the customer's other memberships: a first sync over a million customers made ~120 numbers a
   * member sorted and joined, the largest part of the evaluator's time in the sync (bench/engine,
   * twenty-eighth pass).
   */
  record LeanMemberships(String entered, String left, byte[] enteredGaps) {}

  LeanMemberships enteredAndLeft(CustomerState c, int[] edits) {
    StoreRuntime rt = stores.get(c.storeId);
    int count = edits == null ? 0 : edits[0];
    int[] changed = count == 0 ? NO_EDITS : Arrays.copyOfRange(edits, 1, count + 1);
    Arrays.sort(changed);
    int[] entered = new int[count];
    int in = 0;
    int[] left = new int[count];
    int out = 0;
    for (int k = 0; k < count; ) {
      int num = changed[k];
      int same = k;
      while (same < count && changed[same] == num) {
        same++;
      }
      if (((same - k) & 1) == 1) { // flipped an odd number of times: changed
        int slot = rt == null ? -1 : rt.slotOf(num);
        if (slot >= 0 && c.inSegment(slot)) {
          entered[in++] = num;
        } else {
          left[out++] = num;
        }
      }
      k = same;
    }
    return new LeanMemberships(in == 0 ? null : joined(entered, in), out == 0 ? null : joined(left, out),
        in == 0 ? null : EvaluationStore.packGaps(in == entered.length ? entered : Arrays.copyOf(entered, in)));
  }

  private static String joined(int[] values, int n) {
    StringBuilder out = new StringBuilder(n * 5);
    for (int i = 0; i < n; i++) {
      if (i > 0) {
        out.append(',');
      }
      out.append(values[i]);
    }
    return out.toString();
  }

  /**
   * After the replay at start: customers whose profile changed while Shoal was down (or that
   * were never evaluated) are re-tested, at most {@code max} per call, so that the caller writes
   * what they changed between calls (at a million customers and a thousand segments, holding
   * every change of one pass filled the heap). Answers whether some are left.
   */
  boolean evaluateLoaded(Instant now, int max) {
    int from = Math.max(0, afterLoad.size() - max);
    List<CustomerState> slice = afterLoad.subList(from, afterLoad.size());
    for (CustomerState c : slice) {
      evaluateAll(c, now, "profile");
    }
    slice.clear(); // from the end: the list shrinks without moving what is left
    return !afterLoad.isEmpty();
  }

  boolean isErased(String storeId, String customerId) {
    return erased.contains(key(storeId, customerId));
  }

  void markErased(String storeId, String customerId) {
    erased.add(key(storeId, customerId));
  }

  static String key(String storeId, String customerId) {
    return storeId + "/" + customerId;
  }

  /**
   * The customer was deleted: it leaves every segment (its member rows went with it). When its
   * data is erased, the leave is announced with cause {@code customer_erased} and no profile.
   */
  void forget(CustomerState c, boolean erasing, Instant now) {
    StoreRuntime rt = stores.get(c.storeId);
    if (rt == null) {
      return;
    }
    for (LiveSegment s : rt.segments.values()) {
      if (c.inSegment(s.slot)) {
        c.segment(s.slot, false);
        change(c, s, false, erasing ? "customer_erased" : "customer_deleted", null, now,
            erasing ? null : summary(c));
      }
    }
    CustomerState removed = rt.customers.remove(c.customerId);
    if (removed != null) {
      removed.uncountInMetrics(); // no longer among the store's buyers (a second forget finds none)
    }
    unqueueCheck(c);
    dirty.remove(c);
    c.dirtyIn = 0;
  }

  // --- events ---------------------------------------------------------------------------------

  /**
   * Takes a logged event in seq order. Answers true when it is new and this partition's: the
   * caller then finds its customer and calls {@link #apply} (or {@link #skip} when it is gone).
   * Until then the checkpoint stays below it.
   */
  boolean accept(LoggedEvent e) {
    if (e.seq() <= appliedSeq) {
      return false;
    }
    appliedSeq = e.seq();
    if (!mine(e.storeId(), e.customerId())) {
      return false;
    }
    deferred.add(e.seq());
    return true;
  }

  /** The accepted event's customer is gone: nothing to apply. */
  void skip(LoggedEvent e) {
    deferred.remove(e.seq());
  }

  /**
   * Applies an accepted event to its customer's state and re-tests the segments it can have
   * changed ({@link #applyAndRetest}; every segment when the profile was re-read or the customer
   * is new here).
   */
  void apply(LoggedEvent e, CustomerState c, boolean profileReloaded, Instant now) {
    deferred.remove(e.seq());
    if (e.seq() <= c.appliedSeq) {
      return; // its stored state already holds this event
    }
    c.appliedSeq = e.seq();
    StoreRuntime rt = stores.get(c.storeId);
    catchUp(rt, c, now);
    if (profileReloaded || c.fresh) {
      c.fresh = false;
      c.apply(e);
      evaluate(rt, c, rt.segments.values(), now, e.id(), e.id(), futureCheck(c, now));
    } else {
      applyAndRetest(rt, c, e, now);
    }
    markDirty(c);
    c.forgetDerived();
  }

  /**
   * Applies the event, re-testing only the segments built with a condition whose answer it
   * changed. The store's distinct conditions that read a field the event may change are tested
   * once before and once after it is applied; a segment is a function of its conditions, so a
   * segment none of whose conditions changed its answer keeps its membership (current as of
   * {@code now}: a due time check ran first). The same event then re-tests tens of segments
   * where testing every segment reading its fields re-tested hundreds.
   *
   * <p>A condition that answers the same but reads time can flip at a new instant (a first
   * order starts a "first order before 180 days ago" clock). The customer's next check comes no
   * later than that instant. That is enough: until then every changed condition keeps its
   * answer, so each segment not re-tested keeps the answer its last evaluation scheduled for;
   * and every group's {@code nextFlip} is no later than its children's, except where a child
   * holds the group's answer for good, which a condition keeping its answer cannot undo before
   * its own flip.
   */
  private void applyAndRetest(StoreRuntime rt, CustomerState c, LoggedEvent e, Instant now) {
    StoreRuntime.Leaf[] leaves = rt.leavesChangedBy(e.type());
    if (before.length < leaves.length) {
      before = new boolean[leaves.length * 2];
    }
    for (int i = 0; i < leaves.length; i++) {
      before[i] = leaves[i].rule.test(c, now);
    }
    c.apply(e);
    long pass = ++stamp;
    List<LiveSegment> retest = new ArrayList<>();
    long next = futureCheck(c, now);
    for (int i = 0; i < leaves.length; i++) {
      StoreRuntime.Leaf leaf = leaves[i];
      if (leaf.rule.test(c, now) != before[i]) {
        for (LiveSegment s : leaf.segments) {
          if (s.stamp != pass) {
            s.stamp = pass;
            retest.add(s);
          }
        }
      } else if (leaf.rule.isTimeDependent()) {
        Instant flip = leaf.rule.nextFlip(c, now, before[i]);
        if (flip != null) {
          next = Math.min(next, checkAt(flip));
        }
      }
    }
    evaluate(rt, c, retest, now, e.id(), e.id(), next);
  }

  /**
   * The millisecond of the time check for a flip: the first one at or after it. Rounded down, a
   * flip a nanosecond after a whole millisecond (a window's end) was checked a moment early,
   * found nothing and was scheduled for the same millisecond again, up to a turn's worth of checks.
   */
  static long checkAt(Instant flip) {
    long ms = flip.toEpochMilli();
    return flip.getNano() % 1_000_000 == 0 ? ms : ms + 1;
  }

  /** The customer's scheduled check, when it is still ahead; else none. */
  private static long futureCheck(CustomerState c, Instant now) {
    return c.nextCheckAt > now.toEpochMilli() ? c.nextCheckAt : Long.MAX_VALUE;
  }

  /**
   * Takes the history of an anonymous profile merged into the customer (events that belonged to
   * another customer, so their seqs say nothing of this one's state), then re-tests every segment
   * once: one transition per segment whose answer changed, caused by the merge.
   */
  void absorb(CustomerState c, List<LoggedEvent> moved, Instant now) {
    for (LoggedEvent e : moved) {
      c.apply(e);
    }
    evaluateAll(c, now, "customer_merged");
  }

  /** Re-tests every segment of the customer's store (profile changed). */
  void evaluateAll(CustomerState c, Instant now, String cause) {
    StoreRuntime rt = stores.get(c.storeId);
    evaluate(rt, c, rt.segments.values(), now, cause, null);
    markDirty(c);
    c.forgetDerived();
  }

  /**
   * A customer just created through the API (no state row yet), tested against every segment as
   * {@link #evaluateAll} does, but written only when the tests left something to keep: a segment
   * entered or a time check scheduled mark it themselves. A new customer has no events, orders,
   * cart or visits, so a row would hold nothing else; a customer without one is tested against
   * every segment at the next start ({@link StartLoad}), as the row it would have had says too.
   * Issue 17, thirty-third pass: that row was 0.056 ms of PostgreSQL and 0.43 KB of WAL a create.
   */
  void evaluateCreated(CustomerState c, Instant now) {
    StoreRuntime rt = stores.get(c.storeId);
    evaluate(rt, c, rt.segments.values(), now, "profile", null);
    c.forgetDerived();
  }

  /**
   * A time check that is due but whose timer has not run yet is run first, with cause
   * {@code time}, as the timer would have. Without it an event re-testing only the segments of
   * its fields rescheduled the customer from those alone, and the due flip of another segment
   * was dropped (it came with the customer's next event instead).
   */
  private void catchUp(StoreRuntime rt, CustomerState c, Instant now) {
    if (c.nextCheckAt <= now.toEpochMilli()) {
      unqueueCheck(c);
      timeCheck(rt, c, now);
      markDirty(c);
    }
  }

  private Collection<LiveSegment> candidates(StoreRuntime rt, Set<String> changed) {
    long pass = ++stamp;
    List<LiveSegment> out = new ArrayList<>(rt.segments.size());
    for (String f : changed) {
      for (LiveSegment s : rt.reading(f)) {
        if (s.stamp != pass) {
          s.stamp = pass;
          out.add(s);
        }
      }
    }
    return out;
  }

  private void evaluate(StoreRuntime rt, CustomerState c, Collection<LiveSegment> segments, Instant now,
                        String cause, String eventId) {
    evaluate(rt, c, segments, now, cause, eventId, futureCheck(c, now));
  }

  /** Re-tests the segments, then schedules the customer's next check at the earliest of {@code next} and their flips. */
  private void evaluate(StoreRuntime rt, CustomerState c, Collection<LiveSegment> segments, Instant now,
                        String cause, String eventId, long next) {
    JsonObject summary = null; // the customer as the announcements show it: built once for all its flips
    for (LiveSegment s : segments) {
      boolean in = s.rule.test(c, now);
      if (in != c.inSegment(s.slot)) {
        c.segment(s.slot, in);
        c.membershipEdit(s.num());
        membershipChanged(c);
        if (summary == null) {
          summary = summary(c);
        }
        change(c, s, in, cause, eventId, now, summary);
      }
      if (s.rule.isTimeDependent()) {
        Instant flip = s.rule.nextFlip(c, now, in);
        if (flip != null) {
          next = Math.min(next, checkAt(flip));
        }
      }
    }
    schedule(c, next);
  }

  private void change(CustomerState c, LiveSegment s, boolean entered, String cause, String eventId, Instant now) {
    change(c, s, entered, cause, eventId, now, summary(c));
  }

  private void change(CustomerState c, LiveSegment s, boolean entered, String cause, String eventId, Instant now,
                      JsonObject customer) {
    String causeKind = eventId != null && cause.equals(eventId) ? "event" : cause;
    transitions.add(new EvaluationStore.Transition(c.storeId, Ids.newRecordId("trn"), s.id(), c.customerId, entered,
        s.announcesAt(now), causeKind, eventId, now, s.definition.name(), customer));
    countDelta(s, entered);
  }

  /**
   * The member count of every installed segment among the customers loaded so far (the start's
   * scan), (store, segment, members) for those with members; from then on memberships loaded count
   * as deltas. What a partition writes at start as its counts ({@link BatchWriter#recount}): the
   * counts of deltas not written before a crash are made good there.
   */
  List<Tuple> takeRecount() {
    int[] members = loadedMembers;
    loadedMembers = null;
    List<Tuple> out = new ArrayList<>();
    if (members == null) {
      return out;
    }
    for (StoreRuntime rt : stores.values()) {
      for (LiveSegment s : rt.segments.values()) {
        if (s.slot < members.length && members[s.slot] > 0) {
          out.add(Tuple.of(s.definition.storeId(), s.id(), (long) members[s.slot]));
        }
      }
    }
    return out;
  }

  private void countDelta(LiveSegment s, boolean entered) {
    if (s.countDelta == null) {
      s.countDelta = new long[1];
      counted.add(s);
    }
    s.countDelta[0] += entered ? 1 : -1;
  }

  /** Moves the segments' own count deltas into {@link #countDeltas}, by store and segment id. */
  private void gatherCounts() {
    for (LiveSegment s : counted) {
      long[] delta = countDeltas.computeIfAbsent(new SegmentKey(s.definition.storeId(), s.id()), k -> new long[1]);
      delta[0] += s.countDelta[0];
      s.countDelta = null;
    }
    counted.clear();
  }

  private static JsonObject summary(CustomerState c) {
    return NotificationLog.customerSummary((String) c.value("email"), (String) c.value("first_name"),
        (String) c.value("last_name"));
  }

  // --- time -----------------------------------------------------------------------------------

  private void schedule(CustomerState c, long at) {
    if (at == c.nextCheckAt) {
      return;
    }
    c.nextCheckAt = at;
    markDirty(c);
    queued(c, at);
  }

  /** As {@link #schedule}, for a backfill: the customer's next write may stay lean, with its state's bytes. */
  private void scheduleLean(CustomerState c, long at) {
    if (at == c.nextCheckAt) {
      return;
    }
    c.nextCheckAt = at;
    c.checkMoved = true;
    markLean(c);
    queued(c, at);
  }

  private void queued(CustomerState c, long at) {
    queueCheck(c);
    if (at != Long.MAX_VALUE) {
      checkScheduled.accept(at);
    }
  }

  /** The earliest time check due, or {@code Long.MAX_VALUE}. */
  long nextCheckAt() {
    return checkCount == 0 ? Long.MAX_VALUE : checkHeap[0].nextCheckAt;
  }

  /** Puts the customer in its place in the check heap after its {@code nextCheckAt} changed (out of it when none). */
  private void queueCheck(CustomerState c) {
    if (c.nextCheckAt == Long.MAX_VALUE) {
      unqueueCheck(c);
      return;
    }
    if (c.checkSlot < 0) {
      if (checkCount == checkHeap.length) {
        checkHeap = Arrays.copyOf(checkHeap, checkCount * 2);
      }
      c.checkSlot = checkCount;
      checkHeap[checkCount++] = c;
    }
    siftUp(c.checkSlot);
    siftDown(c.checkSlot);
  }

  private void unqueueCheck(CustomerState c) {
    int i = c.checkSlot;
    if (i < 0) {
      return;
    }
    c.checkSlot = -1;
    CustomerState last = checkHeap[--checkCount];
    checkHeap[checkCount] = null;
    if (i < checkCount) {
      checkHeap[i] = last;
      last.checkSlot = i;
      siftUp(i);
      siftDown(last.checkSlot);
    }
  }

  private void siftUp(int i) {
    CustomerState c = checkHeap[i];
    while (i > 0) {
      int parent = (i - 1) >>> 1;
      CustomerState p = checkHeap[parent];
      if (p.nextCheckAt <= c.nextCheckAt) {
        break;
      }
      checkHeap[i] = p;
      p.checkSlot = i;
      i = parent;
    }
    checkHeap[i] = c;
    c.checkSlot = i;
  }

  private void siftDown(int i) {
    CustomerState c = checkHeap[i];
    while (true) {
      int child = 2 * i + 1;
      if (child >= checkCount) {
        break;
      }
      if (child + 1 < checkCount && checkHeap[child + 1].nextCheckAt < checkHeap[child].nextCheckAt) {
        child++;
      }
      CustomerState ch = checkHeap[child];
      if (ch.nextCheckAt >= c.nextCheckAt) {
        break;
      }
      checkHeap[i] = ch;
      ch.checkSlot = i;
      i = child;
    }
    checkHeap[i] = c;
    c.checkSlot = i;
  }

  /**
   * Time checks that came due while the partition was not running, taken out of the queue at the
   * end of its start ({@link #takeOverdue}), oldest first: they run after the start
   * ({@link #runOverdueChecks}), while the checks that come due from then on run on time from the
   * queue. An event for one of these customers catches its check up first, as before.
   */
  private final java.util.ArrayDeque<CustomerState> overdue = new java.util.ArrayDeque<>();

  /**
   * Takes the time checks due by {@code nowMs} out of the queue (see {@link #overdue}); answers how
   * many. At a start after hours down most customers are due: re-testing them took a fifth of a
   * start's samples at 200,000 customers (bench/engine, seventeenth pass).
   */
  int takeOverdue(long nowMs) {
    while (checkCount > 0 && checkHeap[0].nextCheckAt <= nowMs) {
      CustomerState c = checkHeap[0];
      unqueueCheck(c);
      overdue.add(c);
    }
    return overdue.size();
  }

  /**
   * Runs at most {@code max} of the checks {@link #takeOverdue} took, as {@link #runDueChecks}
   * does; those caught up since (an event, a profile change, a reload, a deletion) are passed over.
   * Answers whether some are left.
   */
  boolean runOverdueChecks(long nowMs, int max) {
    Instant now = Instant.ofEpochMilli(nowMs);
    int ran = 0;
    while (ran < max && !overdue.isEmpty()) {
      CustomerState c = overdue.poll();
      if (c.checkSlot < 0 && c.nextCheckAt <= nowMs && runCheck(c, now)) {
        ran++;
      }
    }
    return !overdue.isEmpty();
  }

  /**
   * Time transitions: customers whose next flip instant has come are re-tested against their
   * store's time-dependent segments, no event needed. At most {@link #DUE_CHECKS_PER_TURN}.
   */
  int runDueChecks(long nowMs) {
    Instant now = Instant.ofEpochMilli(nowMs);
    int ran = 0;
    while (checkCount > 0 && checkHeap[0].nextCheckAt <= nowMs && ran < DUE_CHECKS_PER_TURN) {
      CustomerState c = checkHeap[0];
      unqueueCheck(c);
      if (runCheck(c, now)) {
        ran++;
      }
    }
    return ran;
  }

  /** Re-tests the customer's time-dependent segments (false: it is no longer this partition's). */
  private boolean runCheck(CustomerState c, Instant now) {
    StoreRuntime rt = stores.get(c.storeId);
    if (rt == null || rt.customers.get(c.customerId) != c) {
      return false;
    }
    timeCheck(rt, c, now);
    markDirty(c);
    c.forgetDerived();
    return true;
  }

  /**
   * A due time check: re-tests the segments built with a time-dependent condition that flipped
   * since the check was scheduled, and schedules the next one. Re-testing every time-dependent
   * segment of the store cost ~0.4-0.8 ms a check at 1,000 segments (752 of them time-dependent,
   * built of 274 distinct time-dependent conditions), and a slice of 1,000 checks held the
   * partition's loop for seconds under load (bench/engine, twenty-sixth and twenty-seventh passes).
   *
   * <p>Why that is enough. The check was scheduled for {@code c.nextCheckAt}: no time-dependent
   * segment could answer differently from what its memberships hold at any instant from its last
   * evaluation until then, so they hold the answers as of {@code since}, the millisecond before
   * (or, for a segment evaluated after it, such as one synced while the check waited, as of that
   * later instant). A condition's {@code nextFlip} is exact: when its first flip after {@code since}
   * is later than {@code now}, it answered alike all along {@code [since, now]}. A segment all of
   * whose conditions did (its other conditions change only with the customer's data, and every
   * change of data re-tests what it changed) answers now as its membership holds; only the
   * segments of the conditions that flipped are re-tested, as they were. The next check comes at
   * the earliest flip of the conditions that did not flip and of the segments re-tested: a
   * segment cannot change its answer before one of its conditions does.
   */
  private void timeCheck(StoreRuntime rt, CustomerState c, Instant now) {
    Instant since = Instant.ofEpochMilli(c.nextCheckAt - 1);
    c.nextCheckAt = Long.MAX_VALUE;
    long pass = ++stamp;
    List<LiveSegment> retest = new ArrayList<>();
    long next = Long.MAX_VALUE;
    for (StoreRuntime.Leaf leaf : rt.timeLeaves()) {
      Instant flip = leaf.rule.nextFlip(c, since);
      if (flip == null) {
        continue; // it keeps its answer for good
      }
      if (flip.isAfter(now)) {
        next = Math.min(next, checkAt(flip));
      } else {
        for (LiveSegment s : leaf.segments) {
          if (s.stamp != pass) {
            s.stamp = pass;
            retest.add(s);
          }
        }
      }
    }
    timeRetests += retest.size();
    evaluate(rt, c, retest, now, "time", null, next);
  }

  /** How many segments the time checks re-tested since this core was made: what a check costs, for tests. */
  long timeCheckRetests() {
    return timeRetests;
  }

  // --- metrics --------------------------------------------------------------------------------

  /** The store's customers, as a list to recompute slice by slice. */
  List<CustomerState> customersOf(String storeId) {
    StoreRuntime rt = stores.get(storeId);
    return rt == null ? List.of() : new ArrayList<>(rt.customers.values());
  }

  /**
   * Recomputes the metrics of {@code slice} (customers of one store) and re-tests the segments
   * reading a metric field; changes are recorded with cause "metrics".
   */
  void recompute(String storeId, List<CustomerState> slice, long nowMs) {
    StoreRuntime rt = stores.get(storeId);
    if (rt == null) {
      return;
    }
    Instant now = Instant.ofEpochMilli(nowMs);
    Collection<LiveSegment> reading = candidates(rt, LiveMetrics.FIELDS);
    for (CustomerState c : slice) {
      if (rt.customers.get(c.customerId) != c) {
        continue; // deleted or reloaded meanwhile
      }
      catchUp(rt, c, now);
      c.refreshMetrics(nowMs);
      if (!reading.isEmpty()) {
        int before = transitions.size();
        evaluate(rt, c, reading, now, "metrics", null);
        if (transitions.size() != before) {
          markDirty(c);
        }
      }
      c.forgetDerived();
    }
  }

  /**
   * The histories of this partition's customers of a store as of an instant, for a model fit,
   * with their current RFM values (to rebuild the quintile sketches after a live fit).
   */
  PartitionHistories histories(String storeId, long asOfMs) {
    StoreRuntime rt = stores.get(storeId);
    List<RepeatHistory> out = new ArrayList<>();
    int n = rt == null ? 0 : rt.customers.size();
    long[] lastDays = new long[n];
    int[] days = new int[n];
    double[] totals = new double[n];
    int buyers = 0;
    if (rt != null) {
      for (CustomerState c : rt.customers.values()) {
        PurchaseLog p = c.purchaseLog();
        RepeatHistory h = p.isEmpty() ? null : p.asOf(asOfMs);
        if (h != null) {
          out.add(h);
        }
        if (!p.isEmpty()) {
          lastDays[buyers] = PurchaseLog.day(p.lastAt());
          days[buyers] = p.asOf(p.lastAt()).x() + 1;
          totals[buyers] = p.total();
          buyers++;
        }
      }
    }
    return new PartitionHistories(out, Arrays.copyOf(lastDays, buyers), Arrays.copyOf(days, buyers),
        Arrays.copyOf(totals, buyers));
  }

  // --- explain, preview -----------------------------------------------------------------------

  /** Rule by rule, why the customer is or is not in the segment; {@code found: false} without a customer. */
  JsonObject explain(CustomerState c, String storeId, String segmentId, JsonArray rules, Instant now) {
    StoreRuntime rt = stores.get(storeId);
    if (c == null || rt == null) {
      return new JsonObject().put("found", false);
    }
    CompiledRule rule = RuleCompiler.compile(rules);
    LiveSegment live = rt.segments.get(segmentId);
    JsonObject out = new JsonObject()
        .put("found", true)
        .put("member", live != null && c.inSegment(live.slot))
        .put("explanation", render(rule.explain(c, now)))
        .put("aggregates", jsonObject(c.aggregates()));
    c.forgetDerived();
    return out;
  }

  private static JsonObject render(Explanation e) {
    JsonArray rules = new JsonArray();
    for (Explanation.Check check : e.checks()) {
      rules.add(new JsonObject()
          .put("path", check.path())
          .put("field", check.field())
          .put("operator", check.operator())
          .put("value", jsonValue(check.expected()))
          .put("actual", jsonValue(check.actual()))
          .put("holds", check.holds()));
    }
    return new JsonObject().put("matches", e.matches()).put("rules", rules);
  }

  private static JsonObject jsonObject(Map<String, ?> map) {
    JsonObject o = new JsonObject();
    map.forEach((k, v) -> o.put(k, jsonValue(v)));
    return o;
  }

  /** Explanations hold plain Java values; JSON wants times as wire strings and money as numbers. */
  private static Object jsonValue(Object v) {
    if (v instanceof Instant i) {
      return Wire.time(i);
    }
    if (v instanceof Map<?, ?> m) {
      JsonObject o = new JsonObject();
      m.forEach((k, x) -> o.put(String.valueOf(k), jsonValue(x)));
      return o;
    }
    if (v instanceof Collection<?> c) {
      JsonArray a = new JsonArray();
      c.forEach(x -> a.add(jsonValue(x)));
      return a;
    }
    return v;
  }

  /**
   * For this partition, how many customers pass the first k top-level rules, for each k; and,
   * when {@code members} is given, who passes every rule is added to it.
   */
  long[] preview(String storeId, JsonArray rules, Instant now, List<String> members) {
    StoreRuntime rt = stores.get(storeId);
    List<CompiledRule> steps = RuleCompiler.compile(rules).topLevel();
    long[] passing = new long[steps.size() + 1];
    if (rt != null) {
      for (CustomerState c : rt.customers.values()) {
        passing[0]++;
        int i = 0;
        for (; i < steps.size(); i++) {
          if (!steps.get(i).test(c, now)) {
            break;
          }
          passing[i + 1]++;
        }
        if (members != null && i == steps.size()) {
          members.add(c.customerId);
        }
        c.forgetDerived();
      }
    }
    return passing;
  }

  /** Whether the customer is a member of the segment, as this partition holds it (tests, explain). */
  boolean isMember(String storeId, String segmentId, String customerId) {
    StoreRuntime rt = stores.get(storeId);
    CustomerState c = rt == null ? null : rt.customers.get(customerId);
    LiveSegment s = rt == null ? null : rt.segments.get(segmentId);
    return c != null && s != null && c.inSegment(s.slot);
  }

  private StoreRuntime store(String storeId) {
    return stores.computeIfAbsent(storeId, StoreRuntime::new);
  }

  // --- the batch ------------------------------------------------------------------------------

  /** The customer changed: its next write carries its whole row ({@link CustomerState#fullWrite}). */
  void markDirty(CustomerState c) {
    c.fullWrite = true;
    markLean(c);
  }

  /**
   * The customer joins the batch gathering without needing its whole row written: only a
   * backfill's changes (memberships, its next time check) since it was last written.
   */
  private void markLean(CustomerState c) {
    if (c.dirtyIn != batch) {
      c.dirtyIn = batch;
      dirty.put(c, Boolean.TRUE);
    }
  }

  /** The customer's memberships changed: its next write carries them. */
  private void membershipChanged(CustomerState c) {
    c.membershipsDirty = true;
    markDirty(c);
  }

  /** What gathered since the last {@link #takePending}, with the checkpoint it may write. */
  record Pending(Map<CustomerState, Boolean> dirty, List<EvaluationStore.Transition> transitions,
                 Map<SegmentKey, long[]> countDeltas, long checkpoint) {
    boolean isEmpty() {
      return dirty.isEmpty() && transitions.isEmpty() && countDeltas.isEmpty();
    }
  }

  boolean hasPending() {
    return hasWork() || hasCounts();
  }

  /** Whether customers to write or transitions to record gathered (member counts aside). */
  boolean hasWork() {
    return !(dirty.isEmpty() && transitions.isEmpty());
  }

  /** Whether member count deltas wait to be written. */
  boolean hasCounts() {
    if (!counted.isEmpty()) {
      return true;
    }
    for (long[] d : countDeltas.values()) {
      if (d[0] != 0) {
        return true;
      }
    }
    return false;
  }

  /** How much the next batch holds so far: customers to write plus transitions to record. */
  int pendingSize() {
    return dirty.size() + transitions.size();
  }

  /**
   * Hands over what gathered, and starts a new batch. The checkpoint is the log position below
   * which every event is applied (events waiting for their customer's load hold it back).
   */
  Pending takePending() {
    return takePending(true);
  }

  /**
   * As {@link #takePending()}; without {@code withCounts} the member count deltas stay here, summed
   * with later ones, for a later batch ({@link BatchWriter}: counts once per interval under load).
   */
  Pending takePending(boolean withCounts) {
    long checkpoint = deferred.isEmpty() ? appliedSeq : deferred.first() - 1;
    gatherCounts();
    Pending p = new Pending(dirty, transitions, withCounts ? countDeltas : new HashMap<>(), checkpoint);
    dirty = new IdentityHashMap<>();
    batch++;
    transitions = new ArrayList<>();
    if (withCounts) {
      countDeltas = new HashMap<>();
    }
    return p;
  }

  /** A batch could not be written: it goes back in front of what gathered meanwhile. */
  void putBack(Pending p) {
    gatherCounts();
    p.dirty().putAll(dirty);
    dirty = p.dirty();
    p.transitions().addAll(transitions);
    transitions = p.transitions();
    countDeltas.forEach((k, v) -> p.countDeltas().computeIfAbsent(k, x -> new long[1])[0] += v[0]);
    countDeltas = p.countDeltas();
  }
}
