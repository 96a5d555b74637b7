package io.shoal.segment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shoal.testing.TestDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The SQL functions through which other capabilities read memberships (V26) answer what
 * segment_members holds, and PostgreSQL inlines them: a reader's plan is an index scan of the
 * membership table, as when it named the table itself, not a function call per row.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SegmentMembershipFunctionsTest {

  private static String url;

  @BeforeAll
  static void database() {
    url = TestDatabase.createMigratedDatabase();
    TestDatabase.execute(url, "INSERT INTO stores (id, name) VALUES ('store_a', 'A'), ('store_b', 'B')");
    TestDatabase.execute(url, "INSERT INTO segments (store_id, id, name, type) VALUES ('store_a', 'seg_1', 'One', 'dynamic'),"
        + " ('store_a', 'seg_2', 'Two', 'static'), ('store_b', 'seg_1', 'Other store', 'dynamic')");
    TestDatabase.execute(url, "INSERT INTO customers (store_id, id) SELECT s, 'cust_' || i"
        + " FROM generate_series(1, 20000) i, unnest(ARRAY['store_a', 'store_b']) s");
    // a static segment's members are rows; an evaluated one's are in the customer's state row (V34)
    TestDatabase.execute(url, "INSERT INTO segment_members (store_id, segment_id, customer_id) VALUES"
        + " ('store_a', 'seg_2', 'cust_2')");
    // ... by the segment's number (V60)
    TestDatabase.execute(url, "INSERT INTO customer_eval_state (store_id, customer_id, segment_nums, segment_since)"
        + " SELECT e.s, e.c, ARRAY(SELECT g.num FROM segments g WHERE g.store_id = e.s AND g.id = ANY(e.ids)), e.since"
        + " FROM (VALUES ('store_a', 'cust_1', '{seg_1}'::text[], ARRAY[now()]),"
        + " ('store_a', 'cust_2', '{seg_1}', ARRAY[now()]), ('store_b', 'cust_3', '{seg_1}', ARRAY[now()]),"
        + " ('store_a', 'cust_4', '{}', '{}')) AS e(s, c, ids, since)");
    TestDatabase.execute(url, "ANALYZE");
  }

  @AfterAll
  static void drop() {
    TestDatabase.dropDatabase(url);
  }

  private static List<String> column(String sql, String... params) throws Exception {
    List<String> out = new ArrayList<>();
    try (Connection c = TestDatabase.connect(url); PreparedStatement ps = c.prepareStatement(sql)) {
      for (int i = 0; i < params.length; i++) {
        ps.setString(i + 1, params[i]);
      }
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(rs.getString(1));
        }
      }
    }
    return out;
  }

  @Test
  void the_functions_answer_the_members_of_a_segment_and_the_segments_of_a_customer_in_one_store() throws Exception {
    assertEquals(List.of("cust_1", "cust_2"),
        column("SELECT customer_id FROM segment_member_ids(?, ?) ORDER BY 1", "store_a", "seg_1"));
    assertEquals(List.of("cust_3"), column("SELECT customer_id FROM segment_member_ids(?, ?)", "store_b", "seg_1"));
    assertEquals(List.of(), column("SELECT customer_id FROM segment_member_ids(?, ?)", "store_a", "seg_missing"));
    assertEquals(List.of("seg_1", "seg_2"),
        column("SELECT segment_id FROM customer_segment_ids(?, ?) ORDER BY 1", "store_a", "cust_2"));
    assertEquals(List.of(), column("SELECT segment_id FROM customer_segment_ids(?, ?)", "store_b", "cust_2"));
  }

  @Test
  void a_reader_filtering_customers_by_segment_reads_the_stored_memberships_inline() throws Exception {
    String plan = String.join("\n", column("EXPLAIN SELECT c.id FROM customers c WHERE c.store_id = ?"
        + " AND EXISTS (SELECT 1 FROM segment_member_ids(?, ?) m WHERE m.customer_id = c.id)", "store_a", "store_a", "seg_1"));
    assertFalse(plan.contains("Function Scan on segment_member_ids"), plan);
    assertTrue(plan.contains("segment_members") && plan.contains("customer_eval_state"), plan);

    String profile = String.join("\n", column("EXPLAIN SELECT c.*, array(SELECT m.segment_id"
        + " FROM customer_segment_ids(c.store_id, c.id) m) AS segments FROM customers c WHERE c.store_id = ? AND c.id = ?",
        "store_a", "cust_2"));
    assertFalse(profile.contains("Function Scan on customer_segment_ids"), profile);
    assertTrue(profile.contains("segment_members") && profile.contains("customer_eval_state"), profile);
  }
}
