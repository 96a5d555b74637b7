package io.shoal.segment.eval;

import io.shoal.segment.rule.RuleLeaf;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One store as one partition sees it: its customers' states and its evaluated segments, with
 * the field index that says which segments an event's changed fields can affect, and the
 * distinct conditions of all its segments ({@link Leaf}), indexed by the event types that can
 * change their answer.
 */
final class StoreRuntime {

  /** A distinct condition of the store's segments, and the segments built with it. */
  static final class Leaf {
    final RuleLeaf rule;
    final List<LiveSegment> segments = new ArrayList<>();

    Leaf(RuleLeaf rule) {
      this.rule = rule;
    }
  }

  final String storeId;
  final Map<String, CustomerState> customers = new HashMap<>();
  final Map<String, LiveSegment> segments = new HashMap<>();
  private final Map<String, List<LiveSegment>> byField = new HashMap<>();
  /** The segments by their bit slot (slots are the partition's, so this store's are sparse). */
  private LiveSegment[] bySlot = new LiveSegment[0];
  private final Map<String, Leaf> leaves = new HashMap<>();
  /** The distinct conditions whose answer can change with time alone, each once (a time check's work). */
  private final List<Leaf> timeLeaves = new ArrayList<>();
  private final Map<String, List<Leaf>> leavesByField = new HashMap<>();
  /** Per event type, the conditions reading a field it may change; filled as types come. */
  private final Map<String, Leaf[]> leavesByType = new HashMap<>();
  /**
   * The segments' slots by number, for {@link #slotOf(int)}; both null after a change. Where the
   * store's numbers are dense (they come from one sequence, so a store's segments created together
   * are consecutive) a direct table: {@code slotByNum[num - firstNum]}, -1 where no segment. Otherwise
   * open addressing over two int arrays (numbers, slots). Ints side by side, so a lookup reads no
   * segment object: a table of segment references cost a cache miss per probe, 36 % of a start's
   * loading; the probing still cost 20 % of it (JFR, bench/engine's sixteenth and seventeenth passes).
   */
  private int[] slotByNum;
  private int firstNum;
  private int[] numKeys;
  private int[] numSlots;

  StoreRuntime(String storeId) {
    this.storeId = storeId;
  }

  /**
   * Installs a segment. A new one is added to the indexes (a thousand segments installed one by
   * one at start cost a thousand small additions, not a thousand rebuilds); a replaced one
   * rebuilds them.
   */
  void put(LiveSegment s) {
    forgetNums();
    if (segments.put(s.id(), s) != null) {
      reindex();
    } else {
      index(s);
      leavesByType.clear();
    }
  }

  LiveSegment remove(String segmentId) {
    LiveSegment removed = segments.remove(segmentId);
    if (removed != null) {
      forgetNums();
      reindex();
    }
    return removed;
  }

  List<LiveSegment> reading(String field) {
    return byField.getOrDefault(field, List.of());
  }

  /**
   * The distinct time-dependent conditions of the store's segments: what a time check asks
   * ({@code PartitionCore.timeCheck}). A segment whose conditions answered alike all along keeps its
   * answer, so a check re-tests only the segments of the conditions that flipped.
   */
  List<Leaf> timeLeaves() {
    return timeLeaves;
  }

  /**
   * The distinct conditions an event of this type can answer differently for (they read a
   * field in {@link CustomerState#fieldsChangedBy}), each once.
   */
  Leaf[] leavesChangedBy(String eventType) {
    Leaf[] changed = leavesByType.get(eventType);
    if (changed == null) {
      Set<Leaf> found = new LinkedHashSet<>();
      for (String f : CustomerState.fieldsChangedBy(eventType)) {
        found.addAll(leavesByField.getOrDefault(f, List.of()));
      }
      changed = found.toArray(new Leaf[0]);
      leavesByType.put(eventType, changed);
    }
    return changed;
  }

  /**
   * The slot of the segment whose number is {@code num}, or -1: the memberships stored with a
   * customer are numbers, a hundred a customer with 1,000 segments, each found here at start.
   */
  int slotOf(int num) {
    if (slotByNum == null && numKeys == null) {
      indexNums();
    }
    int[] direct = slotByNum;
    if (direct != null) {
      long i = (long) num - firstNum;
      return i >= 0 && i < direct.length ? direct[(int) i] : -1;
    }
    int[] keys = numKeys;
    int mask = keys.length - 1;
    for (int i = spread(num * 0x9E3779B9) & mask; keys[i] != NO_NUM; i = (i + 1) & mask) {
      if (keys[i] == num) {
        return numSlots[i];
      }
    }
    return -1;
  }

  private static final int NO_NUM = Integer.MIN_VALUE;

  private void forgetNums() {
    slotByNum = null;
    numKeys = null;
  }

  /** A direct table where it spans at most this many numbers per segment (else the probed table). */
  private static final int DIRECT_SPAN_PER_SEGMENT = 4;

  private void indexNums() {
    long first = Long.MAX_VALUE;
    long last = Long.MIN_VALUE;
    for (LiveSegment s : segments.values()) {
      first = Math.min(first, s.num());
      last = Math.max(last, s.num());
    }
    long span = last - first + 1;
    if (!segments.isEmpty() && span <= (long) DIRECT_SPAN_PER_SEGMENT * segments.size() + 64) {
      int[] direct = new int[(int) span];
      java.util.Arrays.fill(direct, -1);
      for (LiveSegment s : segments.values()) {
        direct[(int) (s.num() - first)] = s.slot;
      }
      firstNum = (int) first;
      slotByNum = direct;
      return;
    }
    int[] keys = new int[Integer.highestOneBit(Math.max(4, segments.size() * 4))];
    int[] slots = new int[keys.length];
    java.util.Arrays.fill(keys, NO_NUM);
    int mask = keys.length - 1;
    for (LiveSegment s : segments.values()) {
      int i = spread(s.num() * 0x9E3779B9) & mask;
      while (keys[i] != NO_NUM) {
        i = (i + 1) & mask;
      }
      keys[i] = s.num();
      slots[i] = s.slot;
    }
    numSlots = slots;
    numKeys = keys;
  }

  private static int spread(int h) {
    return h ^ (h >>> 16);
  }

  LiveSegment bySlot(int slot) {
    return slot < bySlot.length ? bySlot[slot] : null;
  }

  private void reindex() {
    byField.clear();
    bySlot = new LiveSegment[0];
    leaves.clear();
    timeLeaves.clear();
    leavesByField.clear();
    leavesByType.clear();
    for (LiveSegment s : segments.values()) {
      index(s);
    }
  }

  private void index(LiveSegment s) {
    if (s.slot >= bySlot.length) {
      bySlot = java.util.Arrays.copyOf(bySlot, Math.max(s.slot + 1, bySlot.length * 2));
    }
    bySlot[s.slot] = s;
    for (String f : s.rule.fieldsRead()) {
      byField.computeIfAbsent(f, k -> new ArrayList<>()).add(s);
    }
    for (RuleLeaf r : s.rule.leaves()) {
      Leaf leaf = leaves.get(r.key());
      if (leaf == null) {
        leaf = new Leaf(r);
        leaves.put(r.key(), leaf);
        if (r.isTimeDependent()) {
          timeLeaves.add(leaf);
        }
        for (String f : r.fieldsRead()) {
          leavesByField.computeIfAbsent(f, k -> new ArrayList<>()).add(leaf);
        }
      }
      leaf.segments.add(s);
    }
  }
}
