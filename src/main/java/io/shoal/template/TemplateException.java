package io.shoal.template;

/**
 * A template that does not compile: which part ({@code subject}, {@code html}, {@code text},
 * {@code title}), on which line, and why, so the author can fix it.
 */
public final class TemplateException extends RuntimeException {

  private final String part;
  private final int line;
  private final String reason;

  public TemplateException(String part, int line, String reason) {
    super(part + (line > 0 ? ", line " + line : "") + ": " + reason, null, false, false);
    this.part = part;
    this.line = line;
    this.reason = reason;
  }

  public String part() {
    return part;
  }

  /** 1-based; 0 when the library did not say. */
  public int line() {
    return line;
  }

  public String reason() {
    return reason;
  }
}
