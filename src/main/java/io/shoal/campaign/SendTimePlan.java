package io.shoal.campaign;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;

/**
 * When one recipient's message may be sent, from the campaign's send-time options. Pure: the
 * scheduler calls it for each recipient as it queues them, and the answer becomes the message's
 * {@code not_before}.
 *
 * <pre>
 *   start --local hour?--> the first local_hour:00 in the customer's zone at or after start
 *         --throttle?----> + index x (60 s / throttle_per_minute)      (index: queue order)
 *         --quiet hours?-> if the local time falls in [start, end), the next local end
 * </pre>
 *
 * The throttle spreads one wave evenly; messages moved out of quiet hours, or time-zone waves
 * that meet, may exceed it for a while. The dispatcher's per-channel rate limit is the hard bound.
 *
 * @param throttlePerMinute at most this many per minute, or null
 * @param localHour         send at this hour (0-23) of each customer's local time, or null
 * @param quietStart        start of the quiet hours in local time, or null (with quietEnd)
 * @param quietEnd          end of the quiet hours, exclusive; may be before quietStart (overnight)
 * @param defaultZone       the zone of customers without a valid {@code timezone}
 */
public record SendTimePlan(Integer throttlePerMinute, Integer localHour, LocalTime quietStart, LocalTime quietEnd,
                           ZoneId defaultZone) {

  public static final SendTimePlan IMMEDIATE = new SendTimePlan(null, null, null, null, ZoneOffset.UTC);

  public SendTimePlan {
    if (throttlePerMinute != null && throttlePerMinute < 1) {
      throw new IllegalArgumentException("throttlePerMinute must be at least 1");
    }
    if (localHour != null && (localHour < 0 || localHour > 23)) {
      throw new IllegalArgumentException("localHour must be 0 to 23");
    }
    if ((quietStart == null) != (quietEnd == null) || (quietStart != null && quietStart.equals(quietEnd))) {
      throw new IllegalArgumentException("quiet hours need a start and a different end");
    }
    defaultZone = defaultZone == null ? ZoneOffset.UTC : defaultZone;
  }

  /** Whether every message may go at once (no option set). */
  public boolean immediate() {
    return throttlePerMinute == null && localHour == null && quietStart == null;
  }

  /** The earliest instant the {@code index}-th recipient (0-based) may be sent to. */
  public Instant notBefore(Instant start, long index, String customerTimezone) {
    ZoneId zone = zone(customerTimezone);
    Instant t = start;
    if (localHour != null) {
      ZonedDateTime local = start.atZone(zone);
      ZonedDateTime at = local.toLocalDate().atTime(localHour, 0).atZone(zone);
      if (at.isBefore(local)) {
        at = local.toLocalDate().plusDays(1).atTime(localHour, 0).atZone(zone);
      }
      t = at.toInstant();
    }
    if (throttlePerMinute != null && index > 0) {
      // whole minutes, then the remainder's share of one: no overflow for any index
      t = t.plusSeconds(index / throttlePerMinute * 60)
          .plusNanos(index % throttlePerMinute * 60_000_000_000L / throttlePerMinute);
    }
    if (quietStart != null && inQuietHours(t.atZone(zone).toLocalTime())) {
      ZonedDateTime local = t.atZone(zone);
      ZonedDateTime end = local.toLocalDate().atTime(quietEnd).atZone(zone);
      if (!end.isAfter(local)) {
        end = local.toLocalDate().plusDays(1).atTime(quietEnd).atZone(zone);
      }
      t = end.toInstant();
    }
    return t;
  }

  boolean inQuietHours(LocalTime local) {
    if (quietStart.isBefore(quietEnd)) {
      return !local.isBefore(quietStart) && local.isBefore(quietEnd);
    }
    return !local.isBefore(quietStart) || local.isBefore(quietEnd); // overnight, e.g. 21:00-08:00
  }

  /** The customer's zone, or the default when it has none or an unknown one. */
  ZoneId zone(String timezone) {
    if (timezone == null || timezone.isBlank()) {
      return defaultZone;
    }
    try {
      return ZoneId.of(timezone.trim());
    } catch (DateTimeException e) {
      return defaultZone;
    }
  }
}
