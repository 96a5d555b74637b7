package io.shoal.segment.rule;

import java.time.Instant;
import java.util.List;

/** {@code {"any": [...]}}: at least one child must hold. */
final class AnyOf extends Group {

  AnyOf(String path, List<RuleNode> children) {
    super(path, children, true, "any");
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
}
