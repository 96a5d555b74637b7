package io.shoal.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class IdsTest {

  @Test
  void recordIdsHaveTheShapeOfOtherIdsAndEveryCharacterVaries() {
    Set<String> seen = new HashSet<>();
    @SuppressWarnings("unchecked")
    Set<Character>[] byPosition = new Set[20];
    for (int i = 0; i < 20; i++) {
      byPosition[i] = new HashSet<>();
    }
    for (int n = 0; n < 100_000; n++) {
      String id = Ids.newRecordId("trn");
      assertTrue(id.matches("trn_[0-9a-hjkmnp-tv-z]{20}"), id);
      assertEquals(Ids.newId("trn").length(), id.length());
      assertTrue(seen.add(id), "repeated: " + id);
      for (int i = 0; i < 20; i++) {
        byPosition[i].add(id.charAt(4 + i));
      }
    }
    for (int i = 0; i < 20; i++) {
      assertEquals(32, byPosition[i].size(), "position " + i + " takes every character of the alphabet");
    }
  }
}
