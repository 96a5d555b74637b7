package io.shoal.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class IdsTest {

  @Test
  void recordIdsHaveTheShapeOfOtherIdsAndEveryRandomCharacterVaries() {
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
    for (int i = 9; i < 20; i++) {
      assertEquals(32, byPosition[i].size(), "position " + i + " takes every character of the alphabet");
    }
  }

  @Test
  void customerIdsSortByTimeAndEveryRandomCharacterVaries() throws InterruptedException {
    @SuppressWarnings("unchecked")
    Set<Character>[] byPosition = new Set[20];
    for (int i = 0; i < 20; i++) {
      byPosition[i] = new HashSet<>();
    }
    Set<String> seen = new HashSet<>();
    for (int n = 0; n < 20_000; n++) {
      String id = Ids.newCustomerId();
      assertTrue(id.matches("cust_[0-9a-hjkmnp-tv-z]{20}"), id);
      assertTrue(seen.add(id), "repeated: " + id);
      for (int i = 0; i < 20; i++) {
        byPosition[i].add(id.charAt(5 + i));
      }
    }
    for (int i = 9; i < 20; i++) {
      assertEquals(32, byPosition[i].size(), "position " + i + " takes every character of the alphabet");
    }
    String first = Ids.newCustomerId();
    Thread.sleep(3);
    assertTrue(first.compareTo(Ids.newCustomerId()) < 0, "a later id sorts after " + first);
  }

  @Test
  void recordIdsMadeLaterSortAfterAndCarryTheirTime() throws InterruptedException {
    long before = System.currentTimeMillis();
    String first = Ids.newRecordId("evt");
    long after = System.currentTimeMillis();
    Thread.sleep(3);
    String second = Ids.newRecordId("evt");
    assertTrue(first.compareTo(second) < 0, first + " then " + second);
    long ms = io.shoal.testing.IdTimes.millisOf(first);
    assertTrue(ms >= before && ms <= after, "the first 9 characters are the time: " + ms + " in " + before + ".." + after);
  }
}
