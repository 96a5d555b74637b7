package io.shoal.outbox;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The seqs readers of the notification log passed over: how they end, and how they travel. */
class DoubtsTest {

  @Test
  void aDoubtEndsWhenItsRowIsSeenOrWhenEveryTransactionBelowItsReferenceHasEnded() {
    Doubts d = new Doubts();
    d.add(List.of(5L, 7L), 100);
    d.add(List.of(9L), 120);
    assertEquals(4, d.floor(50), "never past the lowest doubt");
    assertArrayEquals(new Long[] {5L, 7L, 9L}, d.seqs());

    d.settle(List.of(7L), 90); // 7 came; nothing ended below 100 yet
    assertArrayEquals(new Long[] {5L, 9L}, d.seqs());
    d.settle(List.of(), 100); // every writer below 100 ended and 5 is still absent: never committed
    assertArrayEquals(new Long[] {9L}, d.seqs());
    assertEquals(8, d.floor(50));
    assertEquals(3, d.floor(3), "a position below the doubts stays");
    d.settle(List.of(), 120);
    assertTrue(d.isEmpty());
    assertEquals(50, d.floor(50));
  }

  @Test
  void onlyTheSeqsAbsentBeforeTheReadThatItDidNotSeeUpToWhereItReachedBecomeDoubts() {
    Doubts d = new Doubts();
    // absent before the read: 3, 4, 6, 9; the read saw 4 (committed in between) and reached 6
    List<Long> missed = d.missed(List.of(3L, 4L, 6L, 9L), java.util.Set.of(4L, 5L), 6, 40);
    assertEquals(List.of(3L, 6L), missed);
    assertArrayEquals(new Long[] {3L, 6L}, d.seqs());
    d.settle(List.of(), 40);
    assertTrue(d.isEmpty(), "with the reference given");
  }

  @Test
  void aSeqMissedTwiceKeepsTheLaterReferenceAndACopyIsIndependent() {
    Doubts d = new Doubts();
    d.add(List.of(5L), 100);
    d.add(List.of(5L), 130);
    Doubts copy = d.copy();
    d.settle(List.of(), 110);
    assertEquals(1, d.size(), "held until every writer below 130 ended");
    copy.settle(List.of(5L), 0);
    assertEquals(1, d.size());
    assertTrue(copy.isEmpty());
  }

  @Test
  void theTextFormRoundTripsAndAMalformedOneIsRefused() {
    Doubts d = new Doubts();
    assertEquals("", d.encode());
    assertTrue(Doubts.decode("").isEmpty());
    assertTrue(Doubts.decode(null).isEmpty());
    d.add(List.of(12L, 3L), 77);
    assertEquals("3:77,12:77", d.encode());
    Doubts back = Doubts.decode(d.encode());
    assertArrayEquals(d.seqs(), back.seqs());
    back.settle(List.of(), 77);
    assertTrue(back.isEmpty(), "the references came back too");
    assertThrows(IllegalArgumentException.class, () -> Doubts.decode("3-77"));
    assertThrows(NumberFormatException.class, () -> Doubts.decode("3:x"));
  }
}
