package io.shoal.kernel;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/** The wire conventions for values: ISO-8601 UTC times with milliseconds, money with two decimals. */
public final class Wire {

  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

  /**
   * Every instant a client gives lies in [{@link #EARLIEST}, {@link #LATEST}): the years 1970 to
   * 9998. Outside it PostgreSQL and java.time disagree (year 0 is stored as 1 BC and read back
   * unparsable), and a time-zone shift or a delay added to it must stay representable too.
   */
  public static final Instant EARLIEST = Instant.parse("1970-01-01T00:00:00Z");
  public static final Instant LATEST = Instant.parse("9999-01-01T00:00:00Z");
  public static final String RANGE = "between 1970-01-01T00:00:00Z and 9998-12-31T23:59:59.999Z";

  private Wire() {}

  /** The instant if it lies in the accepted range, else a 400 naming {@code param}. */
  public static Instant inRange(Instant t, String param) {
    if (t.isBefore(EARLIEST) || !t.isBefore(LATEST)) {
      throw DomainException.invalidParam(param, param + " must lie " + RANGE + ", got " + t);
    }
    return t;
  }

  /** True if the instant lies in the accepted range (for callers with their own error). */
  public static boolean isInRange(Instant t) {
    return !t.isBefore(EARLIEST) && t.isBefore(LATEST);
  }

  /**
   * {@code yyyy-MM-dd'T'HH:mm:ss.SSS'Z'} in UTC, written by hand for the years 1 to 9999 (what
   * {@code DateTimeFormatter} writes, WireTest compares them): the formatter was 9 % of the
   * server's CPU samples on get by id (bench/README, issue 17 sixth pass), and a customer carries
   * up to six times.
   */
  public static String time(Instant t) {
    if (t == null) {
      return null;
    }
    long seconds = t.getEpochSecond();
    long day = Math.floorDiv(seconds, 86_400L);
    if (day < FIRST_FAST_DAY || day > LAST_FAST_DAY) {
      return TIME.format(t);
    }
    java.time.LocalDate date = java.time.LocalDate.ofEpochDay(day);
    int secondOfDay = (int) Math.floorMod(seconds, 86_400L);
    char[] out = new char[24];
    digits(out, 0, date.getYear(), 4);
    out[4] = '-';
    digits(out, 5, date.getMonthValue(), 2);
    out[7] = '-';
    digits(out, 8, date.getDayOfMonth(), 2);
    out[10] = 'T';
    digits(out, 11, secondOfDay / 3600, 2);
    out[13] = ':';
    digits(out, 14, secondOfDay / 60 % 60, 2);
    out[16] = ':';
    digits(out, 17, secondOfDay % 60, 2);
    out[19] = '.';
    digits(out, 20, t.getNano() / 1_000_000, 3);
    out[23] = 'Z';
    return new String(out);
  }

  public static String time(OffsetDateTime t) {
    return t == null ? null : time(t.toInstant());
  }

  private static final long FIRST_FAST_DAY = java.time.LocalDate.of(1, 1, 1).toEpochDay();
  private static final long LAST_FAST_DAY = java.time.LocalDate.of(9999, 12, 31).toEpochDay();

  private static void digits(char[] out, int at, int value, int width) {
    for (int i = at + width - 1; i >= at; i--) {
      out[i] = (char) ('0' + value % 10);
      value /= 10;
    }
  }

  public static BigDecimal money(BigDecimal v) {
    return v == null ? null : v.setScale(2, RoundingMode.HALF_EVEN);
  }

  /**
   * Parses a client-given instant: a full ISO-8601 date-time with offset, or a plain date
   * ({@code 2026-01-01}, meaning its start in UTC). Anything else is a 400 naming the param.
   */
  public static Instant parseInstant(String value, String param) {
    try {
      if (value.length() == 10) {
        return inRange(java.time.LocalDate.parse(value).atStartOfDay(ZoneOffset.UTC).toInstant(), param);
      }
      return inRange(OffsetDateTime.parse(value).toInstant(), param);
    } catch (DateTimeParseException e) {
      throw DomainException.invalidParam(param,
          param + " must be an ISO-8601 date or date-time such as 2026-01-01T00:00:00Z, got '" + value + "'");
    }
  }
}
