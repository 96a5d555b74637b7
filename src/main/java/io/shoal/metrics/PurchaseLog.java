package io.shoal.metrics;

import java.util.Arrays;

/**
 * A customer's orders that count (completed, not cancelled, net of refunds) as instants and
 * values, ascending: what the metrics and models read of a customer. {@link #asOf} folds them
 * into purchase days, the transactions of the models.
 */
public final class PurchaseLog {

  public static final long DAY_MS = 86_400_000L;
  public static final PurchaseLog EMPTY = new PurchaseLog(new long[0], new double[0], 0);

  private final long[] at;
  private final double[] values;
  private final double total;

  private PurchaseLog(long[] at, double[] values, double total) {
    this.at = at;
    this.values = values;
    this.total = total;
  }

  /** The first {@code n} orders of {@code at} (epoch ms) and {@code value}, in any order. */
  public static PurchaseLog of(long[] at, double[] value, int n) {
    if (n == 0) {
      return EMPTY;
    }
    Integer[] order = new Integer[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    Arrays.sort(order, (p, q) -> Long.compare(at[p], at[q]));
    long[] sortedAt = new long[n];
    double[] sortedValues = new double[n];
    double total = 0;
    for (int i = 0; i < n; i++) {
      sortedAt[i] = at[order[i]];
      sortedValues[i] = value[order[i]];
      total += sortedValues[i];
    }
    return new PurchaseLog(sortedAt, sortedValues, total);
  }

  public boolean isEmpty() {
    return at.length == 0;
  }

  public int orders() {
    return at.length;
  }

  public double total() {
    return total;
  }

  public long firstAt() {
    return at[0];
  }

  public long lastAt() {
    return at[at.length - 1];
  }

  public static long day(long epochMs) {
    return Math.floorDiv(epochMs, DAY_MS);
  }

  /**
   * The history as of {@code asOfMs}: only orders at or before it count, several on one UTC
   * day make one transaction (values summed), and T runs from the first purchase day to the day
   * of {@code asOfMs}. Null when nothing was bought by then.
   */
  public RepeatHistory asOf(long asOfMs) {
    int n = 0;
    while (n < at.length && at[n] <= asOfMs) {
      n++;
    }
    if (n == 0) {
      return null;
    }
    long first = day(at[0]);
    long previous = first;
    int x = 0;
    double repeatValue = 0;
    for (int i = 1; i < n; i++) {
      long d = day(at[i]);
      if (d != first) {
        repeatValue += values[i];
        if (d != previous) {
          x++;
          previous = d;
        }
      }
    }
    return new RepeatHistory(x, (previous - first) / 7.0, (day(asOfMs) - first) / 7.0, x == 0 ? 0 : repeatValue / x);
  }
}
