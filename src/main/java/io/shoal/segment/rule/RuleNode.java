package io.shoal.segment.rule;

import java.time.DateTimeException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One node of a compiled rule tree: a group ({@link AllOf}, {@link AnyOf}, {@link Negation}) or
 * a condition. {@link CompiledRule} is the public face; nodes stay package-private so the tree
 * can change shape without touching callers.
 */
abstract class RuleNode {

  /** Where the rule was written, e.g. {@code rules[0].any[1]}; null for the implicit top-level all. */
  final String path;

  /**
   * For a condition (a field condition, bought or performed): its canonical text, equal for equal
   * conditions wherever they are written; set by {@link RuleCompiler}. Null for a group.
   */
  String leafKey;

  RuleNode(String path) {
    this.path = path;
  }

  /** Adds this rule's conditions to {@code out}, one per distinct {@link #leafKey}; groups recurse. */
  void addLeaves(Map<String, RuleLeaf> out) {
    if (leafKey != null) {
      out.putIfAbsent(leafKey, new RuleLeaf(this, leafKey));
    }
  }

  /** Whether the rule holds. The hot path: called per event and matching segment. */
  abstract boolean test(CustomerFacts c, Instant now);

  /**
   * The earliest instant after {@code now} at which {@link #test} could answer differently
   * with no new data; null if never. Only called when {@link #isTimeDependent()}; may be early,
   * never late.
   */
  abstract Instant nextFlip(CustomerFacts c, Instant now);

  /**
   * The same as {@link #nextFlip(CustomerFacts, Instant)} for a caller that already knows
   * whether the rule holds ({@code holds} must be {@code test(c, now)}): a node that would test
   * itself or its children again to find its flip uses the answer instead. The evaluator tests a
   * segment, then asks for its flip; a false bought condition counted its purchases twice.
   */
  Instant nextFlip(CustomerFacts c, Instant now, boolean holds) {
    return nextFlip(c, now);
  }

  /** Appends this rule's checks (pre-order) and returns whether it holds. */
  abstract boolean explain(CustomerFacts c, Instant now, List<Explanation.Check> out);

  abstract void addFieldsRead(Set<String> out);

  abstract boolean isTimeDependent();

  /** {@code t} compared with the instant (epochSecond, nano), without building an Instant. */
  static int compare(Instant t, long epochSecond, int nano) {
    int bySecond = Long.compare(t.getEpochSecond(), epochSecond);
    return bySecond != 0 ? bySecond : Integer.compare(t.getNano(), nano);
  }

  /**
   * {@code t + seconds + nanos}, or null when that lies beyond what an Instant can hold (a
   * fact like Instant.MAX): such a flip never comes.
   */
  static Instant later(Instant t, long seconds, long nanos) {
    try {
      return t.plusSeconds(seconds).plusNanos(nanos);
    } catch (DateTimeException | ArithmeticException e) {
      return null;
    }
  }

  static Instant earliest(Instant a, Instant b) {
    if (a == null) {
      return b;
    }
    if (b == null) {
      return a;
    }
    return a.isBefore(b) ? a : b;
  }
}
