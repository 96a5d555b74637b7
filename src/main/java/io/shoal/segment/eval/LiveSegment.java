package io.shoal.segment.eval;

import io.shoal.segment.SegmentDefinition;
import io.shoal.segment.rule.CompiledRule;

/** A dynamic or passive segment as one evaluator partition runs it: compiled, with its bit slot. */
final class LiveSegment {

  final SegmentDefinition definition;
  final CompiledRule rule;
  final int slot;
  /** {@code rule.isTimeDependent()}, read for every customer a backfill tests. */
  final boolean timeDependent;
  /** The evaluation pass that last considered this segment; dedupes candidates without a set. */
  long stamp;
  /** Members gained less members lost in the partition's batch being gathered; null when none flipped (PartitionCore). */
  long[] countDelta;

  LiveSegment(SegmentDefinition definition, CompiledRule rule, int slot) {
    this.definition = definition;
    this.rule = rule;
    this.slot = slot;
    this.timeDependent = rule.isTimeDependent();
  }

  String id() {
    return definition.id();
  }

  int num() {
    return definition.num();
  }

  /** Dynamic segments announce enters and leaves; passive ones only keep their members. */
  boolean recordsTransitions() {
    return SegmentDefinition.DYNAMIC.equals(definition.type());
  }

  /**
   * Whether a change at {@code t} is announced: a dynamic segment that is live then (status and
   * validity, seed 004). Outside its validity the members are still kept current, silently, so
   * the segment is right the moment it becomes live; nothing enters or leaves meanwhile.
   */
  boolean announcesAt(java.time.Instant t) {
    return recordsTransitions() && definition.liveAt(t);
  }
}
