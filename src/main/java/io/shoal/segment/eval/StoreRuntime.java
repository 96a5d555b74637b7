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
  private Map<String, List<LiveSegment>> byField = Map.of();
  private List<LiveSegment> timeDependent = List.of();
  /** The segments by their bit slot (slots are the partition's, so this store's are sparse). */
  private LiveSegment[] bySlot = new LiveSegment[0];
  private Map<String, List<Leaf>> leavesByField = Map.of();
  /** Per event type, the conditions reading a field it may change; filled as types come. */
  private final Map<String, Leaf[]> leavesByType = new HashMap<>();

  StoreRuntime(String storeId) {
    this.storeId = storeId;
  }

  void put(LiveSegment s) {
    segments.put(s.id(), s);
    reindex();
  }

  LiveSegment remove(String segmentId) {
    LiveSegment removed = segments.remove(segmentId);
    reindex();
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
    Leaf[] leaves = leavesByType.get(eventType);
    if (leaves == null) {
      Set<Leaf> found = new LinkedHashSet<>();
      for (String f : CustomerState.fieldsChangedBy(eventType)) {
        found.addAll(leavesByField.getOrDefault(f, List.of()));
      }
      leaves = found.toArray(new Leaf[0]);
      leavesByType.put(eventType, leaves);
    }
    return leaves;
  }

  LiveSegment bySlot(int slot) {
    return slot < bySlot.length ? bySlot[slot] : null;
  }

  private void reindex() {
    Map<String, List<LiveSegment>> index = new HashMap<>();
    List<LiveSegment> timed = new ArrayList<>();
    int maxSlot = -1;
    for (LiveSegment s : segments.values()) {
      maxSlot = Math.max(maxSlot, s.slot);
    }
    LiveSegment[] slots = new LiveSegment[maxSlot + 1];
    Map<String, Leaf> leaves = new HashMap<>();
    for (LiveSegment s : segments.values()) {
      slots[s.slot] = s;
      for (String f : s.rule.fieldsRead()) {
        index.computeIfAbsent(f, k -> new ArrayList<>()).add(s);
      }
      if (s.rule.isTimeDependent()) {
        timed.add(s);
      }
      for (RuleLeaf r : s.rule.leaves()) {
        leaves.computeIfAbsent(r.key(), k -> new Leaf(r)).segments.add(s);
      }
    }
    Map<String, List<Leaf>> leafIndex = new HashMap<>();
    for (Leaf leaf : leaves.values()) {
      for (String f : leaf.rule.fieldsRead()) {
        leafIndex.computeIfAbsent(f, k -> new ArrayList<>()).add(leaf);
      }
    }
    byField = index;
    timeDependent = timed;
    bySlot = slots;
    leavesByField = leafIndex;
    leavesByType.clear();
  }
}
