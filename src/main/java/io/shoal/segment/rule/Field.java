package io.shoal.segment.rule;

/**
 * One field a condition can test: its name as written in rules, the type of its value, and
 * where the value comes from (the evaluator uses the source to know what it must load).
 */
public record Field(String name, FieldType type, Source source) {

  /** Where a field's value comes from. */
  public enum Source {
    /** Written by the store through the customers API. */
    PROFILE,
    /** Computed by Shoal from orders, carts and events. */
    AGGREGATE,
    /** Computed by the metrics jobs (RFM, churn and lifetime-value models). */
    METRIC
  }
}
