package io.shoal.segment.rule;

import java.time.Instant;
import java.util.List;
import java.util.RandomAccess;

/** Counting in the ascending lists of instants that {@link CustomerFacts} keeps per product and event type. */
final class SortedTimes {

  private SortedTimes() {}

  /** How many instants are at or after (epochSecond, nano). */
  static int countSince(List<Instant> times, long epochSecond, int nano) {
    if (times instanceof EpochMillisTimes m && Math.abs(epochSecond) < Long.MAX_VALUE / 1_000 - 1) {
      return countSince(m, epochSecond, nano);
    }
    int size = times.size();
    if (!(times instanceof RandomAccess)) {
      int count = 0;
      for (Instant t : times) {
        if (RuleNode.compare(t, epochSecond, nano) >= 0) {
          count++;
        }
      }
      return count;
    }
    // The first index at or after the threshold; everything from there on is in the window.
    int low = 0;
    int high = size;
    while (low < high) {
      int mid = (low + high) >>> 1;
      if (RuleNode.compare(times.get(mid), epochSecond, nano) < 0) {
        low = mid + 1;
      } else {
        high = mid;
      }
    }
    return size - low;
  }

  /**
   * The same in milliseconds: an instant {@code t} of whole milliseconds is at or after
   * (epochSecond, nano) exactly when {@code t >= } the first whole millisecond at or after it.
   */
  private static int countSince(EpochMillisTimes times, long epochSecond, int nano) {
    long first = epochSecond * 1_000 + nano / 1_000_000 + (nano % 1_000_000 == 0 ? 0 : 1);
    long[] ms = times.millis;
    int low = times.from;
    int high = times.to;
    while (low < high) {
      int mid = (low + high) >>> 1;
      if (ms[mid] < first) {
        low = mid + 1;
      } else {
        high = mid;
      }
    }
    return times.to - low;
  }

  /**
   * The k-th most recent instant (k >= 1) across several ascending lists, as if merged; null if
   * they hold fewer than k. Walks back from the ends: k steps, each looking at every list's end.
   */
  static Instant kthMostRecent(List<List<Instant>> lists, int k) {
    if (lists.size() == 1) {
      List<Instant> only = lists.get(0);
      return only.size() >= k ? only.get(only.size() - k) : null;
    }
    int[] next = new int[lists.size()];
    for (int i = 0; i < next.length; i++) {
      next[i] = lists.get(i).size() - 1;
    }
    Instant taken = null;
    for (int step = 0; step < k; step++) {
      int from = -1;
      for (int i = 0; i < next.length; i++) {
        if (next[i] >= 0 && (from < 0
            || lists.get(i).get(next[i]).isAfter(lists.get(from).get(next[from])))) {
          from = i;
        }
      }
      if (from < 0) {
        return null;
      }
      taken = lists.get(from).get(next[from]--);
    }
    return taken;
  }
}
