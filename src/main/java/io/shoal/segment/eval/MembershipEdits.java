package io.shoal.segment.eval;

import java.util.Arrays;

/**
 * How a customer's new membership list is made of the stored one (issue 14): the evaluator writes the
 * segment numbers in ascending order, and beside them up to {@link #PAIRS} pairs of slices, each a
 * run of the stored list (kept memberships, which keep their since-times) followed by a run of the
 * new list (memberships that began, since now). PostgreSQL builds the since-times from the slices
 * alone, no join, and uses them only when the same slices of the stored numbers give exactly the
 * new list (see EvaluationStore.SQL_STATES); anything else falls back to rebuilding them by number.
 *
 * <p>The edits are the numbers of the segments whose membership flipped since the list was last
 * written, in any order, a number flipped twice appearing twice: odd counts changed, the rest did
 * not. Pure logic, no Vert.x.
 */
final class MembershipEdits {

  /** Pairs of slices at most; a list changed in more places is rebuilt by number. */
  static final int PAIRS = 8;
  /** Ints of {@link #runs}: per pair the stored run (from, to) and the new run (from, to), 1-based and inclusive, then the stored list's length. */
  static final int LENGTH = PAIRS * 4 + 1;

  private MembershipEdits() {}

  /**
   * The slices that turn the stored list into {@code now} (ascending, distinct), given the edits
   * since it was written ({@code count} of {@code edits} used, may be 0), or null when more than
   * {@link #PAIRS} pairs would be needed. Unused pairs are empty slices after the lists' ends.
   */
  static int[] runs(int[] now, int[] edits, int count) {
    int[] changed = Arrays.copyOf(edits, count);
    Arrays.sort(changed);
    // the stored list = now without what entered, with what left: walk both in order
    int[] left = new int[count];
    int leftCount = 0;
    int[] entered = new int[count];
    int enteredCount = 0;
    for (int k = 0; k < count; ) {
      int x = changed[k];
      int same = k;
      while (same < count && changed[same] == x) {
        same++;
      }
      if (((same - k) & 1) == 1) {
        if (Arrays.binarySearch(now, x) >= 0) {
          entered[enteredCount++] = x;
        } else {
          left[leftCount++] = x;
        }
      }
      k = same;
    }
    int[] out = new int[LENGTH];
    int pairs = 0;
    int i = 1; // position in the stored list
    int j = 1; // position in the new list
    int e = 0;
    int l = 0;
    // the open pair: stored run [a, b], new run [c, d] (empty when b < a, d < c)
    int a = 0;
    int b = -1;
    int c = 0;
    int d = -1;
    boolean open = false;
    while (j <= now.length || l < leftCount) {
      if (l < leftCount && (j > now.length || left[l] < now[j - 1])) {
        l++;
        i++; // left: a gap in the stored list
      } else if (e < enteredCount && entered[e] == now[j - 1]) {
        if (!open) {
          a = i;
          b = i - 1;
          open = true;
        }
        if (d < c) {
          c = j;
        }
        d = j;
        e++;
        j++;
      } else {
        if (open && d < c && (b < a || b == i - 1)) {
          if (b < a) {
            a = i;
          }
          b = i;
        } else {
          if (open) {
            if (pairs == PAIRS) {
              return null;
            }
            put(out, pairs++, a, b, c, d);
          }
          a = i;
          b = i;
          c = j + 1;
          d = j;
          open = true;
        }
        i++;
        j++;
      }
    }
    if (open) {
      if (pairs == PAIRS) {
        return null;
      }
      put(out, pairs++, a, b, c, d);
    }
    int stored = i - 1;
    for (; pairs < PAIRS; pairs++) {
      put(out, pairs, stored + 1, stored, now.length + 1, now.length);
    }
    out[LENGTH - 1] = stored;
    return out;
  }

  private static void put(int[] out, int pair, int a, int b, int c, int d) {
    out[pair * 4] = a;
    out[pair * 4 + 1] = b;
    out[pair * 4 + 2] = c;
    out[pair * 4 + 3] = d;
  }
}
