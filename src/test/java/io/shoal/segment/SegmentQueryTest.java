package io.shoal.segment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.shoal.kernel.DomainException;
import java.util.List;
import org.junit.jupiter.api.Test;

class SegmentQueryTest {

  @Test
  void fieldsAndWordsAreRead() {
    SegmentQuery q = SegmentQuery.parse("siteCode:main status:ACTIVE golden name:\"big club\" active:true id:seg_a,seg_b");
    assertEquals("main", q.siteCode());
    assertEquals("active", q.status());
    assertEquals(Boolean.TRUE, q.active());
    assertEquals(List.of("seg_a", "seg_b"), q.ids());
    assertEquals(List.of("golden", "big", "club"), q.words());
  }

  @Test
  void likeWildcardsInWordsMatchThemselves() {
    assertEquals(List.of("50\\%", "a\\_b"), SegmentQuery.parse("50% a_b").words());
  }

  @Test
  void unknownFieldsAndBadValuesAre400s() {
    assertEquals(400, assertThrows(DomainException.class, () -> SegmentQuery.parse("colour:red")).status());
    assertEquals("q", assertThrows(DomainException.class, () -> SegmentQuery.parse("status:maybe")).param());
    assertThrows(DomainException.class, () -> SegmentQuery.parse("type:weird"));
    assertThrows(DomainException.class, () -> SegmentQuery.parse("name:\"open"));
    assertThrows(DomainException.class, () -> SegmentQuery.parse("site_code:"));
    assertEquals(SegmentQuery.ALL, SegmentQuery.parse("  "));
  }
}
