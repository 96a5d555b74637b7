package io.shoal.metrics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class RfmTest {

  @Test
  void theNamedSegmentsFollowTheRecencyFrequencyMap() {
    assertEquals(RfmSegment.CHAMPION, RfmSegment.of(5, 5));
    assertEquals(RfmSegment.CHAMPION, RfmSegment.of(5, 4));
    assertEquals(RfmSegment.LOYAL, RfmSegment.of(4, 5));
    assertEquals(RfmSegment.LOYAL, RfmSegment.of(3, 4));
    assertEquals(RfmSegment.POTENTIAL_LOYALIST, RfmSegment.of(5, 2));
    assertEquals(RfmSegment.POTENTIAL_LOYALIST, RfmSegment.of(4, 3));
    assertEquals(RfmSegment.NEW, RfmSegment.of(5, 1));
    assertEquals(RfmSegment.PROMISING, RfmSegment.of(4, 1));
    assertEquals(RfmSegment.NEED_ATTENTION, RfmSegment.of(3, 3));
    assertEquals(RfmSegment.ABOUT_TO_SLEEP, RfmSegment.of(3, 2));
    assertEquals(RfmSegment.AT_RISK, RfmSegment.of(2, 3));
    assertEquals(RfmSegment.AT_RISK, RfmSegment.of(1, 4));
    assertEquals(RfmSegment.CANNOT_LOSE, RfmSegment.of(1, 5));
    assertEquals(RfmSegment.HIBERNATING, RfmSegment.of(2, 2));
    assertEquals(RfmSegment.HIBERNATING, RfmSegment.of(1, 2));
    assertEquals(RfmSegment.LOST, RfmSegment.of(1, 1));
    assertEquals("potential_loyalist", RfmSegment.POTENTIAL_LOYALIST.wireName());
  }

  @Test
  void scoresCountTheQuintileBoundariesAValueExceeds() {
    double[] b = {10, 20, 30, 40};
    assertEquals(1, RfmQuintiles.score(5, b));
    assertEquals(1, RfmQuintiles.score(10, b), "on a boundary: not above it");
    assertEquals(2, RfmQuintiles.score(11, b));
    assertEquals(5, RfmQuintiles.score(41, b));
    // ties stay together, at their mid-rank: 60% bought once, 20% twice
    assertEquals(2, RfmQuintiles.score(1, new double[] {1, 1, 1, 2}));
    assertEquals(4, RfmQuintiles.score(2, new double[] {1, 1, 1, 2}));
    assertEquals(3, RfmQuintiles.score(7, new double[] {7, 7, 7, 7}), "a store's only customer: the middle");
    assertEquals(3, RfmQuintiles.score(7, new double[0]), "no boundaries yet: the middle");
  }

  @Test
  void theSketchFindsTheQuintilesOfTheValuesAdded() {
    RfmQuintiles q = new RfmQuintiles();
    for (int i = 1; i <= 100_000; i++) {
      q.add(i, i % 10, i / 100.0);
    }
    RfmQuintiles.Boundaries b = q.boundaries();
    assertTrue(b.customers() >= 99_000, "boundaries refresh after every 1% more values: " + b.customers());
    for (int k = 0; k < 4; k++) {
      double exact = 20_000 * (k + 1);
      assertEquals(exact, b.recency()[k], 100_000 * 0.02, "recency quintile " + k); // KLL k=200: ~1.65% rank error
    }
    // rebuild replaces what was added with exactly the current values
    q.rebuild(new long[] {1, 2, 3, 4, 5}, new int[] {1, 1, 1, 1, 9}, new double[] {5, 4, 3, 2, 1});
    assertArrayEquals(new double[] {1, 2, 3, 4}, q.boundaries().recency());
    assertArrayEquals(new double[] {1, 1, 1, 1}, q.boundaries().frequency());
    assertEquals(5, q.boundaries().customers());
  }

  @Test
  void theBoundariesAreRefreshedByTheFirstReadAfterOnePercentMoreValues() {
    RfmQuintiles q = new RfmQuintiles();
    for (int i = 1; i <= 100_000; i++) {
      q.add(i, i % 10, i / 100.0);
    }
    assertEquals(100_000, q.boundaries().customers(), "a read after a run of adds sees all of them");
    for (int i = 1; i <= 500; i++) {
      q.add(i, 1, 1);
    }
    assertEquals(100_000, q.boundaries().customers(), "less than 1% more: the same snapshot");
    for (int i = 1; i <= 1_000; i++) {
      q.add(i, 1, 1);
    }
    assertEquals(101_500, q.boundaries().customers(), "1% more: refreshed at the read");
  }
}
