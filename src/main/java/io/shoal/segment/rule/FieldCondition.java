package io.shoal.segment.rule;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;

/** A condition on one field's value: {@code {"field": ..., "operator": ..., "value": ...}}. */
abstract class FieldCondition extends RuleNode {

  final Field field;
  final Operator operator;
  /** The value as written in the rule, as plain Java, for explanations. */
  private final Object expected;

  FieldCondition(String path, Field field, Operator operator, Object expected) {
    super(path);
    this.field = field;
    this.operator = operator;
    this.expected = expected;
  }

  /** Whether the condition holds for the field's value, which is null when the customer has none. */
  abstract boolean holds(Object value, Instant now);

  @Override
  final boolean test(CustomerFacts c, Instant now) {
    return holds(c.value(field.name()), now);
  }

  @Override
  Instant nextFlip(CustomerFacts c, Instant now) {
    return null;
  }

  @Override
  final boolean explain(CustomerFacts c, Instant now, List<Explanation.Check> out) {
    Object value = c.value(field.name());
    boolean holds = holds(value, now);
    out.add(new Explanation.Check(path, field.name(), operator.wireName(), expected,
        snapshot(value), holds));
    return holds;
  }

  /** Lists are copied so an explanation does not change under the caller when facts do. */
  private static Object snapshot(Object value) {
    if (value instanceof List<?> list) {
      return Collections.unmodifiableList(new ArrayList<>(list));
    }
    return value;
  }

  @Override
  final void addFieldsRead(Set<String> out) {
    out.add(field.name());
  }

  @Override
  boolean isTimeDependent() {
    return false;
  }
}
