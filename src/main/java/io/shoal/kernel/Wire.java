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

  private Wire() {}

  public static String time(Instant t) {
    return t == null ? null : TIME.format(t);
  }

  public static String time(OffsetDateTime t) {
    return t == null ? null : TIME.format(t);
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
        return java.time.LocalDate.parse(value).atStartOfDay(ZoneOffset.UTC).toInstant();
      }
      return OffsetDateTime.parse(value).toInstant();
    } catch (DateTimeParseException e) {
      throw DomainException.invalidParam(param,
          param + " must be an ISO-8601 date or date-time such as 2026-01-01T00:00:00Z, got '" + value + "'");
    }
  }
}
