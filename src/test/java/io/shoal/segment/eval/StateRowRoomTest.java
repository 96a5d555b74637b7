package io.shoal.segment.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shoal.outbox.NotificationLog;
import io.shoal.testing.TestDatabase;
import io.shoal.testing.TestPool;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * V81: customer_eval_state keeps a quarter of each page free (fillfactor 75), so the evaluator's
 * update of a state row (~1.5 kB with ~100 memberships) writes the new version on the row's own
 * page: a HOT update (the primary key, the only index, never changes), no new key entry, and WAL for
 * the changed bytes only. At fillfactor 100 five such rows fill a page and an update moves the row.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class StateRowRoomTest {

  private static final Instant AT = Instant.parse("2026-12-01T10:00:00Z");
  private static final int SEGMENTS = 130;
  /** Memberships a customer always has (segments 1..KEPT), and a rotating few of the others. */
  private static final int KEPT = 94;
  private static final int ROTATING = 6;

  @Test
  void the_state_table_leaves_a_quarter_of_each_page_free_and_is_not_marked_for_later_clusters() throws Exception {
    try (TestPool db = TestPool.migrated()) {
      assertEquals(List.of("{fillfactor=75}"),
          TestDatabase.column(db.url, "SELECT reloptions::text FROM pg_class WHERE relname = 'customer_eval_state'"));
      assertEquals(List.of("f"), TestDatabase.column(db.url, "SELECT indisclustered FROM pg_index"
          + " WHERE indexrelid = 'customer_eval_state_pkey'::regclass"));
    }
  }

  @Test
  void an_upgrade_rewrites_the_stored_rows_so_every_page_has_room_and_every_row_reads_back_the_same() throws Exception {
    String url = TestDatabase.createDatabase();
    TestDatabase.migrate(url, "80"); // the last version before V81 on main when it was written
    TestDatabase.execute(url, "INSERT INTO stores (id, name) VALUES ('store_u', 'U')");
    TestDatabase.execute(url, "INSERT INTO customers (store_id, id) SELECT 'store_u', 'cust_' || i"
        + " FROM generate_series(1, 300) i");
    // ~1.5 kB rows as the evaluator writes them at ~100 memberships: numbers, since-times, packed numbers
    TestDatabase.execute(url, "INSERT INTO customer_eval_state (store_id, customer_id, last_seen_at, state_bin, cart,"
        + " segment_nums, segment_since, segment_nums_packed)"
        + " SELECT 'store_u', 'cust_' || i, timestamptz '2026-12-01 10:00:00+00' + i * interval '1 second',"
        + " decode(md5(i::text) || md5(i::text || 'x'), 'hex'), '{\"items\": []}', m.nums, m.since,"
        + " segment_nums_pack(m.nums) FROM generate_series(1, 300) i CROSS JOIN LATERAL"
        + " (SELECT array_agg(k ORDER BY k) AS nums,"
        + "   array_agg(timestamptz '2026-11-01 00:00:00+00' + (i * 1000 + k) * interval '1.001 second' ORDER BY k) AS since"
        + "  FROM generate_series(i % 7 + 1, i % 7 + 100) k) m");
    String rows = "SELECT customer_id || ' ' || md5(e::text) FROM customer_eval_state e ORDER BY customer_id";
    List<String> before = TestDatabase.column(url, rows);
    assertEquals(300, before.size());
    assertTrue(mostRowsOnAPage(url) >= 5, "before V81 five rows fill a page: " + mostRowsOnAPage(url));

    TestDatabase.migrate(url, null);
    try (TestPool upgraded = TestPool.on(url)) {
      assertEquals(before, TestDatabase.column(url, rows), "every row as it was, its packed numbers too");
      assertTrue(mostRowsOnAPage(url) <= 4, "rewritten with room on every page: " + mostRowsOnAPage(url));
      assertEquals(List.of("{fillfactor=75}"),
          TestDatabase.column(url, "SELECT reloptions::text FROM pg_class WHERE relname = 'customer_eval_state'"));
      // the evaluator finds a rewritten row by its key as before (the primary key rebuilt with the table)
      EvaluationStore store = new EvaluationStore(upgraded.pool, quietLog(upgraded));
      for (String c : List.of("cust_1", "cust_150", "cust_300")) {
        assertEquals(32, ((byte[]) EvaluationStore.storedState(TestPool.await(store.loadCustomer("store_u", c)))).length);
      }
    }
  }

  @Test
  void the_evaluators_updates_stay_on_their_rows_pages_and_memberships_since_times_and_state_read_back_as_written()
      throws Exception {
    try (TestPool db = TestPool.migrated()) {
      String url = db.url;
      // no autovacuum on this small table while the test runs: a vacuum pinning a page at the moment
      // an update reads it would keep that update from pruning the page first
      TestDatabase.execute(url, "ALTER TABLE customer_eval_state SET (autovacuum_enabled = false)");
      TestDatabase.execute(url, "INSERT INTO stores (id, name) VALUES ('store_a', 'A')");
      TestDatabase.execute(url, "INSERT INTO segments (store_id, id, name, type) SELECT 'store_a', 'seg_' || k,"
          + " 'S' || k, 'dynamic' FROM generate_series(1, " + SEGMENTS + ") k ORDER BY k");
      int customers = 40;
      TestDatabase.execute(url, "INSERT INTO customers (store_id, id) SELECT 'store_a', 'cust_' || i"
          + " FROM generate_series(1, " + customers + ") i");
      Map<String, Integer> num = new HashMap<>();
      for (String r : TestDatabase.column(url, "SELECT id || ' ' || num FROM segments WHERE store_id = 'store_a'")) {
        num.put(r.split(" ")[0], Integer.parseInt(r.split(" ")[1]));
      }
      EvaluationStore store = new EvaluationStore(db.pool, quietLog(db));
      long epoch = TestPool.await(store.takeOver(1, "node_a")).epoch();

      Map<String, TreeSet<Integer>> held = new TreeMap<>();
      for (int i = 1; i <= customers; i++) {
        held.put("cust_" + i, memberships(num, i, 0));
      }
      for (Map.Entry<String, TreeSet<Integer>> c : held.entrySet()) { // the rows' first write: an insert each
        write(store, epoch, c.getKey(), 0, c.getValue(), new TreeSet<>());
      }
      Map<String, String> pageAfterInsert = pages(url);
      assertEquals(customers, pageAfterInsert.size());
      Map<String, Map<String, String>> sinceAfterInsert = new HashMap<>();
      for (String c : held.keySet()) {
        sinceAfterInsert.put(c, since(url, c));
      }
      int rounds = 6;
      for (int round = 1; round <= rounds; round++) {
        for (int i = 1; i <= customers; i++) { // one customer a batch, as single events come
          String c = "cust_" + i;
          TreeSet<Integer> next = memberships(num, i, round);
          TreeSet<Integer> flipped = new TreeSet<>(held.get(c));
          flipped.addAll(next);
          TreeSet<Integer> common = new TreeSet<>(held.get(c));
          common.retainAll(next);
          flipped.removeAll(common);
          write(store, epoch, c, round, next, flipped);
          held.put(c, next);
        }
      }
      assertEquals(pageAfterInsert, pages(url), "every update wrote its row's new version on the row's own page");

      for (int i = 1; i <= customers; i++) {
        String c = "cust_" + i;
        Map<String, String> since = since(url, c);
        assertEquals(held.get(c).stream().map(n -> "seg_" + n).collect(Collectors.toCollection(TreeSet::new)),
            since.keySet(), c + "'s memberships as last written");
        for (int k = 1; k <= KEPT; k++) {
          assertEquals(sinceAfterInsert.get(c).get("seg_" + k), since.get("seg_" + k),
              c + ": a membership kept through every write keeps the time it began");
        }
        for (Map.Entry<String, String> s : since.entrySet()) {
          if (Integer.parseInt(s.getKey().substring(4)) > KEPT) {
            assertTrue(s.getValue().compareTo(sinceAfterInsert.get(c).get("seg_1")) > 0,
                c + ": a membership that began later has a later time: " + s);
          }
        }
        CustomerState stored = new PartitionCore(0, 1, null, at -> { }).newCustomer("store_a", c,
            EvaluationStore.storedState(TestPool.await(store.loadCustomer("store_a", c))));
        assertEquals(rounds, stored.appliedSeq, c + "'s state as last written");
      }
      assertEquals(List.of(String.valueOf(customers)), TestDatabase.column(url,
          "SELECT count(*) FROM customer_eval_state WHERE segment_nums_packed = segment_nums_pack(segment_nums)"),
          "every row's packed numbers are its numbers");
    }
  }

  /** Segments 1..KEPT always, and ROTATING of the others, a different few each round. */
  private static TreeSet<Integer> memberships(Map<String, Integer> num, int customer, int round) {
    TreeSet<Integer> out = new TreeSet<>();
    for (int k = 1; k <= KEPT; k++) {
      out.add(num.get("seg_" + k));
    }
    int others = SEGMENTS - KEPT;
    for (int j = 0; j < ROTATING; j++) {
      out.add(num.get("seg_" + (KEPT + 1 + (customer + round * 5 + j) % others)));
    }
    return out;
  }

  private static void write(EvaluationStore store, long epoch, String customer, int seq, TreeSet<Integer> nums,
                            TreeSet<Integer> flipped) throws Exception {
    int[] now = nums.stream().mapToInt(Integer::intValue).toArray();
    int[] edits = flipped.stream().mapToInt(Integer::intValue).toArray();
    int[] runs = MembershipEdits.runs(now, edits, edits.length);
    CustomerState c = new CustomerState("store_a", customer);
    c.appliedSeq = seq;
    EvaluationStore.CustomerWrite w = new EvaluationStore.CustomerWrite("store_a", customer, false, 0, BigDecimal.ZERO,
        AT, AT, AT.plusSeconds(seq), c.toBytes(), null,
        Arrays.stream(now).mapToObj(Integer::toString).collect(Collectors.joining(",")),
        runs == null ? null : Arrays.stream(runs).mapToObj(Integer::toString).collect(Collectors.joining(",")));
    TestPool.await(store.persist(new EvaluationStore.Batch(1, epoch, 1, List.of(w), List.of(), List.of())));
    Thread.sleep(2); // the next write's now() is later
  }

  /** The page (block number) each state row's current version is on, by customer. */
  private static Map<String, String> pages(String url) {
    Map<String, String> out = new TreeMap<>();
    for (String r : TestDatabase.column(url, "SELECT customer_id || ' ' || (ctid::text::point)[0]"
        + " FROM customer_eval_state")) {
      out.put(r.split(" ")[0], r.split(" ")[1]);
    }
    return out;
  }

  private static int mostRowsOnAPage(String url) {
    return Integer.parseInt(TestDatabase.column(url, "SELECT max(n) FROM (SELECT count(*) AS n FROM customer_eval_state"
        + " GROUP BY (ctid::text::point)[0]) p").get(0));
  }

  /** The since-time of each of the customer's memberships, by segment id, as every reader sees them. */
  private static Map<String, String> since(String url, String customer) {
    Map<String, String> out = new TreeMap<>();
    for (String r : TestDatabase.column(url, "SELECT segment_id || ' ' || since::text FROM segment_memberships"
        + " WHERE store_id = 'store_a' AND customer_id = '" + customer + "'")) {
      int space = r.indexOf(' ');
      out.put(r.substring(0, space), r.substring(space + 1));
    }
    return out;
  }

  private static NotificationLog quietLog(TestPool db) {
    return new NotificationLog(db.vertx, NotificationLog.Fanout.NONE);
  }
}
