package io.shoal.segment.rule;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** {@code {"all": [...]}}, and the top-level rules array: every child must hold. */
final class AllOf extends RuleNode {

  private final RuleNode[] children;
  private final boolean timeDependent;
  /** The children whose answer does not change with time alone, and the others. */
  private final RuleNode[] staticChildren;
  private final RuleNode[] timeChildren;

  AllOf(String path, List<RuleNode> children) {
    super(path);
    this.children = children.toArray(new RuleNode[0]);
    this.timeDependent = children.stream().anyMatch(RuleNode::isTimeDependent);
    this.staticChildren = children.stream().filter(n -> !n.isTimeDependent()).toArray(RuleNode[]::new);
    this.timeChildren = children.stream().filter(RuleNode::isTimeDependent).toArray(RuleNode[]::new);
  }

  @Override
  boolean test(CustomerFacts c, Instant now) {
    for (RuleNode child : children) {
      if (!child.test(c, now)) {
        return false;
      }
    }
    return true;
  }

  @Override
  Instant nextFlip(CustomerFacts c, Instant now) {
    if (!timeDependent) {
      return null;
    }
    // A child that is false and stays false keeps the whole group false: no timer needed,
    // which spares a wake-up for every customer a static condition already rules out. The
    // static children are tested first: one that is false spares the time children's walks.
    for (RuleNode child : staticChildren) {
      if (!child.test(c, now)) {
        return null;
      }
    }
    Instant earliest = null;
    for (RuleNode child : timeChildren) {
      Instant flip = child.nextFlip(c, now);
      if (flip == null && !child.test(c, now)) {
        return null;
      }
      earliest = earliest(earliest, flip);
    }
    return earliest;
  }

  /** Holding, every child holds: none is false for good, and the earliest child flip is the group's. */
  @Override
  Instant nextFlip(CustomerFacts c, Instant now, boolean holds) {
    if (!holds || !timeDependent) {
      return nextFlip(c, now);
    }
    Instant earliest = null;
    for (RuleNode child : timeChildren) {
      earliest = earliest(earliest, child.nextFlip(c, now, true));
    }
    return earliest;
  }

  @Override
  boolean explain(CustomerFacts c, Instant now, List<Explanation.Check> out) {
    int slot = out.size();
    if (path != null) {
      out.add(null); // the group's own check goes before its children's, once its result is known
    }
    boolean holds = true;
    for (RuleNode child : children) {
      holds &= child.explain(c, now, out);
    }
    if (path != null) {
      out.set(slot, new Explanation.Check(path, null, "all", null, null, holds));
    }
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
