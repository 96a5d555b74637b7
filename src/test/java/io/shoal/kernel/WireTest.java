package io.shoal.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Times on the wire are written exactly as the ISO pattern with milliseconds writes them. */
class WireTest {

  private static final DateTimeFormatter REFERENCE =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

  @Test
  void aTimeIsWrittenAsTheIsoPatternWritesIt() {
    List<Instant> instants = new ArrayList<>(List.of(
        Instant.EPOCH, Instant.parse("1969-12-31T23:59:59.999Z"), Instant.parse("2024-02-29T12:34:56.789Z"),
        Instant.parse("2026-12-31T23:59:59.999999999Z"), Instant.parse("0001-01-01T00:00:00Z"),
        Instant.parse("0000-12-31T23:59:59.999Z"), Instant.parse("9999-12-31T23:59:59.999Z"),
        Instant.parse("+10000-01-01T00:00:00Z"), Instant.parse("-0001-06-15T10:00:00.5Z"), Wire.EARLIEST, Wire.LATEST,
        Instant.parse("2000-02-29T00:00:00.001Z"), Instant.parse("2100-03-01T00:00:00Z")));
    SplittableRandom random = new SplittableRandom(17);
    long from = Instant.parse("0001-01-01T00:00:00Z").getEpochSecond();
    long to = Instant.parse("9999-12-31T23:59:59Z").getEpochSecond();
    for (int i = 0; i < 200_000; i++) {
      instants.add(Instant.ofEpochSecond(random.nextLong(from, to), random.nextInt(1_000_000_000)));
      instants.add(Instant.ofEpochSecond(random.nextLong(-86_400L * 400, 86_400L * 400 * 30), random.nextInt(1_000_000_000)));
    }
    for (Instant t : instants) {
      assertEquals(REFERENCE.format(t), Wire.time(t), t::toString);
      OffsetDateTime shifted = t.atOffset(ZoneOffset.ofHours(random.nextInt(-12, 15)));
      assertEquals(REFERENCE.format(shifted), Wire.time(shifted), shifted::toString);
    }
    assertNull(Wire.time((Instant) null));
    assertNull(Wire.time((OffsetDateTime) null));
  }
}
