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
  private final List<LiveSegment> timeDependent = new ArrayList<>();
  /** The segments by their bit slot (slots are the partition's, so this store's are sparse). */
  private LiveSegment[] bySlot = new LiveSegment[0];
  private final Map<String, Leaf> leaves = new HashMap<>();
  private final Map<String, List<Leaf>> leavesByField = new HashMap<>();
  /** Per event type, the conditions reading a field it may change; filled as types come. */
  private final Map<String, Leaf[]> leavesByType = new HashMap<>();
  /** The segments by number, open addressing, for {@link #segment(int)}; null after a change. */
  private LiveSegment[] byNum;

  StoreRuntime(String storeId) {
    this.storeId = storeId;
  }

  /**
   * Installs a segment. A new one is added to the indexes (a thousand segments installed one by
   * one at start cost a thousand small additions, not a thousand rebuilds); a replaced one
   * rebuilds them.
   */
  void put(LiveSegment s) {
    byNum = null;
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
      byNum = null;
      reindex();
    }
    return removed;
  }

  List<LiveSegment> reading(String field) {
    return byField.getOrDefault(field, List.of());
  }

  List<LiveSegment> timeDependent() {
    return timeDependent;
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
   * The segment whose number is {@code num}, or null: the memberships stored with a customer are
   * numbers, a hundred a customer with 1,000 segments, each found here at start.
   */
  LiveSegment segment(int num) {
    LiveSegment[] table = byNum != null ? byNum : (byNum = numTable());
    int mask = table.length - 1;
    for (int i = spread(num * 0x9E3779B9) & mask; table[i] != null; i = (i + 1) & mask) {
      if (table[i].num() == num) {
        return table[i];
      }
    }
    return null;
  }

  private LiveSegment[] numTable() {
    LiveSegment[] table = new LiveSegment[Integer.highestOneBit(Math.max(4, segments.size() * 4))];
    int mask = table.length - 1;
    for (LiveSegment s : segments.values()) {
      int i = spread(s.num() * 0x9E3779B9) & mask;
      while (table[i] != null) {
        i = (i + 1) & mask;
      }
      table[i] = s;
    }
    return table;
  }

  private static int spread(int h) {
    return h ^ (h >>> 16);
  }

  LiveSegment bySlot(int slot) {
    return slot < bySlot.length ? bySlot[slot] : null;
  }

  private void reindex() {
    byField.clear();
    timeDependent.clear();
    bySlot = new LiveSegment[0];
    leaves.clear();
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
    if (s.rule.isTimeDependent()) {
      timeDependent.add(s);
    }
    for (RuleLeaf r : s.rule.leaves()) {
      Leaf leaf = leaves.get(r.key());
      if (leaf == null) {
        leaf = new Leaf(r);
        leaves.put(r.key(), leaf);
        for (String f : r.fieldsRead()) {
          leavesByField.computeIfAbsent(f, k -> new ArrayList<>()).add(leaf);
        }
      }
      leaf.segments.add(s);
    }
  }
}
