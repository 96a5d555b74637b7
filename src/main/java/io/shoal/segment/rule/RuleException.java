package io.shoal.segment.rule;

/**
 * A segment's rules cannot be compiled. Says where ({@link #path()}, e.g. {@code rules[0].any[1]}),
 * on which field if any, and what to change; the segments API renders it as a 400.
 */
public final class RuleException extends RuntimeException {

  private final String path;
  private final String field;

  public RuleException(String path, String field, String message) {
    // No stack trace: this is bad input, reported to the caller, not a fault in Shoal.
    super(message, null, false, false);
    this.path = path;
    this.field = field;
  }

  /** Where in the rules the problem is, e.g. {@code rules[2]} or {@code rules[0].any[1]}. */
  public String path() {
    return path;
  }

  /** The field of the offending condition, or null when the problem is not about one field. */
  public String field() {
    return field;
  }

  @Override
  public String toString() {
    return "RuleException at " + path + ": " + getMessage();
  }
}
