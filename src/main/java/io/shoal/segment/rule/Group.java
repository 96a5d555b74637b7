package io.shoal.segment.rule;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A group of rules ({@link AllOf}, {@link AnyOf}): the two are duals, told apart by the child answer
 * that decides the group ({@code decisive}: false for "all", true for "any"). Each keeps its own
 * {@link #test}, the evaluator's hot path; what is written once here is the same for both with
 * the decisive answer in place of a constant.
 */
abstract class Group extends RuleNode {

  protected final RuleNode[] children;
  private final boolean decisive;
  private final String kind;
  private final boolean timeDependent;
  /** The children whose answer does not change with time alone, and the others. */
  private final RuleNode[] staticChildren;
  private final RuleNode[] timeChildren;

  Group(String path, List<RuleNode> children, boolean decisive, String kind) {
    super(path);
    this.children = children.toArray(new RuleNode[0]);
    this.decisive = decisive;
    this.kind = kind;
    this.timeDependent = children.stream().anyMatch(RuleNode::isTimeDependent);
    this.staticChildren = children.stream().filter(n -> !n.isTimeDependent()).toArray(RuleNode[]::new);
    this.timeChildren = children.stream().filter(RuleNode::isTimeDependent).toArray(RuleNode[]::new);
  }

  @Override
  Instant nextFlip(CustomerFacts c, Instant now) {
    if (!timeDependent) {
      return null;
    }
    // A child that gives the decisive answer and keeps giving it decides the group for good: no
    // timer needed, which spares a wake-up for every customer a static condition already decides
    // ("all": one false; "any": one true). The static children are tested first: one that decides
    // spares the time children's walks.
    for (RuleNode child : staticChildren) {
      if (child.test(c, now) == decisive) {
        return null;
      }
    }
    Instant earliest = null;
    for (RuleNode child : timeChildren) {
      Instant flip = child.nextFlip(c, now);
      if (flip == null && child.test(c, now) == decisive) {
        return null;
      }
      earliest = earliest(earliest, flip);
    }
    return earliest;
  }

  /**
   * Known not to be decided ("all" holding: every child holds; "any" not holding: none holds): no
   * child gives the decisive answer for good, and the earliest child flip is the group's.
   */
  @Override
  Instant nextFlip(CustomerFacts c, Instant now, boolean holds) {
    if (holds == decisive || !timeDependent) {
      return nextFlip(c, now);
    }
    Instant earliest = null;
    for (RuleNode child : timeChildren) {
      earliest = earliest(earliest, child.nextFlip(c, now, !decisive));
    }
    return earliest;
  }

  /** Every child explained (no short cut); the top-level rules array (no path) is not a check of its own. */
  @Override
  boolean explain(CustomerFacts c, Instant now, List<Explanation.Check> out) {
    int slot = out.size();
    if (path != null) {
      out.add(null); // the group's own check goes before its children's, once its result is known
    }
    boolean holds = !decisive;
    for (RuleNode child : children) {
      if (child.explain(c, now, out) == decisive) {
        holds = decisive;
      }
    }
    if (path != null) {
      out.set(slot, new Explanation.Check(path, null, kind, null, null, holds));
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
