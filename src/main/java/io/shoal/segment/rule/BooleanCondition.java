package io.shoal.segment.rule;

import java.time.Instant;

/** {@code eq} / {@code neq} on a boolean field. A missing value is neither true nor false. */
final class BooleanCondition extends FieldCondition {

  private final Boolean value;

  BooleanCondition(String path, Field field, Operator operator, boolean value, Object expected) {
    super(path, field, operator, expected);
    this.value = value;
  }

  @Override
  boolean holds(Object actual, Instant now) {
    if (actual == null) {
      return operator == Operator.NEQ;
    }
    boolean same = value.equals(actual);
    return operator == Operator.EQ ? same : !same;
  }
}
