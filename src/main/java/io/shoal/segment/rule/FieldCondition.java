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
  /**
   * A typed custom attribute ({@code metadata.<key>} declared number or date): the stored
   * value is text, parsed here at each test; text that does not parse counts as missing.
   */
  private final boolean typedAttribute;
  /** The value as written in the rule, as plain Java, for explanations. */
  private final Object expected;

  FieldCondition(String path, Field field, Operator operator, Object expected) {
    super(path);
    this.field = field;
    this.operator = operator;
    this.expected = expected;
    this.typedAttribute = field.name().startsWith(AttributeTypes.PREFIX) && field.type() != FieldType.STRING;
  }

  /** The field's value for this customer, as the field's type says (typed attributes parsed). */
  final Object read(CustomerFacts c) {
    Object raw = c.value(field.name());
    return typedAttribute ? AttributeTypes.parse(field.type(), raw) : raw;
  }

  /** Whether the condition holds for the field's value, which is null when the customer has none. */
  abstract boolean holds(Object value, Instant now);

  @Override
  final boolean test(CustomerFacts c, Instant now) {
    return holds(read(c), now);
  }

  @Override
  Instant nextFlip(CustomerFacts c, Instant now) {
    return null;
  }

  @Override
  final boolean explain(CustomerFacts c, Instant now, List<Explanation.Check> out) {
    Object value = read(c);
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
