package io.shoal.segment.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The slices of {@link MembershipEdits#runs}, applied the way EvaluationStore's state statement
 * applies them (PostgreSQL's 1-based inclusive slices, empty when the end is before the start),
 * against the stored list: the kept memberships keep their times, the begun ones get now, and
 * when the evaluator's idea of the stored list is wrong the statement's check fails (it then
 * rebuilds by number) rather than answer wrong times.
 */
class MembershipEditsTest {

  static final long NOW = -1;

  /** PostgreSQL's a[from:to] of a 1-based array. */
  static List<Long> slice(long[] a, int from, int to) {
    List<Long> out = new ArrayList<>();
    for (int k = Math.max(1, from); k <= Math.min(a.length, to); k++) {
      out.add(a[k - 1]);
    }
    return out;
  }

  /** What the statement writes: the new since-times, or null when its check sends it to the rebuild by number. */
  static long[] applied(int[] stored, long[] storedSince, int[] now, int[] runs) {
    if (runs == null || stored.length != runs[MembershipEdits.LENGTH - 1]) {
      return null;
    }
    long[] storedNums = Arrays.stream(stored).asLongStream().toArray();
    long[] nowNums = Arrays.stream(now).asLongStream().toArray();
    List<Long> nums = new ArrayList<>();
    List<Long> since = new ArrayList<>();
    for (int p = 0; p < MembershipEdits.PAIRS; p++) {
      int h = p * 4;
      nums.addAll(slice(storedNums, runs[h], runs[h + 1]));
      nums.addAll(slice(nowNums, runs[h + 2], runs[h + 3]));
      since.addAll(slice(storedSince, runs[h], runs[h + 1]));
      for (int k = 0; k < runs[h + 3] - runs[h + 2] + 1; k++) {
        since.add(NOW);
      }
    }
    List<Long> begun = new ArrayList<>();
    for (int p = 0; p < MembershipEdits.PAIRS; p++) {
      begun.addAll(slice(nowNums, runs[p * 4 + 2], runs[p * 4 + 3]));
    }
    if (!nums.equals(Arrays.stream(nowNums).boxed().toList())
        || Arrays.stream(storedNums).anyMatch(begun::contains)) { // the statement's &&
      return null;
    }
    return since.stream().mapToLong(Long::longValue).toArray();
  }

  /** What the rebuild by number writes (and what the statement must equal when its check passes). */
  static long[] byNumber(int[] stored, long[] storedSince, int[] now) {
    long[] out = new long[now.length];
    for (int i = 0; i < now.length; i++) {
      out[i] = NOW;
      for (int k = 0; k < stored.length; k++) {
        if (stored[k] == now[i]) {
          out[i] = storedSince[k];
        }
      }
    }
    return out;
  }

  static int[] sorted(TreeSet<Integer> s) {
    return s.stream().mapToInt(Integer::intValue).toArray();
  }

  @Test
  void random_flips_since_the_last_write_keep_every_kept_time_and_give_the_begun_ones_now() {
    Random random = new Random(14);
    int applied = 0;
    for (int round = 0; round < 20_000; round++) {
      int segments = 1 + random.nextInt(round % 3 == 0 ? 8 : 200);
      TreeSet<Integer> stored = new TreeSet<>();
      for (int n = 1; n <= segments; n++) {
        if (random.nextInt(4) == 0) {
          stored.add(n);
        }
      }
      TreeSet<Integer> now = new TreeSet<>(stored);
      int flips = random.nextInt(round % 5 == 0 ? 40 : 8);
      int[] edits = flip(random, now, flips, segments);
      int[] s = sorted(stored);
      long[] since = new long[s.length];
      for (int k = 0; k < s.length; k++) {
        since[k] = 1000 + random.nextInt(5);
      }
      int[] n = sorted(now);
      int[] runs = MembershipEdits.runs(n, edits, flips);
      long[] got = applied(s, since, n, runs);
      if (runs != null) {
        assertNotNull(got, "the statement's check must pass when the edits are right: " + stored + " -> " + now);
        applied++;
      }
      if (got != null) {
        assertArrayEquals(byNumber(s, since, n), got, stored + " -> " + now + " by " + Arrays.toString(edits));
      }
    }
    assertTrue(applied > 18_000, "nearly all lists are made of slices: " + applied);
  }

  @Test
  void when_the_stored_list_is_not_what_the_evaluator_thinks_the_check_fails_or_the_times_are_still_right() {
    Random random = new Random(15);
    for (int round = 0; round < 20_000; round++) {
      int segments = 1 + random.nextInt(30);
      TreeSet<Integer> believed = new TreeSet<>();
      TreeSet<Integer> stored = new TreeSet<>();
      for (int n = 1; n <= segments; n++) {
        if (random.nextInt(3) == 0) {
          believed.add(n);
        }
        // the stored list differs from the belief by a few numbers
        if (believed.contains(n) != (random.nextInt(10) == 0)) {
          stored.add(n);
        }
      }
      TreeSet<Integer> now = new TreeSet<>(believed);
      int flips = random.nextInt(6);
      int[] edits = flip(random, now, flips, segments);
      int[] s = sorted(stored);
      long[] since = new long[s.length];
      for (int k = 0; k < s.length; k++) {
        since[k] = 1000 + k;
      }
      int[] n = sorted(now);
      long[] got = applied(s, since, n, MembershipEdits.runs(n, edits, flips));
      if (got != null) {
        assertArrayEquals(byNumber(s, since, n), got, "stored " + stored + ", believed " + believed + " -> " + now);
      }
    }
  }

  @Test
  void unused_pairs_are_empty_slices_and_too_many_changes_give_no_runs() {
    int[] runs = MembershipEdits.runs(new int[] {2, 4, 6}, new int[] {4}, 1);
    // stored 2,6: kept 2, begun 4, kept 6
    assertEquals(2, runs[MembershipEdits.LENGTH - 1]);
    assertArrayEquals(new int[] {1, 1, 2, 2, 2, 2, 4, 3}, Arrays.copyOf(runs, 8));
    int[] none = MembershipEdits.runs(new int[] {}, new int[] {}, 0);
    assertEquals(0, none[MembershipEdits.LENGTH - 1]);
    int[] many = new int[40];
    int[] now = new int[20];
    for (int i = 0; i < 20; i++) {
      now[i] = i * 2 + 1;
      many[i] = i * 2; // 20 left between the kept ones: 20 pairs
    }
    assertNull(MembershipEdits.runs(now, many, 20));
  }

  /** Flips {@code flips} random segment numbers of {@code now} (a number may flip twice); answers them in order. */
  private static int[] flip(Random random, TreeSet<Integer> now, int flips, int segments) {
    int[] edits = new int[flips];
    for (int f = 0; f < flips; f++) {
      int n = 1 + random.nextInt(segments);
      edits[f] = n;
      if (!now.remove(n)) {
        now.add(n);
      }
    }
    return edits;
  }
}
