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

  /**
   * V80: a flips row is also its announcements. Erasing the person anonymises the flips as above
   * (ids kept, made from the seqs) and leaves no notification on them; the notifications go to the
   * outbox's sets unchanged, in the same transaction, where the notifications' erasure deletes all
   * but the leaves the erasure announced: afterwards nothing reads a notification of the person
   * but those, the same as before (seq, id, data), and nobody else's changed.
   */
  @Test
  void an_erased_persons_announced_flips_are_anonymised_and_only_the_erasures_own_leaves_stay_announced()
      throws Exception {
    String shared = "'{\"customer\": {\"email\": \"z@shop.example\"}, \"cause\": \"evt_9\","
        + " \"occurred_at\": \"2026-12-01T10:00:00.000Z\"}'";
    String erased = "'{\"customer\": null, \"cause\": \"customer_erased\", \"occurred_at\": \"2026-12-01T10:05:00.000Z\"}'";
    TestDatabase.execute(db.url, "INSERT INTO segment_flips (store_id, customer_id, cause, event_id, occurred_at,"
        + " segment_ids, entered, segment_names, shared) VALUES"
        + " ('e', 'cust_z', 'event', 'evt_9', '2026-12-01 10:00:00+00', '{seg_a,seg_b}', '{t,t}', '{A,B}', " + shared + "),"
        + " ('e', 'cust_k', 'event', 'evt_8', '2026-12-01 10:01:00+00', '{seg_a}', '{t}', '{A}', "
        + shared.replace("z@", "k@").replace("evt_9", "evt_8") + "),"
        + " ('e', 'cust_z', 'customer_erased', NULL, '2026-12-01 10:05:00+00', '{seg_a,seg_b}', '{f,f}', '{A,B}', "
        + erased + ")");
    String log = "seq || ',' || id || ',' || type || ',' || customer_id || ',' || data::text || ',' || created_at";
    List<String> zBefore = column("SELECT " + log + " FROM notification_log WHERE store_id = 'e' AND customer_id = 'cust_z'"
        + " ORDER BY seq");
    List<String> kBefore = column("SELECT " + log + " FROM notification_log WHERE store_id = 'e' AND customer_id = 'cust_k'"
        + " ORDER BY seq");
    assertEquals(4, zBefore.size());
    String flip = "seq || ',' || id || ',' || segment_id || ',' || kind";
    List<String> flipsBefore = column("SELECT " + flip + " FROM segment_transitions WHERE store_id = 'e' ORDER BY seq");

    Integer anonymised = TestPool.await(db.pool.withTransaction(conn ->
        SegmentPersonalData.anonymiseTransitions(conn, "e", "cust_z")));
    assertEquals(4, anonymised);
    assertEquals(zBefore, column("SELECT " + log + " FROM notification_log WHERE store_id = 'e' AND customer_id = 'cust_z'"
        + " ORDER BY seq"), "the notifications moved as they were");
    assertEquals(List.of("0,1,2"), column("SELECT count(*) FILTER (WHERE customer_id = 'cust_z') || ','"
        + " || count(*) FILTER (WHERE shared IS NOT NULL) || ',' || (SELECT count(*) FROM notification_sets"
        + " WHERE store_id = 'e') FROM segment_flips WHERE store_id = 'e'"),
        "no flips row of the person, none announcing but cust_k's, the person's two sets moved");
    assertEquals(flipsBefore, column("SELECT " + flip + " FROM segment_transitions WHERE store_id = 'e' ORDER BY seq"),
        "every flip as it was, its id from its seq");

    List<Long> gone = TestPool.await(io.shoal.outbox.NotificationLog.erase(db.pool, "e", "cust_z"));
    assertEquals(2, gone.size());
    assertEquals(zBefore.subList(2, 4), column("SELECT " + log + " FROM notification_log WHERE store_id = 'e'"
        + " AND customer_id = 'cust_z' ORDER BY seq"), "only the erasure's leaves, as they were");
    assertEquals(List.of(), column("SELECT 1 FROM notifications_after('e', 0, 100) WHERE customer_id = 'cust_z'"
        + " AND data->>'cause' <> 'customer_erased'"));
    assertEquals(kBefore, column("SELECT " + log + " FROM notification_log WHERE store_id = 'e' AND customer_id = 'cust_k'"
        + " ORDER BY seq"), "nobody else's");
  }
}
