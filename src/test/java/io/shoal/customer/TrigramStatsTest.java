package io.shoal.customer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** Which trigrams a search asks the index for (the answers themselves: CustomerListingTest). */
class TrigramStatsTest {

  /** A sample of {@code rows} customers: trigram, then the sampled customers holding it (int[]), pairwise. */
  private static TrigramStats.Sample sample(long rows, Object... pairs) {
    Map<String, int[]> holders = new HashMap<>();
    for (int i = 0; i < pairs.length; i += 2) {
      holders.put((String) pairs[i], (int[]) pairs[i + 1]);
    }
    return new TrigramStats.Sample(holders, rows, rows, 0);
  }

  /** The sampled customers from (inclusive) to (exclusive), joined with the next ranges. */
  private static int[] customers(int... ranges) {
    IntStream all = IntStream.empty();
    for (int i = 0; i < ranges.length; i += 2) {
      all = IntStream.concat(all, IntStream.range(ranges[i], ranges[i + 1]));
    }
    return all.toArray();
  }

  /**
   * The candidates a term can have are the sampled customers holding every trigram of letters and
   * digits, scaled from the sample to the table; none known without a sample or without such a trigram.
   */
  @Test
  void candidatesAreTheCustomersHoldingEveryTrigramScaledToTheTable() {
    TrigramStats.Sample s = new TrigramStats.Sample(Map.of("rey", customers(0, 40), "eyn", customers(0, 22),
        "yno", customers(0, 25), "nol", customers(0, 300)), 20_000, 1_000_000, 0);
    assertEquals(1_100, TrigramStats.candidates("reynol", s)); // all four: the 22 of eyn, of 20,000
    assertEquals(0, TrigramStats.candidates("reynox", s)); // "nox" in none of the sampled customers
    assertEquals(Long.MAX_VALUE, TrigramStats.candidates("reynol", new TrigramStats.Sample(Map.of(), 0, 0, 0)));
    assertEquals(Long.MAX_VALUE, TrigramStats.candidates("a b", s));
    assertEquals(Long.MAX_VALUE, TrigramStats.candidates("m\u00fcl", s)); // no trigram of ASCII letters
  }

  /**
   * A surname's rarest trigram is also part of other names: "cke" of "becker" in "dickerson" and
   * "hackett" (20 sampled customers more), "eck" in "beckett"; its customers holding all four are
   * fewer than the holders of any one. Counted on the rarest alone, "becker" (~1,100 in a million)
   * sat at the threshold of CustomerListing (1,250) and the sample's draw chose its path.
   */
  @Test
  void candidatesCountTheCustomersOfTheWholeTermNotOfItsRarestTrigram() {
    TrigramStats.Sample s = new TrigramStats.Sample(Map.of("bec", customers(0, 22, 100, 400),
        "eck", customers(0, 22, 30, 45), "cke", customers(0, 22, 50, 70), "ker", customers(0, 22, 500, 1_500)),
        20_000, 1_000_000, 0);
    assertEquals(1_100, TrigramStats.candidates("becker", s)); // 22 of 20,000 hold all four; eck alone: 37
  }

  /**
   * The trigrams of one word come together: after the rarest of "gonzalez", its other trigrams
   * remove no candidate and are left out, while "hnx" of "john." (more common alone) leaves a
   * sixth of them. The old rule (every trigram under 3 %, at least the rarest three) asked for all
   * of "gonzalez" and not for "hnx": 300 candidates instead of 50.
   */
  @Test
  void trigramsThatComeTogetherAreAskedOnce() {
    int[] gonzalez = customers(0, 300);
    TrigramStats.Sample s = sample(10_000, "joh", customers(0, 3_000), "ohn", customers(0, 3_100),
        "hnx", customers(250, 550, 1_000, 1_400), "nxg", customers(250, 300, 5_000, 5_900),
        "xgo", gonzalez, "gon", gonzalez, "onz", gonzalez, "nza", gonzalez, "zal", gonzalez, "ale",
        customers(0, 2_000), "lez", gonzalez);
    assertEquals(List.of("%hnx%", "%xgo%"), TrigramStats.patterns("johnxgonzalez", s));
  }

  /** A common trigram is asked for only when the candidates it removes cost more than its posting list. */
  @Test
  void aCommonTrigramIsAskedForWhenItRemovesEnoughCandidates() {
    // "qqz" in 1,000 sampled customers; "abc" in 9,500, but only in half of those 1,000: both asked
    TrigramStats.Sample halves = sample(10_000, "qqz", customers(0, 1_000), "abc", customers(0, 500, 1_000, 10_000));
    assertEquals(List.of("%qqz abc%"), TrigramStats.patterns("qqz abc", halves));
    // the same "abc" in all but 10 of them: its 9,990 entries remove too little
    TrigramStats.Sample little = sample(10_000, "qqz", customers(0, 1_000), "abc", customers(0, 990, 1_000, 10_000));
    assertEquals(List.of("%qqz%"), TrigramStats.patterns("qqz abc", little));
  }

  /** A trigram that no sampled customer holds is rare enough alone. */
  @Test
  void aTrigramNoSampledCustomerHoldsIsEnough() {
    TrigramStats.Sample s = sample(10_000, "rey", customers(0, 40), "eyn", customers(0, 22), "yno",
        customers(5, 25), "nol", customers(0, 300));
    assertEquals(List.of("%nox%"), TrigramStats.patterns("reynox", s));
  }

  @Test
  void theWholeTermWithoutASampleOrWhenEveryTrigramIsAsked() {
    TrigramStats.Sample none = new TrigramStats.Sample(Map.of(), 0, 0, 0);
    assertEquals(List.of("%johnxsmith2%"), TrigramStats.patterns("johnxsmith2", none));
    // each trigram halves what the others leave
    TrigramStats.Sample halving = sample(10_000, "abc", customers(0, 4_000), "bcd", customers(0, 2_000, 4_000, 6_000),
        "cde", customers(0, 1_000, 2_000, 3_000, 4_000, 5_000, 6_000, 7_000));
    assertEquals(List.of("%abcde%"), TrigramStats.patterns("abcde", halving));
    // one trigram of ASCII letters ("lle"): the whole term, as pg_trgm would take it
    assertEquals(List.of("%m\u00fclle%"), TrigramStats.patterns("m\u00fclle", sample(10, "lle", customers(0, 9))));
  }

  @Test
  void intersectKeepsTheNumbersInBoth() {
    assertArrayEquals(new int[] {3, 7, 9}, TrigramStats.intersect(new int[] {1, 3, 5, 7, 9, 11}, new int[] {3, 7, 8, 9}));
    assertArrayEquals(new int[] {}, TrigramStats.intersect(new int[] {1, 2}, new int[] {}));
    assertArrayEquals(new int[] {}, TrigramStats.intersect(new int[] {1, 2}, new int[] {3, 4}));
  }

  /** Each pattern is a substring of the term, so every row containing the term matches every pattern. */
  @Test
  void everyPatternIsPartOfTheTerm() {
    Random random = new Random(17);
    String alphabet = "abcdehijmnorstx0123 ";
    for (int n = 0; n < 2_000; n++) {
      StringBuilder term = new StringBuilder();
      for (int i = 3 + random.nextInt(12); i > 0; i--) {
        term.append(alphabet.charAt(random.nextInt(alphabet.length())));
      }
      Map<String, int[]> holders = new HashMap<>();
      for (int i = 0; i + 3 <= term.length(); i++) {
        holders.put(term.substring(i, i + 3), random.ints(random.nextInt(200), 0, 1_000).distinct().sorted().toArray());
      }
      String folded = term.toString();
      List<String> patterns = TrigramStats.patterns(folded, new TrigramStats.Sample(holders, 1_000, 1_000, 0));
      for (String p : patterns) {
        assertTrue(p.startsWith("%") && p.endsWith("%") && folded.contains(p.substring(1, p.length() - 1))
            && p.length() >= 5, folded + " -> " + patterns);
      }
    }
  }
}
