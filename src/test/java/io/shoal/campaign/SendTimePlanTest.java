package io.shoal.campaign;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class SendTimePlanTest {

  private static final Instant START = Instant.parse("2026-03-15T09:00:00Z");

  @Test
  void withoutOptionsEveryoneIsSentAtTheStart() {
    assertTrue(SendTimePlan.IMMEDIATE.immediate());
    assertEquals(START, SendTimePlan.IMMEDIATE.notBefore(START, 12345, "Asia/Tokyo"));
  }

  @Test
  void aThrottleSpreadsMessagesEvenlyAtTheRate() {
    SendTimePlan plan = new SendTimePlan(600, null, null, null, null); // one every 100 ms
    assertEquals(START, plan.notBefore(START, 0, null));
    assertEquals(START.plusMillis(100), plan.notBefore(START, 1, null));
    assertEquals(START.plusSeconds(60), plan.notBefore(START, 600, null));
    assertEquals(START.plusSeconds(60).plusMillis(100), plan.notBefore(START, 601, null));
    // 100 million recipients at 7 per minute: no overflow, still monotonic
    SendTimePlan slow = new SendTimePlan(7, null, null, null, null);
    assertTrue(slow.notBefore(START, 100_000_001, null).isAfter(slow.notBefore(START, 100_000_000, null)));
  }

  @Test
  void aLocalHourIsTheNextSuchHourInEachCustomersZone() {
    SendTimePlan plan = new SendTimePlan(null, 10, null, null, null);
    // 09:00Z is 10:00 in Paris (CET, before DST on 29 March): at once
    assertEquals(START, plan.notBefore(START, 0, "Europe/Paris"));
    // 05:00 in New York (EDT since 8 March): 10:00 EDT = 14:00Z the same day
    assertEquals(Instant.parse("2026-03-15T14:00:00Z"), plan.notBefore(START, 0, "America/New_York"));
    // 18:00 in Tokyo, past 10: the next day's 10:00 JST = 01:00Z
    assertEquals(Instant.parse("2026-03-16T01:00:00Z"), plan.notBefore(START, 0, "Asia/Tokyo"));
    // no zone, or an unknown one: the default zone (UTC here), 10:00Z
    assertEquals(Instant.parse("2026-03-15T10:00:00Z"), plan.notBefore(START, 0, null));
    assertEquals(Instant.parse("2026-03-15T10:00:00Z"), plan.notBefore(START, 0, "Mars/Olympus"));
  }

  @Test
  void quietHoursMoveAMessageToTheirEndInLocalTime() {
    SendTimePlan overnight = new SendTimePlan(null, null, LocalTime.of(21, 0), LocalTime.of(8, 0),
        ZoneId.of("Europe/Paris"));
    // 09:00Z = 10:00 Paris: not quiet
    assertEquals(START, overnight.notBefore(START, 0, null));
    // 09:00Z = 18:00 Tokyo: not quiet; 09:00Z = 05:00 New York: quiet until 08:00 EDT = 12:00Z
    assertEquals(START, overnight.notBefore(START, 0, "Asia/Tokyo"));
    assertEquals(Instant.parse("2026-03-15T12:00:00Z"), overnight.notBefore(START, 0, "America/New_York"));
    // 22:30 in Paris (21:30Z): until 08:00 the next morning = 07:00Z
    assertEquals(Instant.parse("2026-03-16T07:00:00Z"),
        overnight.notBefore(Instant.parse("2026-03-15T21:30:00Z"), 0, null));
    SendTimePlan lunch = new SendTimePlan(null, null, LocalTime.of(12, 0), LocalTime.of(14, 0), ZoneOffset.UTC);
    assertTrue(lunch.inQuietHours(LocalTime.of(12, 0)));
    assertFalse(lunch.inQuietHours(LocalTime.of(14, 0)));
    assertEquals(Instant.parse("2026-03-15T14:00:00Z"), lunch.notBefore(Instant.parse("2026-03-15T13:10:00Z"), 0, null));
  }

  @Test
  void optionsCombineLocalHourThenThrottleThenQuietHours() {
    SendTimePlan plan = new SendTimePlan(60, 20, LocalTime.of(20, 0, 30), LocalTime.of(21, 0), ZoneOffset.UTC);
    assertEquals(Instant.parse("2026-03-15T20:00:00Z"), plan.notBefore(START, 0, null));
    assertEquals(Instant.parse("2026-03-15T20:00:29Z"), plan.notBefore(START, 29, null));
    assertEquals(Instant.parse("2026-03-15T21:00:00Z"), plan.notBefore(START, 30, null));
  }

  @Test
  void invalidOptionsAreRefused() {
    assertThrows(IllegalArgumentException.class, () -> new SendTimePlan(0, null, null, null, null));
    assertThrows(IllegalArgumentException.class, () -> new SendTimePlan(null, 24, null, null, null));
    assertThrows(IllegalArgumentException.class, () -> new SendTimePlan(null, null, LocalTime.NOON, null, null));
    assertThrows(IllegalArgumentException.class,
        () -> new SendTimePlan(null, null, LocalTime.NOON, LocalTime.NOON, null));
  }
}
