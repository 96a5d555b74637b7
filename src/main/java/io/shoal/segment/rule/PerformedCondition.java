package io.shoal.segment.rule;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code {"performed": {"event": type, "within_days": N, "at_least": K | "at_most": K}}}: how
 * many events of the type the customer performed in the last N days.
 *
 * <p>Events only leave the window, so the count only falls with time. {@code at_least K} turns
 * false when the K-th most recent event leaves (one nanosecond after it is N days old);
 * {@code at_most K} turns true when the (K+1)-th most recent leaves. The other directions need
 * a new event.
 */
final class PerformedCondition extends RuleNode {

  /** Prefix of the name in {@link CompiledRule#fieldsRead()}: {@code events:page.viewed}. */
  static final String FIELD_PREFIX = "events:";

  private final String eventType;
  private final String field;
  private final long windowSeconds;
  private final int limit;
  /** True for at_least, false for at_most. */
  private final boolean atLeast;
  private final Map<String, Object> expected;

  PerformedCondition(String path, String eventType, long windowSeconds, int limit, boolean atLeast,
      Map<String, Object> expected) {
    super(path);
    this.eventType = eventType;
    this.field = FIELD_PREFIX + eventType;
    this.windowSeconds = windowSeconds;
    this.limit = limit;
    this.atLeast = atLeast;
    this.expected = expected;
  }

  private int count(List<Instant> times, Instant now) {
    return SortedTimes.countSince(times, now.getEpochSecond() - windowSeconds, now.getNano());
  }

  private boolean holds(int count) {
    return atLeast ? count >= limit : count <= limit;
  }

  @Override
  boolean test(CustomerFacts c, Instant now) {
    return holds(count(c.eventTimes(eventType), now));
  }

  @Override
  Instant nextFlip(CustomerFacts c, Instant now) {
    return nextFlip(c, now, test(c, now));
  }

  @Override
  Instant nextFlip(CustomerFacts c, Instant now, boolean holds) {
    List<Instant> times = c.eventTimes(eventType);
    // The event whose leaving changes the answer: the K-th most recent for a true at_least,
    // the (K+1)-th for a false at_most.
    int rank;
    if (atLeast && holds) {
      rank = limit;
    } else if (!atLeast && !holds) {
      rank = limit + 1;
    } else {
      return null;
    }
    Instant leaving = times.get(times.size() - rank);
    return later(leaving, windowSeconds, 1);
  }

  @Override
  boolean explain(CustomerFacts c, Instant now, List<Explanation.Check> out) {
    int count = count(c.eventTimes(eventType), now);
    boolean holds = holds(count);
    out.add(new Explanation.Check(path, field, "performed", expected, (long) count, holds));
    return holds;
  }

  @Override
  void addFieldsRead(Set<String> out) {
    out.add(field);
  }

  @Override
  boolean isTimeDependent() {
    return true;
  }
}
