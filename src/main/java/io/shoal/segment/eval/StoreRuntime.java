package io.shoal.segment.eval;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One store as one partition sees it: its customers' states and its evaluated segments, with
 * the field index that says which segments an event's changed fields can affect.
 */
final class StoreRuntime {

  final String storeId;
  final Map<String, CustomerState> customers = new HashMap<>();
  final Map<String, LiveSegment> segments = new HashMap<>();
  private Map<String, List<LiveSegment>> byField = Map.of();
  private List<LiveSegment> timeDependent = List.of();
  /** The segments by their bit slot (slots are the partition's, so this store's are sparse). */
  private LiveSegment[] bySlot = new LiveSegment[0];

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
    for (LiveSegment s : segments.values()) {
      slots[s.slot] = s;
      for (String f : s.rule.fieldsRead()) {
        index.computeIfAbsent(f, k -> new ArrayList<>()).add(s);
      }
      if (s.rule.isTimeDependent()) {
        timed.add(s);
      }
    }
    byField = index;
    timeDependent = timed;
    bySlot = slots;
  }
}
