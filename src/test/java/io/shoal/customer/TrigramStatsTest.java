package io.shoal.customer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Which trigrams a search asks the index for (the answers themselves: CustomerListingTest). */
class TrigramStatsTest {

  private static TrigramStats.Sample sample(long rows, Object... pairs) {
    Map<String, Integer> counts = new HashMap<>();
    for (int i = 0; i < pairs.length; i += 2) {
      counts.put((String) pairs[i], (Integer) pairs[i + 1]);
    }
    return new TrigramStats.Sample(counts, rows, rows, 0);
  }

  /**
   * The candidates a term can have are those of its rarest trigram of letters and digits, scaled
   * from the sample to the table; none known without a sample or without such a trigram.
   */
  @Test
  void candidatesAreTheRarestTrigramsScaledToTheTable() {
    TrigramStats.Sample s = new TrigramStats.Sample(Map.of("rey", 40, "eyn", 22, "yno", 25, "nol", 300), 20_000,
        1_000_000, 0);
    assertEquals(1_100, TrigramStats.candidates("reynol", s)); // eyn: 22 of 20,000
    assertEquals(0, TrigramStats.candidates("reynox", s)); // "nox" in none of the sampled customers
    assertEquals(Long.MAX_VALUE, TrigramStats.candidates("reynol", new TrigramStats.Sample(Map.of(), 0, 0, 0)));
    assertEquals(Long.MAX_VALUE, TrigramStats.candidates("a b", s));
    assertEquals(Long.MAX_VALUE, TrigramStats.candidates("m\u00fcl", s)); // no trigram of ASCII letters
  }

  @Test
  void commonTrigramsAreLeftOutAndAdjacentRareOnesJoined() {
    // john.smith2 folded: joh ohn hnx nxs xsm smi mit ith th2; 3 % of 10,000 is 300
    TrigramStats.Sample s = sample(10_000, "joh", 1200, "ohn", 1100, "hnx", 150, "nxs", 40, "xsm", 200,
        "smi", 900, "mit", 950, "ith", 1300, "th2", 90);
    assertEquals(List.of("%hnxsm%", "%th2%"), TrigramStats.patterns("johnxsmith2", s));
  }

  @Test
  void theRarestThreeAreKeptEvenWhenAllAreCommon() {
    TrigramStats.Sample s = sample(1_000, "smi", 500, "mit", 400, "ith", 450, "thx", 600, "hxj", 700);
    // mit, ith, smi are the rarest three: smi mit ith is one run, 'smith'
    assertEquals(List.of("%smith%"), TrigramStats.patterns("smithxj", s));
  }

  @Test
  void theWholeTermWithoutASampleOrWhenNothingIsLeftOut() {
    TrigramStats.Sample none = new TrigramStats.Sample(Map.of(), 0, 0, 0);
    assertEquals(List.of("%johnxsmith2%"), TrigramStats.patterns("johnxsmith2", none));
    TrigramStats.Sample rare = sample(10_000); // every trigram unseen: all of them are rare
    assertEquals(List.of("%johnxsmith2%"), TrigramStats.patterns("johnxsmith2", rare));
    assertEquals(List.of("%m\u00fcller%"), TrigramStats.patterns("m\u00fcller", sample(10, "ler", 9)));
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
      Map<String, Integer> counts = new HashMap<>();
      for (int i = 0; i + 3 <= term.length(); i++) {
        counts.put(term.substring(i, i + 3), random.nextInt(200));
      }
      String folded = term.toString();
      List<String> patterns = TrigramStats.patterns(folded, new TrigramStats.Sample(counts, 1_000, 1_000, 0));
      for (String p : patterns) {
        assertTrue(p.startsWith("%") && p.endsWith("%") && folded.contains(p.substring(1, p.length() - 1))
            && p.length() >= 5, folded + " -> " + patterns);
      }
    }
  }
}
