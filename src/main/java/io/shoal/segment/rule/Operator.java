package io.shoal.segment.rule;

import java.util.Locale;

/** The comparison a condition makes, by the name it has in a rule's JSON. */
public enum Operator {
  EQ("eq"),
  NEQ("neq"),
  GT("gt"),
  GTE("gte"),
  LT("lt"),
  LTE("lte"),
  BETWEEN("between"),
  IN("in"),
  NIN("nin"),
  CONTAINS("contains"),
  STARTS_WITH("starts_with"),
  EXISTS("exists"),
  BEFORE("before"),
  AFTER("after"),
  WITHIN_LAST("within_last"),
  NOT_WITHIN_LAST("not_within_last");

  private final String wireName;

  Operator(String wireName) {
    this.wireName = wireName;
  }

  /** The name used in rule JSON, e.g. {@code starts_with}. */
  public String wireName() {
    return wireName;
  }

  /** The operator with this JSON name (case-insensitive), or {@code null}. */
  public static Operator fromWireName(String name) {
    String wanted = name.toLowerCase(Locale.ROOT);
    for (Operator op : values()) {
      if (op.wireName.equals(wanted)) {
        return op;
      }
    }
    return null;
  }

  @Override
  public String toString() {
    return wireName;
  }
}
