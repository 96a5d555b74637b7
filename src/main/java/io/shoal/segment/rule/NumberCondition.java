package io.shoal.segment.rule;

import java.time.Instant;

/** A condition on an integer, decimal or money field. Equality is numeric: 500 eq 500.00. */
final class NumberCondition extends FieldCondition {

  private final NumberLiteral value;
  /** For between: the inclusive upper bound ({@link #value} is the lower). */
  private final NumberLiteral high;
  /**
   * For in / nin: the values sorted, searched by binary search. Not a HashSet: facts come as
   * Long or BigDecimal, and BigDecimal equality depends on scale (5.0 != 5.00), so a hash
   * lookup would need each fact converted and normalised, an allocation per test.
   */
  private final NumberLiteral[] sorted;

  NumberCondition(String path, Field field, Operator operator, NumberLiteral value,
      NumberLiteral high, NumberLiteral[] sorted, Object expected) {
    super(path, field, operator, expected);
    this.value = value;
    this.high = high;
    this.sorted = sorted;
  }

  @Override
  boolean holds(Object actual, Instant now) {
    if (actual == null) {
      return operator == Operator.NEQ || operator == Operator.NIN;
    }
    Number n = (Number) actual;
    return switch (operator) {
      case EQ -> value.compareFact(n) == 0;
      case NEQ -> value.compareFact(n) != 0;
      case GT -> value.compareFact(n) > 0;
      case GTE -> value.compareFact(n) >= 0;
      case LT -> value.compareFact(n) < 0;
      case LTE -> value.compareFact(n) <= 0;
      case BETWEEN -> value.compareFact(n) >= 0 && high.compareFact(n) <= 0;
      case IN -> isOneOf(n);
      case NIN -> !isOneOf(n);
      default -> throw new IllegalStateException("not a number operator: " + operator);
    };
  }

  private boolean isOneOf(Number n) {
    int low = 0;
    int high = sorted.length - 1;
    while (low <= high) {
      int mid = (low + high) >>> 1;
      int c = sorted[mid].compareFact(n);
      if (c == 0) {
        return true;
      }
      if (c > 0) {
        low = mid + 1;
      } else {
        high = mid - 1;
      }
    }
    return false;
  }
}
