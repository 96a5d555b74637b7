package io.shoal.segment.rule;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** {@code {"any": [...]}}: at least one child must hold. */
final class AnyOf extends RuleNode {

  private final RuleNode[] children;
  private final boolean timeDependent;
  /** The children whose answer does not change with time alone, and the others. */
  private final RuleNode[] staticChildren;
  private final RuleNode[] timeChildren;

  AnyOf(String path, List<RuleNode> children) {
    super(path);
    this.children = children.toArray(new RuleNode[0]);
    this.timeDependent = children.stream().anyMatch(RuleNode::isTimeDependent);
    this.staticChildren = children.stream().filter(n -> !n.isTimeDependent()).toArray(RuleNode[]::new);
    this.timeChildren = children.stream().filter(RuleNode::isTimeDependent).toArray(RuleNode[]::new);
  }

  @Override
  boolean test(CustomerFacts c, Instant now) {
    for (RuleNode child : children) {
      if (child.test(c, now)) {
        return true;
      }
    }
    return false;
  }

  @Override
  Instant nextFlip(CustomerFacts c, Instant now) {
    if (!timeDependent) {
      return null;
    }
    // A child that holds and keeps holding keeps the whole group true. The static children are
    // tested first: one that holds spares the time children's walks.
    for (RuleNode child : staticChildren) {
      if (child.test(c, now)) {
        return null;
      }
    }
    Instant earliest = null;
    for (RuleNode child : timeChildren) {
      Instant flip = child.nextFlip(c, now);
      if (flip == null && child.test(c, now)) {
        return null;
      }
      earliest = earliest(earliest, flip);
    }
    return earliest;
  }

  /** Not holding, no child holds: none is true for good, and the earliest child flip is the group's. */
  @Override
  Instant nextFlip(CustomerFacts c, Instant now, boolean holds) {
    if (holds || !timeDependent) {
      return nextFlip(c, now);
    }
    Instant earliest = null;
    for (RuleNode child : timeChildren) {
      earliest = earliest(earliest, child.nextFlip(c, now, false));
    }
    return earliest;
  }

  @Override
  boolean explain(CustomerFacts c, Instant now, List<Explanation.Check> out) {
    int slot = out.size();
    out.add(null); // the group's own check goes before its children's, once its result is known
    boolean holds = false;
    for (RuleNode child : children) {
      holds |= child.explain(c, now, out);
    }
    out.set(slot, new Explanation.Check(path, null, "any", null, null, holds));
    return holds;
  }

  @Override
  void addLeaves(Map<String, RuleLeaf> out) {
    for (RuleNode child : children) {
      child.addLeaves(out);
    }
  }

  @Override
  void addFieldsRead(Set<String> out) {
    for (RuleNode child : children) {
      child.addFieldsRead(out);
    }
  }

  @Override
  boolean isTimeDependent() {
    return timeDependent;
  }
}
