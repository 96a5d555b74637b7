package io.shoal.segment.rule;

import java.time.Instant;
import java.util.AbstractList;
import java.util.RandomAccess;

/**
 * Ascending instants kept as epoch milliseconds ({@code millis[from..to)}), as a list for
 * {@link CustomerFacts}: an Instant is made only for an element read, and {@link SortedTimes}
 * counts in the longs themselves, without making any. The array must not change while a view
 * of it is in use (the evaluator replaces its arrays, never changes them).
 */
public final class EpochMillisTimes extends AbstractList<Instant> implements RandomAccess {

  final long[] millis;
  final int from;
  final int to;

  public EpochMillisTimes(long[] millis, int from, int to) {
    this.millis = millis;
    this.from = from;
    this.to = to;
  }

  @Override
  public Instant get(int index) {
    if (index < 0 || index >= to - from) {
      throw new IndexOutOfBoundsException(index);
    }
    return Instant.ofEpochMilli(millis[from + index]);
  }

  @Override
  public int size() {
    return to - from;
  }
}
