package io.shoal.automation;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Spans written as a number and a unit: {@code 30s}, {@code 30m}, {@code 1h}, {@code 3d}
 * (days of 24 hours). Used for action delays, wait-until timeouts, frequency-cap windows.
 */
public final class Delay {

  /** Longer delays than a year are almost certainly a typo (and outlive any campaign). */
  public static final Duration MAX = Duration.ofDays(365);
  private static final Pattern FORM = Pattern.compile("(\\d{1,7})([smhd])");

  private Delay() {}

  /** The span, or null when {@code raw} is not of the form; never longer than {@link #MAX}. */
  public static Duration parse(String raw) {
    if (raw == null) {
      return null;
    }
    Matcher m = FORM.matcher(raw.trim());
    if (!m.matches()) {
      return null;
    }
    long n = Long.parseLong(m.group(1));
    Duration d = switch (m.group(2)) {
      case "s" -> Duration.ofSeconds(n);
      case "m" -> Duration.ofMinutes(n);
      case "h" -> Duration.ofHours(n);
      default -> Duration.ofDays(n);
    };
    return d.compareTo(MAX) > 0 ? null : d;
  }

  public static String describe() {
    return "a number and a unit: 30s, 30m, 1h or 3d (at most 365d)";
  }
}
