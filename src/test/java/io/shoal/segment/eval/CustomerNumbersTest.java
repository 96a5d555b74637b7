package io.shoal.segment.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shoal.testing.TestDatabase;
import io.shoal.testing.TestPool;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Customer numbers (V70), what member bitmaps are to be made of (docs/memberships-plan.md): every customer has
 * one, no two customers share one, a number is never given again (not after a delete either, so a
 * stored bitmap can never name another person), an upgraded database numbers the customers it
 * already holds, and the evaluator reads each customer's number with its row.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class CustomerNumbersTest {

  private static List<Long> longs(String url, String sql) {
    return TestDatabase.column(url, sql).stream().map(Long::valueOf).toList();
  }

  private static long one(String url, String sql) throws Exception {
    return longs(url, sql).get(0);
  }

  @Test
  void every_customer_gets_a_number_of_its_own_that_is_never_given_again_and_the_evaluator_reads_it() throws Exception {
    try (TestPool db = TestPool.migrated()) {
      String url = db.url;
      TestDatabase.execute(url, "INSERT INTO stores (id, name) VALUES ('store_a', 'A'), ('store_b', 'B')");
      TestDatabase.execute(url, "INSERT INTO customers (store_id, id) SELECT s, 'cust_' || i"
          + " FROM generate_series(1, 500) i, unnest(ARRAY['store_a', 'store_b']) s");
      assertEquals(1_000, one(url, "SELECT count(DISTINCT num) FROM customers"), "no two customers share a number");
      assertEquals(0, one(url, "SELECT count(*) FROM customers WHERE num IS NULL OR num <= 0"));

      long highest = one(url, "SELECT max(num) FROM customers");
      long goneNum = one(url, "SELECT num FROM customers WHERE store_id = 'store_a' AND id = 'cust_7'");
      TestDatabase.execute(url, "DELETE FROM customers WHERE store_id = 'store_a' AND id = 'cust_7'");
      TestDatabase.execute(url, "INSERT INTO customers (store_id, id) VALUES ('store_a', 'cust_7'), ('store_b', 'cust_new')");
      List<Long> fresh = longs(url, "SELECT num FROM customers WHERE (store_id, id) IN"
          + " (('store_a', 'cust_7'), ('store_b', 'cust_new')) ORDER BY num");
      assertTrue(fresh.get(0) > highest, "a new customer's number is above every number given before: " + fresh);
      assertTrue(fresh.get(1) > highest);
      assertTrue(!fresh.contains(goneNum), "a deleted customer's number is not given to the customer recreated under its id");

      // the evaluator reads each customer's number with its row: one at a time and in the start scan
      EvaluationStore store = new EvaluationStore(db.pool, null);
      PartitionCore core = new PartitionCore(0, 1, null, at -> { });
      io.vertx.sqlclient.Row row = TestPool.await(store.loadCustomer("store_b", "cust_new"));
      CustomerState c = core.newCustomer("store_b", "cust_new", EvaluationStore.storedState(row));
      c.setProfile(row);
      assertEquals(fresh.get(1).intValue(), c.num());

      Map<String, Integer> scanned = new HashMap<>();
      TestPool.await(store.scanCustomers(r -> { }, r -> scanned.put(r.getString(EvaluationStore.STORE_ID) + "/"
          + r.getString(EvaluationStore.ID), r.getInteger(EvaluationStore.NUM))));
      assertEquals(1_001, scanned.size());
      Map<String, Integer> expected = new HashMap<>();
      try (Connection conn = TestDatabase.connect(url); Statement st = conn.createStatement();
           ResultSet rs = st.executeQuery("SELECT store_id || '/' || id, num FROM customers")) {
        while (rs.next()) {
          expected.put(rs.getString(1), rs.getInt(2));
        }
      }
      assertEquals(expected, scanned);
    }
  }

  @Test
  void an_upgraded_database_numbers_the_customers_it_holds_and_goes_on_above_them() throws Exception {
    String url = TestDatabase.createDatabase();
    try {
      TestDatabase.migrate(url, "68");
      TestDatabase.execute(url, "INSERT INTO stores (id, name) VALUES ('store_a', 'A'), ('store_b', 'B')");
      TestDatabase.execute(url, "INSERT INTO customers (store_id, id) SELECT s, 'cust_' || i"
          + " FROM generate_series(1, 300) i, unnest(ARRAY['store_a', 'store_b']) s");

      TestDatabase.migrate(url, null);

      assertEquals(600, one(url, "SELECT count(DISTINCT num) FROM customers WHERE num > 0"),
          "every customer held before the upgrade has a number of its own");
      long highest = one(url, "SELECT max(num) FROM customers");
      TestDatabase.execute(url, "INSERT INTO customers (store_id, id) VALUES ('store_b', 'cust_after')");
      assertTrue(one(url, "SELECT num FROM customers WHERE id = 'cust_after'") > highest);
    } finally {
      TestDatabase.dropDatabase(url);
    }
  }
}
