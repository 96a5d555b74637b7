package io.shoal.segment.rule;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** {@code {"not": rule}}: holds when the rule does not. Flips exactly when the rule does. */
final class Negation extends RuleNode {

  private final RuleNode child;

  Negation(String path, RuleNode child) {
    super(path);
    this.child = child;
  }

  @Override
  boolean test(CustomerFacts c, Instant now) {
    return !child.test(c, now);
  }

  @Override
  Instant nextFlip(CustomerFacts c, Instant now) {
    return child.isTimeDependent() ? child.nextFlip(c, now) : null;
  }

  @Override
  Instant nextFlip(CustomerFacts c, Instant now, boolean holds) {
    return child.isTimeDependent() ? child.nextFlip(c, now, !holds) : null;
  }

  @Override
  boolean explain(CustomerFacts c, Instant now, List<Explanation.Check> out) {
    int slot = out.size();
    out.add(null);
    boolean holds = !child.explain(c, now, out);
    out.set(slot, new Explanation.Check(path, null, "not", null, null, holds));
    return holds;
  }

  @Override
  void addLeaves(Map<String, RuleLeaf> out) {
    child.addLeaves(out);
  }

  @Override
  void addFieldsRead(Set<String> out) {
    child.addFieldsRead(out);
  }

  @Override
  boolean isTimeDependent() {
    return child.isTimeDependent();
  }
}
