package io.shoal.segment.rule;

import java.time.Instant;

/**
 * A point in time written in a rule: absolute ({@code 2026-01-01T00:00:00Z}) or relative to
 * the moment of evaluation ({@code 90_days_ago}). Relative points are resolved against the
 * {@code now} passed to each test, never at compile time, so one compiled rule serves forever.
 */
final class TimeBound {

  /** Null when relative. */
  private final Instant absolute;
  private final long secondsAgo;

  private TimeBound(Instant absolute, long secondsAgo) {
    this.absolute = absolute;
    this.secondsAgo = secondsAgo;
  }

  static TimeBound at(Instant instant) {
    return new TimeBound(instant, 0);
  }

  static TimeBound ago(long seconds) {
    return new TimeBound(null, seconds);
  }

  boolean isRelative() {
    return absolute == null;
  }

  /** Sign of {@code t - bound(now)}, without allocating. */
  int compare(Instant t, Instant now) {
    if (absolute != null) {
      return t.compareTo(absolute);
    }
    return RuleNode.compare(t, now.getEpochSecond() - secondsAgo, now.getNano());
  }

  /**
   * For a relative bound, the evaluation time at which the bound equals {@code t} (the bound
   * moves forward with now). Null if absolute or beyond representable time.
   */
  Instant reaches(Instant t) {
    return absolute == null ? RuleNode.later(t, secondsAgo, 0) : null;
  }

  /** The first evaluation time at which the bound is past {@code t}: one nanosecond after {@link #reaches}. */
  Instant passes(Instant t) {
    return absolute == null ? RuleNode.later(t, secondsAgo, 1) : null;
  }

  /** Whether this bound is never later than {@code other}, at any now; null if it depends on now. */
  Boolean notAfter(TimeBound other) {
    if (absolute != null && other.absolute != null) {
      return !absolute.isAfter(other.absolute);
    }
    if (absolute == null && other.absolute == null) {
      return secondsAgo >= other.secondsAgo;
    }
    return null;
  }
}
