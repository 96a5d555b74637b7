package io.shoal.segment.rule;

import java.util.Locale;

/**
 * Reads the spans rules write in words: {@code 30_days}, {@code 12_hours}, {@code 2_weeks},
 * {@code 30_minutes}, {@code 45_seconds} (singular too: {@code 1_day}), and the same followed by {@code _ago} for a
 * point in time. A day is 24 hours and a week 7 days: spans are exact durations, not calendar
 * arithmetic, so no time zone is involved. There are no months or years, whose length varies;
 * write days.
 */
final class RelativeTime {

  /** Longest span accepted, 100 years of days; keeps instants far from overflow. */
  static final long MAX_SECONDS = 36_500L * 86_400L;

  static final String EXAMPLES = "30_days, 12_hours, 2_weeks or 30_minutes";

  private RelativeTime() {}

  /** Seconds in a span like {@code 30_days}; -1 if the text is not one (or is 0 or over 100 years). */
  static long parseSpan(String text) {
    String s = text.trim().toLowerCase(Locale.ROOT);
    int underscore = s.indexOf('_');
    if (underscore <= 0 || underscore > 9) {
      return -1;
    }
    long amount = 0;
    for (int i = 0; i < underscore; i++) {
      char ch = s.charAt(i);
      if (ch < '0' || ch > '9') {
        return -1;
      }
      amount = amount * 10 + (ch - '0');
    }
    long unit = switch (s.substring(underscore + 1)) {
      case "second", "seconds" -> 1L;
      case "minute", "minutes" -> 60L;
      case "hour", "hours" -> 3_600L;
      case "day", "days" -> 86_400L;
      case "week", "weeks" -> 604_800L;
      default -> -1L;
    };
    if (unit < 0 || amount == 0 || amount > MAX_SECONDS / unit) {
      return -1;
    }
    return amount * unit;
  }

  /** Seconds before now in a point like {@code 90_days_ago}; -1 if the text is not one. */
  static long parseAgo(String text) {
    String s = text.trim().toLowerCase(Locale.ROOT);
    if (!s.endsWith("_ago")) {
      return -1;
    }
    return parseSpan(s.substring(0, s.length() - "_ago".length()));
  }
}
