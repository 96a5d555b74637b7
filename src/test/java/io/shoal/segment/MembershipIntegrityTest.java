package io.shoal.segment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.shoal.testing.TestDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * segment_members without foreign keys (V26_1): memberships still go with their customer, segment
 * and store, and a membership written while its customer is being deleted never outlives it,
 * whichever of the two transactions comes first (the static writer's statement locks the rows it
 * joins). Evaluated memberships live in the customer's state row (V34) and go with it.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class MembershipIntegrityTest {

  private static String url;

  @BeforeAll
  static void database() {
    url = TestDatabase.createMigratedDatabase();
    TestDatabase.execute(url, "INSERT INTO stores (id, name) VALUES ('store_a', 'A'), ('store_b', 'B')");
    TestDatabase.execute(url, "INSERT INTO segments (store_id, id, name, type) SELECT s, 'seg_' || i, 'S', 'static'"
        + " FROM generate_series(1, 3) i, unnest(ARRAY['store_a', 'store_b']) s");
    TestDatabase.execute(url, "INSERT INTO customers (store_id, id) SELECT s, 'cust_' || i"
        + " FROM generate_series(1, 50) i, unnest(ARRAY['store_a', 'store_b']) s");
  }

  @AfterAll
  static void drop() {
    TestDatabase.dropDatabase(url);
  }

  private static long count(String sql) throws Exception {
    try (Connection c = TestDatabase.connect(url); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  /** A static segment's membership statement, as SegmentRepository runs it, on a JDBC connection. */
  private static int enter(Connection c, String store, String segment, String... customers) throws Exception {
    try (PreparedStatement ps = c.prepareStatement(SegmentRepository.SQL_ADD_MEMBERS.replaceAll("\\$[0-9]", "?"))) {
      ps.setString(1, store);
      ps.setString(2, segment);
      ps.setArray(3, c.createArrayOf("text", customers));
      return ps.executeUpdate();
    }
  }

  private static long members(String store, String customer) throws Exception {
    return count("SELECT count(*) FROM segment_members WHERE store_id = '" + store + "' AND customer_id = '" + customer + "'");
  }

  @Test
  void deleting_a_customer_a_segment_or_a_store_deletes_their_memberships() throws Exception {
    try (Connection c = TestDatabase.connect(url)) {
      assertEquals(3, enter(c, "store_a", "seg_1", "cust_1", "cust_2", "cust_3"));
      assertEquals(2, enter(c, "store_a", "seg_2", "cust_1", "cust_2"));
      assertEquals(1, enter(c, "store_b", "seg_1", "cust_1"));
      assertEquals(0, enter(c, "store_a", "seg_1", "cust_missing"), "an unknown customer has nothing to join");
      assertEquals(0, enter(c, "store_a", "seg_missing", "cust_4"), "nor an unknown segment");
    }
    TestDatabase.execute(url, "DELETE FROM customers WHERE store_id = 'store_a' AND id = 'cust_1'");
    assertEquals(0, members("store_a", "cust_1"));
    assertEquals(1, members("store_b", "cust_1"), "the other store's customer of the same id stays");
    TestDatabase.execute(url, "DELETE FROM segments WHERE store_id = 'store_a' AND id = 'seg_1'");
    assertEquals(0, count("SELECT count(*) FROM segment_members WHERE store_id = 'store_a' AND segment_id = 'seg_1'"));
    assertEquals(1, count("SELECT count(*) FROM segment_members WHERE store_id = 'store_a' AND segment_id = 'seg_2'"));
    TestDatabase.execute(url, "DELETE FROM stores WHERE id = 'store_b'");
    assertEquals(0, count("SELECT count(*) FROM segment_members WHERE store_id = 'store_b'"),
        "the store's cascade to its customers and segments takes their memberships along");
  }

  @Test
  void a_customer_deleted_while_its_membership_is_written_leaves_no_membership_behind() throws Exception {
    // 1. the membership first: the delete waits for it to commit, then takes it along
    try (Connection evaluator = TestDatabase.connect(url); Connection deleter = TestDatabase.connect(url)) {
      evaluator.setAutoCommit(false);
      assertEquals(1, enter(evaluator, "store_a", "seg_3", "cust_10"));
      CompletableFuture<Integer> delete = CompletableFuture.supplyAsync(() -> {
        try (Statement st = deleter.createStatement()) {
          return st.executeUpdate("DELETE FROM customers WHERE store_id = 'store_a' AND id = 'cust_10'");
        } catch (Exception e) {
          throw new RuntimeException(e);
        }
      });
      assertWaits(delete);
      evaluator.commit();
      assertEquals(1, delete.get(30, TimeUnit.SECONDS));
    }
    assertEquals(0, members("store_a", "cust_10"));

    // 2. the delete first: the membership waits for it, then finds no customer and writes nothing
    try (Connection evaluator = TestDatabase.connect(url); Connection deleter = TestDatabase.connect(url)) {
      deleter.setAutoCommit(false);
      try (Statement st = deleter.createStatement()) {
        assertEquals(1, st.executeUpdate("DELETE FROM customers WHERE store_id = 'store_a' AND id = 'cust_11'"));
      }
      CompletableFuture<Integer> entered = CompletableFuture.supplyAsync(() -> {
        try {
          return enter(evaluator, "store_a", "seg_3", "cust_11", "cust_12");
        } catch (Exception e) {
          throw new RuntimeException(e);
        }
      });
      assertWaits(entered);
      deleter.commit();
      assertEquals(1, entered.get(30, TimeUnit.SECONDS), "cust_12 only");
    }
    assertEquals(0, members("store_a", "cust_11"));
    assertEquals(1, members("store_a", "cust_12"));
    assertEquals(0, count("SELECT count(*) FROM segment_members m WHERE NOT EXISTS"
        + " (SELECT 1 FROM customers c WHERE c.store_id = m.store_id AND c.id = m.customer_id)"), "no orphans");
  }

  /** The other transaction is blocked on our locks: still running after a second. */
  private static void assertWaits(CompletableFuture<Integer> f) throws Exception {
    try {
      f.get(1, TimeUnit.SECONDS);
    } catch (TimeoutException expected) {
      return;
    }
    assertFalse(true, "did not wait for the other transaction's locks");
  }
}
