package io.shoal.segment.rule;

import java.time.Instant;
import java.util.List;

/** {@code {"all": [...]}}, and the top-level rules array: every child must hold. */
final class AllOf extends Group {

  AllOf(String path, List<RuleNode> children) {
    super(path, children, false, "all");
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
}
