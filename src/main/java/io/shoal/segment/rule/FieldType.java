package io.shoal.segment.rule;

import static io.shoal.segment.rule.Operator.AFTER;
import static io.shoal.segment.rule.Operator.BEFORE;
import static io.shoal.segment.rule.Operator.BETWEEN;
import static io.shoal.segment.rule.Operator.CONTAINS;
import static io.shoal.segment.rule.Operator.EQ;
import static io.shoal.segment.rule.Operator.EXISTS;
import static io.shoal.segment.rule.Operator.GT;
import static io.shoal.segment.rule.Operator.GTE;
import static io.shoal.segment.rule.Operator.IN;
import static io.shoal.segment.rule.Operator.LT;
import static io.shoal.segment.rule.Operator.LTE;
import static io.shoal.segment.rule.Operator.NEQ;
import static io.shoal.segment.rule.Operator.NIN;
import static io.shoal.segment.rule.Operator.NOT_WITHIN_LAST;
import static io.shoal.segment.rule.Operator.STARTS_WITH;
import static io.shoal.segment.rule.Operator.WITHIN_LAST;

import java.util.Collections;
import java.util.EnumSet;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What kind of value a field holds, which decides the operators a condition on it may use and
 * the Java type {@link CustomerFacts#value(String)} returns for it.
 */
public enum FieldType {
  /** {@code String}; compared case-insensitively. */
  STRING("string", EnumSet.of(EQ, NEQ, IN, NIN, CONTAINS, STARTS_WITH, EXISTS)),
  /** {@code List<String>}; tags, products bought. Elements compared case-insensitively. */
  STRING_LIST("string list", EnumSet.of(CONTAINS, IN, NIN, EXISTS)),
  /** {@code Boolean}. */
  BOOLEAN("boolean", EnumSet.of(EQ, NEQ, EXISTS)),
  /** {@code Long} (any {@code Number} is accepted): counts and scores. */
  INTEGER("number", numberOperators()),
  /** {@code BigDecimal} (any {@code Number} is accepted). */
  DECIMAL("number", numberOperators()),
  /** {@code BigDecimal} in the store's currency; compared like {@link #DECIMAL}. */
  MONEY("number", numberOperators()),
  /** {@code Instant}. */
  TIME("time", EnumSet.of(BEFORE, AFTER, GT, GTE, LT, LTE, BETWEEN, WITHIN_LAST, NOT_WITHIN_LAST, EXISTS));

  private final String label;
  private final Set<Operator> operators;

  FieldType(String label, EnumSet<Operator> operators) {
    this.label = label;
    this.operators = Collections.unmodifiableSet(operators);
  }

  private static EnumSet<Operator> numberOperators() {
    return EnumSet.of(EQ, NEQ, GT, GTE, LT, LTE, BETWEEN, IN, NIN, EXISTS);
  }

  /** How error messages name the type: integers, decimals and money are all "number". */
  public String label() {
    return label;
  }

  /** The operators a condition on a field of this type may use. */
  public Set<Operator> operators() {
    return operators;
  }

  String operatorList() {
    return operators.stream().map(Operator::wireName).collect(Collectors.joining(", "));
  }
}
