package io.shoal.segment.rule;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The evaluator's shortcuts answer as the plain paths they stand for. */
class FastPathsTest {

  private final Random random = new Random(14);

  @Test
  void countingEpochMillisecondsCountsAsCountingInstants() {
    for (int run = 0; run < 20_000; run++) {
      int n = random.nextInt(12);
      long base = 1_700_000_000_000L + random.nextInt(1_000);
      long[] ms = new long[n];
      for (int i = 0; i < n; i++) {
        ms[i] = random.nextInt(3) == 0 && i > 0 ? ms[i - 1] : base + random.nextInt(5_000);
      }
      Arrays.sort(ms);
      int from = n == 0 ? 0 : random.nextInt(n + 1);
      int to = from + random.nextInt(n - from + 1);
      List<Instant> instants = new ArrayList<>();
      for (int i = from; i < to; i++) {
        instants.add(Instant.ofEpochMilli(ms[i]));
      }
      EpochMillisTimes view = new EpochMillisTimes(ms, from, to);
      assertEquals(instants, view);
      long at = base - 10 + random.nextInt(5_020);
      int nano = (int) Math.floorMod(at, 1_000L) * 1_000_000 + switch (random.nextInt(3)) {
        case 0 -> 0;
        case 1 -> 1;
        default -> random.nextInt(1_000_000);
      };
      long second = Math.floorDiv(at, 1_000L);
      assertEquals(SortedTimes.countSince(instants, second, nano), SortedTimes.countSince(view, second, nano),
          () -> Arrays.toString(ms) + " [" + from + ", " + to + ") since " + second + "s " + nano + "ns");
    }
  }

  @Test
  void foldingRememberedFoldsAsFolding() {
    String[] parts = {"New York", "PARIS", "straße", "İstanbul", "ǅ", "\uD801\uDC00", "ﬀ", "a", "Σ", "ς", "\uD800"};
    for (int run = 0; run < 20_000; run++) {
      StringBuilder b = new StringBuilder();
      for (int i = 0, n = random.nextInt(3); i < n; i++) {
        b.append(parts[random.nextInt(parts.length)]);
      }
      String s = b.toString();
      assertEquals(CaseFold.fold(s), CaseFold.foldRemembered(s));
      assertEquals(CaseFold.fold(s), CaseFold.foldRemembered(new String(s)));
    }
  }
}
