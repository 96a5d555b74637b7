package io.shoal.segment.rule;

import java.math.BigDecimal;
import java.math.BigInteger;

/**
 * A number written in a rule, kept both as a BigDecimal and, when whole, as a long: counts
 * arrive as Long and compare as longs, money arrives as BigDecimal and compares exactly.
 * Either way no object is created per comparison.
 */
final class NumberLiteral implements Comparable<NumberLiteral> {

  final BigDecimal decimal;
  private final boolean whole;
  private final long longValue;

  private NumberLiteral(BigDecimal decimal) {
    this.decimal = decimal;
    long exact = 0;
    boolean fits;
    try {
      exact = decimal.longValueExact();
      fits = true;
    } catch (ArithmeticException e) {
      fits = false;
    }
    this.whole = fits;
    this.longValue = exact;
  }

  /** The literal for a JSON number, or null when it is not a finite number. */
  static NumberLiteral of(Object json) {
    BigDecimal d = toDecimal(json);
    return d == null ? null : new NumberLiteral(d);
  }

  private static BigDecimal toDecimal(Object json) {
    if (json instanceof BigDecimal d) {
      return d;
    }
    if (json instanceof Integer || json instanceof Long || json instanceof Short || json instanceof Byte) {
      return BigDecimal.valueOf(((Number) json).longValue());
    }
    if (json instanceof BigInteger i) {
      return new BigDecimal(i);
    }
    if (json instanceof Double || json instanceof Float) {
      double d = ((Number) json).doubleValue();
      // valueOf goes through Double.toString, so 19.99 stays 19.99 rather than its binary expansion.
      return Double.isFinite(d) ? BigDecimal.valueOf(d) : null;
    }
    return null;
  }

  /** Sign of {@code actual - this}; {@code actual} is a fact's Number (Long, BigDecimal, ...). */
  int compareFact(Number actual) {
    if (actual instanceof Long || actual instanceof Integer || actual instanceof Short
        || actual instanceof Byte) {
      long v = actual.longValue();
      return whole ? Long.compare(v, longValue) : BigDecimal.valueOf(v).compareTo(decimal);
    }
    if (actual instanceof BigDecimal d) {
      return d.compareTo(decimal);
    }
    BigDecimal d = toDecimal(actual);
    if (d == null) {
      // NaN or infinity in a fact: place it consistently, above every literal.
      return 1;
    }
    return d.compareTo(decimal);
  }

  @Override
  public int compareTo(NumberLiteral other) {
    return decimal.compareTo(other.decimal);
  }

  @Override
  public String toString() {
    return decimal.toPlainString();
  }
}
