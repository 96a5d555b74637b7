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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Upgrading a database written before V34: the members of evaluated segments move from their rows
 * into their customers' state rows, with the time each began; static segments keep their rows;
 * every reader sees the same memberships after the upgrade as before it. Upgrading a database
 * written before V60: the state rows' memberships change from segment ids to segment numbers, and
 * every reader again sees the same memberships, with the same times. Upgrading a database written
 * before V63: each segment's member count moves to segment_member_counts and reads the same.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class MembershipsMigrationTest {

  private String url;

  @AfterEach
  void drop() {
    TestDatabase.dropDatabase(url);
  }

  private List<String> rows(String sql) throws Exception {
    List<String> out = new ArrayList<>();
    try (Connection c = TestDatabase.connect(url); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
      int n = rs.getMetaData().getColumnCount();
      while (rs.next()) {
        StringBuilder row = new StringBuilder();
        for (int i = 1; i <= n; i++) {
          row.append(i > 1 ? "|" : "").append(rs.getString(i));
        }
        out.add(row.toString());
      }
    }
    return out;
  }

  @Test
  void upgrading_keeps_every_membership_and_when_it_began() throws Exception {
    url = TestDatabase.createDatabase();
    TestDatabase.migrate(url, "31");
    TestDatabase.execute(url, "INSERT INTO stores (id, name) VALUES ('store_a', 'A'), ('store_b', 'B')");
    TestDatabase.execute(url, "INSERT INTO segments (store_id, id, name, type) VALUES ('store_a', 'seg_d', 'D', 'dynamic'),"
        + " ('store_a', 'seg_p', 'P', 'passive'), ('store_a', 'seg_s', 'S', 'static'), ('store_b', 'seg_d', 'D', 'dynamic')");
    TestDatabase.execute(url, "INSERT INTO customers (store_id, id) SELECT s, 'cust_' || i"
        + " FROM generate_series(1, 4) i, unnest(ARRAY['store_a', 'store_b']) s");
    // cust_1 was evaluated before (a state row), cust_2 never was
    TestDatabase.execute(url, "INSERT INTO customer_eval_state (store_id, customer_id, last_seen_at, state, state_bin)"
        + " VALUES ('store_a', 'cust_1', '2026-11-01T00:00:00Z', NULL, '\\x01')");
    TestDatabase.execute(url, "INSERT INTO segment_members (store_id, segment_id, customer_id, since) VALUES"
        + " ('store_a', 'seg_d', 'cust_1', '2026-10-01T00:00:00Z'), ('store_a', 'seg_p', 'cust_1', '2026-10-02T00:00:00Z'),"
        + " ('store_a', 'seg_d', 'cust_2', '2026-10-03T00:00:00Z'), ('store_a', 'seg_s', 'cust_2', '2026-10-04T00:00:00Z'),"
        + " ('store_b', 'seg_d', 'cust_1', '2026-10-05T00:00:00Z')");
    String readers = "SELECT store_id, segment_id, customer_id, since AT TIME ZONE 'UTC' FROM segment_members"
        + " ORDER BY 1, 2, 3";
    List<String> before = rows(readers);

    TestDatabase.migrate(url, "34");

    assertEquals(before, rows(readers.replace("segment_members", "segment_memberships")));
    assertEquals(List.of("store_a|seg_s|cust_2"), rows("SELECT store_id, segment_id, customer_id FROM segment_members"),
        "only the static segment keeps rows");
    assertEquals(List.of("{seg_d,seg_p}|2026-11-01 00:00:00|\\x01"), rows("SELECT segment_ids, last_seen_at AT TIME ZONE 'UTC',"
        + " state_bin FROM customer_eval_state WHERE store_id = 'store_a' AND customer_id = 'cust_1'"),
        "an existing state row keeps its state and gains its memberships");
    assertEquals(List.of("cust_1", "cust_2"), rows("SELECT customer_id FROM segment_member_ids('store_a', 'seg_d') ORDER BY 1"));
    assertEquals(List.of("seg_d", "seg_s"), rows("SELECT segment_id FROM customer_segment_ids('store_a', 'cust_2') ORDER BY 1"));
  }

  @Test
  void upgrading_to_segment_numbers_keeps_every_membership_and_when_it_began() throws Exception {
    url = TestDatabase.createDatabase();
    TestDatabase.migrate(url, "57");
    TestDatabase.execute(url, "INSERT INTO stores (id, name) VALUES ('store_a', 'A'), ('store_b', 'B')");
    TestDatabase.execute(url, "INSERT INTO segments (store_id, id, name, type) VALUES ('store_a', 'seg_d', 'D', 'dynamic'),"
        + " ('store_a', 'seg_p', 'P', 'passive'), ('store_a', 'seg_s', 'S', 'static'), ('store_b', 'seg_d', 'D', 'dynamic')");
    TestDatabase.execute(url, "INSERT INTO customers (store_id, id) SELECT s, 'cust_' || i"
        + " FROM generate_series(1, 4) i, unnest(ARRAY['store_a', 'store_b']) s");
    // cust_1: two memberships and one of a segment deleted since (its id stays until the next batch);
    // cust_2: none; store_b's cust_1 is in store_b's seg_d
    TestDatabase.execute(url, "INSERT INTO customer_eval_state (store_id, customer_id, last_seen_at, state_bin,"
        + " segment_ids, segment_since) VALUES"
        + " ('store_a', 'cust_1', '2026-11-01T00:00:00Z', '\\x01', '{seg_p,seg_gone,seg_d}',"
        + "   '{2026-10-02T00:00:00Z,2026-10-03T00:00:00Z,2026-10-01T00:00:00Z}'),"
        + " ('store_a', 'cust_2', NULL, '\\x02', NULL, NULL),"
        + " ('store_b', 'cust_1', NULL, '\\x03', '{seg_d}', '{2026-10-05T00:00:00Z}')");
    TestDatabase.execute(url, "INSERT INTO segment_members (store_id, segment_id, customer_id, since) VALUES"
        + " ('store_a', 'seg_s', 'cust_2', '2026-10-04T00:00:00Z')");
    String readers = "SELECT store_id, segment_id, customer_id, since AT TIME ZONE 'UTC' FROM segment_memberships"
        + " ORDER BY 1, 2, 3";
    List<String> before = rows(readers);
    String members = "SELECT s, g, m.customer_id FROM (VALUES ('store_a', 'seg_d'), ('store_a', 'seg_p'),"
        + " ('store_a', 'seg_s'), ('store_b', 'seg_d')) AS q(s, g) CROSS JOIN LATERAL segment_member_ids(s, g) m"
        + " ORDER BY 1, 2, 3";
    List<String> beforeMembers = rows(members);
    assertEquals(4, before.size(), before::toString);

    TestDatabase.migrate(url, null);

    assertEquals(before, rows(readers));
    assertEquals(beforeMembers, rows(members));
    assertEquals(List.of("seg_p|2026-10-02 00:00:00", "seg_d|2026-10-01 00:00:00"),
        rows("SELECT g.id, u.since AT TIME ZONE 'UTC' FROM customer_eval_state e"
            + " CROSS JOIN LATERAL unnest(e.segment_nums, e.segment_since) WITH ORDINALITY AS u(num, since, k)"
            + " JOIN segments g ON g.store_id = e.store_id AND g.num = u.num"
            + " WHERE e.store_id = 'store_a' AND e.customer_id = 'cust_1' ORDER BY u.k"),
        "the numbers keep the order and times of the ids they replace; the deleted segment's is dropped");
    assertEquals(List.of("2026-11-01 00:00:00|\\x01"), rows("SELECT last_seen_at AT TIME ZONE 'UTC', state_bin"
        + " FROM customer_eval_state WHERE store_id = 'store_a' AND customer_id = 'cust_1'"));
    assertEquals(List.of("4|4"), rows("SELECT count(DISTINCT num), count(*) FROM segments"), "every segment its own number");
    TestDatabase.execute(url, "INSERT INTO segments (store_id, id, name, type) VALUES ('store_a', 'seg_new', 'N', 'dynamic')");
    assertEquals(List.of("t"), rows("SELECT (SELECT num FROM segments WHERE id = 'seg_new')"
        + " > (SELECT max(num) FROM segments WHERE id <> 'seg_new')"), "a new segment gets a new number");
  }

  @Test
  void upgrading_to_counts_per_writer_keeps_each_segments_member_count() throws Exception {
    url = TestDatabase.createDatabase();
    TestDatabase.migrate(url, "60");
    TestDatabase.execute(url, "INSERT INTO stores (id, name) VALUES ('store_a', 'A'), ('store_b', 'B')");
    TestDatabase.execute(url, "INSERT INTO segments (store_id, id, name, type, member_count) VALUES"
        + " ('store_a', 'seg_d', 'D', 'dynamic', 120), ('store_a', 'seg_p', 'P', 'passive', 0),"
        + " ('store_a', 'seg_s', 'S', 'static', 0), ('store_b', 'seg_d', 'D', 'dynamic', 7)");

    TestDatabase.migrate(url, null);

    try (TestPool upgraded = TestPool.on(url)) {
      SegmentRepository segments = new SegmentRepository(upgraded.pool);
      assertEquals(120, TestPool.await(segments.get("store_a", "seg_d")).memberCount());
      assertEquals(0, TestPool.await(segments.get("store_a", "seg_p")).memberCount());
      assertEquals(7, TestPool.await(segments.get("store_b", "seg_d")).memberCount());
      assertEquals(List.of("store_a|seg_d|-1|120", "store_b|seg_d|-1|7"), rows(
          "SELECT store_id, segment_id, writer, members FROM segment_member_counts ORDER BY 1, 2"),
          "moved into one row each, none for a zero");
      // a partition's batch adds to it, and a change of type starts the count over
      TestDatabase.execute(url, "INSERT INTO segment_member_counts VALUES ('store_a', 'seg_d', 0, -20)");
      assertEquals(100, TestPool.await(segments.get("store_a", "seg_d")).memberCount());
      SegmentDefinition fixed = TestPool.await(segments.update("store_a", "seg_d", "D", "static",
          new io.vertx.core.json.JsonArray(), new io.vertx.core.json.JsonObject(), false, null, null, null));
      assertEquals(0, fixed.memberCount());
      assertEquals(List.of("0"), rows("SELECT count(*) FROM segment_member_counts WHERE store_id = 'store_a'"));
    }
  }
}
