package io.shoal.segment;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.shoal.testing.TestDatabase;
import io.shoal.testing.TestPool;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Erasure over V57's segment_flips (one row per event): every flip of the person keeps its id, seq,
 * segment and kind, each under its own random customer id with no event; nobody else's row changes.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SegmentFlipsErasureTest {

  private static TestPool db;

  @BeforeAll
  static void database() {
    db = TestPool.migrated();
  }

  @AfterAll
  static void close() throws Exception {
    db.close();
  }

  private static List<String> column(String sql) throws Exception {
    List<String> out = new ArrayList<>();
    try (Connection c = TestDatabase.connect(db.url); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
      while (rs.next()) {
        out.add(rs.getString(1));
      }
    }
    return out;
  }

  @Test
  void each_flip_of_an_erased_person_is_kept_alone_under_its_own_random_id() throws Exception {
    // two events of cust_z (3 flips, then 2), one of cust_k in between
    TestDatabase.execute(db.url, "INSERT INTO segment_flips (store_id, customer_id, cause, event_id, occurred_at, ids,"
        + " segment_ids, entered) VALUES"
        + " ('s', 'cust_z', 'event', 'evt_1', now(), '{trn_1,trn_2,trn_3}', '{seg_a,seg_b,seg_c}', '{t,t,f}'),"
        + " ('s', 'cust_k', 'event', 'evt_2', now(), '{trn_4,trn_5}', '{seg_a,seg_b}', '{t,f}'),"
        + " ('s', 'cust_z', 'time', NULL, now(), '{trn_6,trn_7}', '{seg_a,seg_c}', '{f,t}')");
    String flip = "seq || ',' || id || ',' || segment_id || ',' || kind || ',' || cause || ',' || occurred_at"
        + " || ',' || recorded_at";
    List<String> before = column("SELECT " + flip + " FROM segment_transitions ORDER BY seq");
    List<String> others = column("SELECT " + flip + " || customer_id || event_id FROM segment_transitions"
        + " WHERE customer_id = 'cust_k' ORDER BY seq");

    assertEquals(5, TestPool.await(SegmentPersonalData.anonymiseTransitions(db.pool, "s", "cust_z")));

    assertEquals(before, column("SELECT " + flip + " FROM segment_transitions ORDER BY seq"), "every flip as it was");
    assertEquals(others, column("SELECT " + flip + " || customer_id || event_id FROM segment_transitions"
        + " WHERE customer_id = 'cust_k' ORDER BY seq"));
    assertEquals(List.of("0"), column("SELECT count(*) FROM segment_flips WHERE customer_id = 'cust_z'"));
    assertEquals(List.of("5,5,5,0"), column("SELECT count(*) || ',' || count(DISTINCT customer_id) || ','"
        + " || count(*) FILTER (WHERE cardinality(ids) = 1) || ',' || count(event_id)"
        + " FROM segment_flips WHERE customer_id LIKE 'anon_%'"), "one row per flip, each its own id, no event");
    assertEquals(0, TestPool.await(SegmentPersonalData.anonymiseTransitions(db.pool, "s", "cust_z")));
  }
}
