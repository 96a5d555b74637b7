package io.shoal.segment.rule;

import java.time.Instant;
import java.util.List;

/**
 * {@code exists}: the customer has a value for the field. An empty list counts as no value
 * (no tags is the same as tags never set); an empty string is a value.
 */
final class ExistsCondition extends FieldCondition {

  private final boolean wanted;

  ExistsCondition(String path, Field field, boolean wanted, Object expected) {
    super(path, field, Operator.EXISTS, expected);
    this.wanted = wanted;
  }

  @Override
  boolean holds(Object value, Instant now) {
    boolean present = value != null && !(value instanceof List<?> list && list.isEmpty());
    return present == wanted;
  }
}
