package io.shoal.segment.rule;

import java.time.Instant;
import java.util.Set;

/** A condition on a string field; every comparison ignores case. */
final class TextCondition extends FieldCondition {

  private final String value;
  /** For in / nin: the values, case-folded. */
  private final Set<String> folded;

  TextCondition(String path, Field field, Operator operator, String value, Set<String> folded,
      Object expected) {
    super(path, field, operator, expected);
    this.value = value;
    this.folded = folded;
  }

  @Override
  boolean holds(Object actual, Instant now) {
    if (actual == null) {
      return operator == Operator.NEQ || operator == Operator.NIN;
    }
    // metadata values may be JSON numbers or booleans; they compare by their text.
    String text = actual instanceof String s ? s : String.valueOf(actual);
    return switch (operator) {
      case EQ -> text.equalsIgnoreCase(value);
      case NEQ -> !text.equalsIgnoreCase(value);
      case IN -> folded.contains(CaseFold.foldRemembered(text));
      case NIN -> !folded.contains(CaseFold.foldRemembered(text));
      case CONTAINS -> CaseFold.contains(text, value);
      case STARTS_WITH -> CaseFold.startsWith(text, value);
      default -> throw new IllegalStateException("not a string operator: " + operator);
    };
  }
}
