package io.shoal.segment.rule;

import java.time.Instant;

/**
 * A condition on a time field. Every operator reduces to one or two comparisons with a
 * {@link TimeBound}: before = lt, after = gt, {@code within_last D} = gte D_ago (a time in the
 * future counts as within: clocks drift), {@code not_within_last D} = lt D_ago or missing.
 *
 * <p>Relative bounds move forward with now, so each comparison changes at most once, at a
 * known instant: {@code t < now - d} turns true one nanosecond after {@code now = t + d};
 * {@code t <= now - d} turns true at {@code t + d}; {@code t > now - d} turns false at
 * {@code t + d}; {@code t >= now - d} turns false one nanosecond after it. {@link #nextFlip}
 * returns exactly that instant.
 */
final class TimeCondition extends FieldCondition {

  /** The comparison made, after reducing the operator. */
  enum Comparison { LT, LTE, GT, GTE, BETWEEN }

  private final Comparison comparison;
  /** The bound; for BETWEEN the lower one. */
  private final TimeBound bound;
  /** For BETWEEN, the upper bound. */
  private final TimeBound high;
  /** What a missing time yields: true only for not_within_last (never happened is not recent). */
  private final boolean missingHolds;
  private final boolean timeDependent;

  TimeCondition(String path, Field field, Operator operator, Comparison comparison,
      TimeBound bound, TimeBound high, boolean missingHolds, Object expected) {
    super(path, field, operator, expected);
    this.comparison = comparison;
    this.bound = bound;
    this.high = high;
    this.missingHolds = missingHolds;
    this.timeDependent = bound.isRelative() || (high != null && high.isRelative());
  }

  @Override
  boolean holds(Object actual, Instant now) {
    if (actual == null) {
      return missingHolds;
    }
    Instant t = (Instant) actual;
    return switch (comparison) {
      case LT -> bound.compare(t, now) < 0;
      case LTE -> bound.compare(t, now) <= 0;
      case GT -> bound.compare(t, now) > 0;
      case GTE -> bound.compare(t, now) >= 0;
      case BETWEEN -> bound.compare(t, now) >= 0 && high.compare(t, now) <= 0;
    };
  }

  @Override
  Instant nextFlip(CustomerFacts c, Instant now) {
    Object actual = read(c);
    if (!timeDependent || actual == null) {
      return null;
    }
    Instant t = (Instant) actual;
    return switch (comparison) {
      // Each comparison flips once, in one direction: from false for lt/lte, from true for gt/gte.
      case LT -> bound.compare(t, now) < 0 ? null : bound.passes(t);
      case LTE -> bound.compare(t, now) <= 0 ? null : bound.reaches(t);
      case GT -> bound.compare(t, now) > 0 ? bound.reaches(t) : null;
      case GTE -> bound.compare(t, now) >= 0 ? bound.passes(t) : null;
      case BETWEEN -> betweenFlip(t, now);
    };
  }

  /**
   * The lower bound, once passed, stays passed: false for good. Below the upper bound the
   * answer turns true when the upper bound reaches t; the lower bound cannot have passed t by
   * then, since the compiler checked low <= high. Inside the range it turns false when the
   * lower bound passes t.
   */
  private Instant betweenFlip(Instant t, Instant now) {
    if (bound.compare(t, now) < 0) {
      return null;
    }
    if (high.compare(t, now) > 0) {
      return high.reaches(t);
    }
    return bound.passes(t);
  }

  @Override
  boolean isTimeDependent() {
    return timeDependent;
  }
}
