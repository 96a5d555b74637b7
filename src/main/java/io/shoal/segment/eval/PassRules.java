package io.shoal.segment.eval;

import io.shoal.segment.rule.CompiledRule;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * The distinct top-level rules of a backfill pass's segments, each tested at most once per
 * customer: a segment's rule is the conjunction of its top-level rules ({@link
 * CompiledRule#topLevel()}), and segments share many of them (bench/engine's 1,000 segments have
 * 1,965 top-level rules, 836 distinct). The pass tests customer after customer against all its
 * segments; each rule's answer, and its next flip (holding or not), is worked out once for the
 * customer and reused by every segment built with it.
 *
 * <pre>
 *   stepsOf(segment) --> ids of its top-level rules (equal keys, one id)
 *   next customer: begin() --> test(id) / nextFlip(id) / nextFlipHolding(id), each computed once
 * </pre>
 *
 * Answers are memos of {@link CompiledRule#test} and {@link CompiledRule#nextFlip}, valid for one
 * customer and one instant: {@link #begin} forgets them. Runs on its partition's loop only.
 */
final class PassRules {

  private static final Instant NONE = Instant.MIN;

  private final Map<String, Integer> ids = new HashMap<>();
  private final List<CompiledRule> rules = new ArrayList<>();
  private final Map<LiveSegment, int[]> bySegment = new IdentityHashMap<>();
  /** Per rule: whether it depends on time (asked for every segment and customer: a virtual call through the rule tree). */
  private boolean[] timeDependent = new boolean[16];

  /** Per rule: the customer (begin's count) its test answer is for, and the answer. */
  private int[] tested = new int[16];
  private boolean[] holds = new boolean[16];
  /** Per rule: the customer its next flip (not known to hold) is for, and the flip (NONE: null). */
  private int[] flipped = new int[16];
  private Instant[] flip = new Instant[16];
  /** The same for the next flip of a rule known to hold. */
  private int[] flippedHolding = new int[16];
  private Instant[] flipHolding = new Instant[16];
  /** Counts begin(): the customer the answers are for (1 before the first, as no slot says). */
  private int customer = 1;

  /** The ids of the segment's top-level rules, in order (the same for every segment sharing one). */
  int[] stepsOf(LiveSegment s) {
    return bySegment.computeIfAbsent(s, k -> {
      List<CompiledRule> steps = k.rule.topLevel();
      int[] out = new int[steps.size()];
      for (int i = 0; i < out.length; i++) {
        CompiledRule step = steps.get(i);
        out[i] = ids.computeIfAbsent(step.key(), key -> {
          rules.add(step);
          return rules.size() - 1;
        });
      }
      grow();
      for (int id : out) {
        timeDependent[id] = rules.get(id).isTimeDependent();
      }
      return out;
    });
  }

  private List<PartitionCore.Backfill> lastSyncs;
  private int[][] lastSteps;

  /**
   * {@link #stepsOf(LiveSegment)} of each sync, in order; the same arrays again while the pass
   * hands the same list (slice after slice of a few customers each, with a thousand syncs).
   */
  int[][] stepsOf(List<PartitionCore.Backfill> syncs) {
    if (syncs != lastSyncs) {
      int[][] steps = new int[syncs.size()][];
      for (int k = 0; k < steps.length; k++) {
        steps[k] = stepsOf(syncs.get(k).segment());
      }
      lastSyncs = syncs;
      lastSteps = steps;
    }
    return lastSteps;
  }

  /** The number of distinct rules seen. */
  int distinct() {
    return rules.size();
  }

  private void grow() {
    if (tested.length < rules.size()) {
      int n = Math.max(rules.size(), tested.length * 2);
      tested = Arrays.copyOf(tested, n);
      holds = Arrays.copyOf(holds, n);
      flipped = Arrays.copyOf(flipped, n);
      flip = Arrays.copyOf(flip, n);
      flippedHolding = Arrays.copyOf(flippedHolding, n);
      flipHolding = Arrays.copyOf(flipHolding, n);
      timeDependent = Arrays.copyOf(timeDependent, n);
    }
  }

  /** The next customer: every answer worked out so far is forgotten. */
  void begin() {
    customer++;
  }

  boolean test(int id, CustomerState c, Instant now) {
    if (tested[id] != customer) {
      tested[id] = customer;
      holds[id] = rules.get(id).test(c, now);
    }
    return holds[id];
  }

  /** {@link CompiledRule#nextFlip(io.shoal.segment.rule.CustomerFacts, Instant)} of the rule. */
  Instant nextFlip(int id, CustomerState c, Instant now) {
    if (flipped[id] != customer) {
      flipped[id] = customer;
      Instant f = rules.get(id).nextFlip(c, now);
      flip[id] = f == null ? NONE : f;
    }
    return flip[id] == NONE ? null : flip[id];
  }

  /** The same for a rule that holds ({@link CompiledRule#nextFlip(io.shoal.segment.rule.CustomerFacts, Instant, boolean)}). */
  Instant nextFlipHolding(int id, CustomerState c, Instant now) {
    if (flippedHolding[id] != customer) {
      flippedHolding[id] = customer;
      Instant f = rules.get(id).nextFlip(c, now, true);
      flipHolding[id] = f == null ? NONE : f;
    }
    return flipHolding[id] == NONE ? null : flipHolding[id];
  }

  boolean isTimeDependent(int id) {
    return timeDependent[id];
  }

  /**
   * The next flip of a segment made of the rules {@code steps}, as its {@link CompiledRule#nextFlip(
   * io.shoal.segment.rule.CustomerFacts, Instant, boolean)} answers it (the whole rule is the
   * conjunction of its steps, an all-of group): holding, the earliest flip of its time-dependent
   * steps; not holding, none when a step that does not depend on time fails (it stays false until
   * data changes) or a time-dependent one fails and never flips, else the earliest of their flips.
   * {@code failed} is the first step known to fail (steps.length when it holds).
   */
  Instant nextFlip(int[] steps, int failed, CustomerState c, Instant now) {
    Instant earliest = null;
    if (failed == steps.length) {
      for (int id : steps) {
        if (isTimeDependent(id)) {
          earliest = earliest(earliest, nextFlipHolding(id, c, now));
        }
      }
      return earliest;
    }
    if (!isTimeDependent(steps[failed])) {
      return null;
    }
    for (int id : steps) {
      if (!isTimeDependent(id) && !test(id, c, now)) {
        return null;
      }
    }
    for (int id : steps) {
      if (isTimeDependent(id)) {
        Instant f = nextFlip(id, c, now);
        if (f == null && !test(id, c, now)) {
          return null;
        }
        earliest = earliest(earliest, f);
      }
    }
    return earliest;
  }

  private static Instant earliest(Instant a, Instant b) {
    return a == null ? b : b == null || a.isBefore(b) ? a : b;
  }
}
