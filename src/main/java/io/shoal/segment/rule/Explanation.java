package io.shoal.segment.rule;

import java.util.List;

/**
 * Why a customer is or is not in a segment: the overall answer and one {@link Check} per rule,
 * in the order the rules are written (a group comes before the rules inside it).
 *
 * <p>Values are plain Java: {@code String}, {@code Number}, {@code Boolean}, {@code Instant},
 * {@code List} and {@code Map}, so callers may render them as they like.
 */
public record Explanation(boolean matches, List<Check> checks) {

  public Explanation {
    checks = List.copyOf(checks);
  }

  /**
   * One rule's result for the customer.
   *
   * @param path where the rule is, e.g. {@code rules[0].any[1]}
   * @param field the field tested; {@code purchases} or {@code events:<type>} for behaviour
   *     conditions; null for the groups {@code all}, {@code any} and {@code not}
   * @param operator the operator as written ({@code gte}, ...), or {@code bought},
   *     {@code performed}, {@code all}, {@code any}, {@code not}
   * @param expected the value as written in the rule (a List for between/in/nin, a Map for
   *     bought/performed, null for groups)
   * @param actual what the customer has: the field's value (null if missing), or for
   *     behaviour conditions the number of purchases or events counted in the window
   * @param holds whether this rule holds for the customer
   */
  public record Check(String path, String field, String operator, Object expected, Object actual,
      boolean holds) {}
}
