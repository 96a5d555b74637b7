package io.shoal.segment.rule;

import java.time.Instant;
import java.util.List;
import java.util.RandomAccess;
import java.util.Set;

/**
 * A condition on a list of strings (tags, products bought): {@code contains} one element,
 * {@code in} (has any of the values), {@code nin} (has none of them). Elements compare ignoring case.
 */
final class TextListCondition extends FieldCondition {

  private final String value;
  private final Set<String> folded;

  TextListCondition(String path, Field field, Operator operator, String value, Set<String> folded,
      Object expected) {
    super(path, field, operator, expected);
    this.value = value;
    this.folded = folded;
  }

  @Override
  boolean holds(Object actual, Instant now) {
    List<?> elements = (List<?>) actual;
    return switch (operator) {
      case CONTAINS -> elements != null && hasElement(elements);
      case IN -> elements != null && hasAnyOf(elements);
      case NIN -> elements == null || !hasAnyOf(elements);
      default -> throw new IllegalStateException("not a string list operator: " + operator);
    };
  }

  private boolean hasElement(List<?> elements) {
    // Indexed, not for-each: an iterator per test is garbage unless the JIT removes it.
    if (elements instanceof RandomAccess) {
      for (int i = 0, n = elements.size(); i < n; i++) {
        if (elements.get(i) instanceof String s && s.equalsIgnoreCase(value)) {
          return true;
        }
      }
      return false;
    }
    for (Object e : elements) {
      if (e instanceof String s && s.equalsIgnoreCase(value)) {
        return true;
      }
    }
    return false;
  }

  private boolean hasAnyOf(List<?> elements) {
    if (elements instanceof RandomAccess) {
      for (int i = 0, n = elements.size(); i < n; i++) {
        if (elements.get(i) instanceof String s && folded.contains(CaseFold.foldRemembered(s))) {
          return true;
        }
      }
      return false;
    }
    for (Object e : elements) {
      if (e instanceof String s && folded.contains(CaseFold.foldRemembered(s))) {
        return true;
      }
    }
    return false;
  }
}
