package io.shoal.segment.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.shoal.outbox.NotificationLog;
import io.shoal.testing.TestDatabase;
import io.shoal.testing.TestPool;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** One evaluator batch written to the real PostgreSQL: what each table holds after it commits. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class EvaluationStoreTest {

  private static TestPool db;
  private static String url;
  private static Vertx vertx;
  private static Pool pool;
  private static EvaluationStore store;
  private static final Instant AT = Instant.parse("2026-12-01T10:00:00Z");

  @BeforeAll
  static void database() {
    db = TestPool.migrated();
    url = db.url;
    vertx = db.vertx;
    pool = db.pool;
    store = new EvaluationStore(pool, notificationLog());
    TestDatabase.execute(url, "INSERT INTO stores (id, name) VALUES ('store_a', 'A')");
    TestDatabase.execute(url, "INSERT INTO segments (store_id, id, name, type) VALUES"
        + " ('store_a', 'seg_1', 'One', 'dynamic'), ('store_a', 'seg_2', 'Two', 'dynamic'), ('store_a', 'seg_3', 'Three', 'passive')");
    TestDatabase.execute(url, "INSERT INTO customers (store_id, id) SELECT 'store_a', 'cust_' || i"
        + " FROM generate_series(1, 25000) i");
  }

  private static NotificationLog notificationLog() {
    return new NotificationLog(vertx, new NotificationLog.Fanout() {
      @Override
      public Future<Void> recorded(io.vertx.sqlclient.SqlConnection conn, List<NotificationLog.Recorded> recorded) {
        return Future.succeededFuture(); // no webhook endpoints here
      }

      @Override
      public void committed(List<io.shoal.outbox.Notification> committed) {}
    });
  }

  @AfterAll
  static void close() throws Exception {
    db.close();
  }

  private static <T> T await(Future<T> f) throws Exception {
    return TestPool.await(f);
  }

  private static EvaluationStore.Transition flip(String segment, String customer, boolean entered, boolean record) {
    return new EvaluationStore.Transition("store_a", "trn_" + segment + customer + entered + System.nanoTime(),
        segment, customer, entered, record, "event", "evt_1", AT, "Segment", new JsonObject());
  }

  private static EvaluationStore.CustomerWrite state(String customer, boolean aggregates, int orders)
      throws Exception {
    return state(customer, aggregates, orders, null);
  }

  private static final java.util.Map<String, String> NUMS = new java.util.HashMap<>();

  /**
   * {@code memberships}: the customer's segment ids joined by commas, null when unchanged; written
   * as the evaluator writes them, by the segments' numbers (V60).
   */
  private static EvaluationStore.CustomerWrite state(String customer, boolean aggregates, int orders,
                                                     String memberships) throws Exception {
    CustomerState c = new CustomerState("store_a", customer);
    c.appliedSeq = orders;
    String nums = memberships == null || memberships.isEmpty() ? memberships : NUMS.containsKey(memberships)
        ? NUMS.get(memberships) : text("SELECT string_agg(num::text, ',' ORDER BY k) FROM unnest(string_to_array('" + memberships + "', ','))"
            + " WITH ORDINALITY AS u(id, k) JOIN segments g ON g.store_id = 'store_a' AND g.id = u.id");
    NUMS.put(memberships, nums);
    return new EvaluationStore.CustomerWrite("store_a", customer, aggregates, orders, new BigDecimal("12.50"), AT, AT,
        AT, c.toBytes(), null, nums);
  }

  /** Members of a segment as every reader sees them (V26's function, over V34's storage). */
  private static long members(String segment) throws Exception {
    return count("SELECT count(*) FROM segment_member_ids('store_a', '" + segment + "')");
  }

  /** The member count a GET of the segment shows. */
  private static long memberCount(String segment) throws Exception {
    return await(new io.shoal.segment.SegmentRepository(pool).get("store_a", segment)).memberCount();
  }

  private static String segmentsOf(String customer) throws Exception {
    return text("SELECT string_agg(segment_id, ',' ORDER BY segment_id) FROM customer_segment_ids('store_a', '"
        + customer + "')");
  }

  /** The customer's state as the evaluator reads it back at start. */
  private static CustomerState stored(String customer) throws Exception {
    io.vertx.sqlclient.Row row = await(store.loadCustomer("store_a", customer));
    return new PartitionCore(0, 1, null, at -> { }).newCustomer("store_a", customer, EvaluationStore.storedState(row));
  }

  private static long count(String sql) throws Exception {
    try (Connection c = TestDatabase.connect(url); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private static String text(String sql) throws Exception {
    try (Connection c = TestDatabase.connect(url); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
      return rs.next() ? rs.getString(1) : null;
    }
  }

  @Test
  void the_state_statement_fits_the_evaluators_statement_cache_so_it_is_planned_once_per_connection() {
    // over the limit, every batch would parse and plan its ~3,400 characters again (DatabaseStatementCacheTest)
    assertTrue(EvaluationStore.SQL_STATES.length() <= io.shoal.db.Database.EVALUATOR_STATEMENT_CACHE_LIMIT,
        () -> EvaluationStore.SQL_STATES.length() + " characters");
  }

  /**
   * The rows to insert are found with kept hashed once, also in the plan PostgreSQL keeps for any arrays (unnest
   * estimated at 10 rows): as an anti-join that plan was a nested loop reading all of kept for every row of the batch,
   * n^2 / 2 comparisons (88,000 at a batch of 420 customers at 1,000 events/s; issue 14, twenty-sixth and
   * thirty-first passes). In that plan a batch of rows that exist, rows that do not and a customer that is gone
   * still writes what the statement wrote before: the existing rows updated (memberships and since-times kept),
   * the new ones inserted, the gone customer skipped.
   */
  @Test
  void the_state_statements_generic_plan_finds_the_rows_to_insert_by_a_hashed_subplan_and_writes_the_same_rows()
      throws Exception {
    Pool kept = genericPlanPool();
    try {
      EvaluationStore evaluator = new EvaluationStore(kept, notificationLog());
      long epoch = await(evaluator.takeOver(6, "node_a")).epoch();
      await(evaluator.persist(new EvaluationStore.Batch(6, epoch, 1, List.of(state("cust_24001", false, 1, "seg_1"),
          state("cust_24002", false, 1, "seg_1,seg_2"), state("cust_24003", false, 1, null)), List.of(), List.of())));
      TestDatabase.execute(url, "UPDATE customer_eval_state SET segment_since = ARRAY['2026-01-01T00:00:00Z'::timestamptz]"
          + " || segment_since[2:] WHERE store_id = 'store_a' AND customer_id IN ('cust_24001', 'cust_24002')");
      long before = count("SELECT count(*) FROM customer_eval_state WHERE store_id = 'store_a'");
      // two rows that exist (one with new memberships, one without), two new rows, one customer that is not there
      await(evaluator.persist(new EvaluationStore.Batch(6, epoch, 2, List.of(state("cust_24001", false, 5, "seg_1,seg_2"),
          state("cust_24002", false, 6, null), state("cust_24004", false, 7, "seg_2"), state("cust_24005", false, 8, null),
          state("cust_none_24006", false, 9, "seg_1")), List.of(), List.of())));
      assertEquals(before + 2, count("SELECT count(*) FROM customer_eval_state WHERE store_id = 'store_a'"));
      assertEquals(0, count("SELECT count(*) FROM customer_eval_state WHERE customer_id = 'cust_none_24006'"));
      assertEquals(5, stored("cust_24001").appliedSeq);
      assertEquals(6, stored("cust_24002").appliedSeq);
      assertEquals(7, stored("cust_24004").appliedSeq);
      assertEquals(8, stored("cust_24005").appliedSeq);
      assertEquals("seg_1,seg_2", segmentsOf("cust_24001"));
      assertEquals("seg_1,seg_2", segmentsOf("cust_24002"), "unchanged memberships stay");
      assertEquals("seg_2", segmentsOf("cust_24004"));
      assertEquals(null, segmentsOf("cust_24005"));
      assertEquals("2026-01-01 00:00:00+00", text("SELECT segment_since[1] AT TIME ZONE 'UTC' || '+00' FROM customer_eval_state"
          + " WHERE store_id = 'store_a' AND customer_id = 'cust_24001'"), "a kept membership keeps its since-time");
      assertEquals(1, count("SELECT count(*) FROM customer_eval_state WHERE customer_id = 'cust_24001'"
          + " AND segment_since[2] > '2026-06-01' AND cardinality(segment_since) = 2"), "the one begun is since now");
      assertEquals("2026-01-01 00:00:00+00", text("SELECT segment_since[1] AT TIME ZONE 'UTC' || '+00' FROM customer_eval_state"
          + " WHERE store_id = 'store_a' AND customer_id = 'cust_24002'"));
      assertPacked("cust_24001", "seg_1", "seg_2");
      assertPacked("cust_24004", "seg_2");
      long[] plans = statePlans(kept);
      assertEquals(0, plans[1], "every batch here ran the generic plan");
    } finally {
      await(kept.close());
    }
    String plan;
    try (Connection c = TestDatabase.connect(url); Statement st = c.createStatement()) {
      st.execute("SET plan_cache_mode = force_generic_plan");
      st.execute("PREPARE states_plan(text[], text[], timestamptz[], bytea[], text[], text[], text[], bytea[]) AS "
          + EvaluationStore.SQL_STATES);
      StringBuilder lines = new StringBuilder();
      try (ResultSet rs = st.executeQuery("EXPLAIN EXECUTE states_plan(ARRAY['store_a'], ARRAY['cust_1'], ARRAY[now()],"
          + " ARRAY['\\x00'::bytea], ARRAY[NULL::text], ARRAY['1'], ARRAY[NULL::text], ARRAY[NULL::bytea])")) {
        while (rs.next()) {
          lines.append(rs.getString(1)).append('\n');
        }
      }
      plan = lines.toString();
    }
    assertTrue(!plan.contains("Anti Join"), plan);
    assertTrue(plan.contains("NOT (hashed SubPlan"), plan);
  }

  /** How often the state statement, kept prepared on the pool's one connection, ran with a generic and with its own plan. */
  private static long[] statePlans(Pool kept) throws Exception {
    io.vertx.sqlclient.Row row = await(kept.preparedQuery("SELECT generic_plans, custom_plans FROM pg_prepared_statements"
        + " WHERE statement = $1").execute(Tuple.of(EvaluationStore.SQL_STATES))).iterator().next();
    return new long[] {row.getLong(0), row.getLong(1)};
  }

  /**
   * The customers of a set are read by one statement that PostgreSQL plans once per connection: a form whose
   * custom plans counted the ids (= ANY($2)) was planned anew at every call (issue 17, twenty-fourth pass).
   */
  @Test
  void a_set_of_customers_is_read_by_one_statement_that_runs_its_generic_plan() throws Exception {
    Pool kept = io.vertx.pgclient.PgBuilder.pool().with(new io.vertx.sqlclient.PoolOptions().setMaxSize(1))
        .connectingTo(io.shoal.db.Database.parseUrl(url).setCachePreparedStatements(true)
            .setPreparedStatementCacheSqlLimit(io.shoal.db.Database.EVALUATOR_STATEMENT_CACHE_LIMIT))
        .using(vertx).build();
    try {
      EvaluationStore evaluator = new EvaluationStore(kept, notificationLog());
      for (int i = 0; i < 8; i++) {
        List<String> ids = List.of("cust_" + (100 + i), "cust_" + (200 + 2 * i), "cust_none_" + i);
        java.util.Map<String, io.vertx.sqlclient.Row> rows = await(evaluator.loadCustomers("store_a", ids));
        assertEquals(java.util.Set.of("cust_" + (100 + i), "cust_" + (200 + 2 * i)), rows.keySet());
        rows.forEach((id, r) -> assertEquals(id, r.getString(EvaluationStore.ID)));
      }
      assertEquals(java.util.Map.of(), await(evaluator.loadCustomers("store_b", List.of("cust_100", "cust_101"))),
          "another store's customers are not read");
      io.vertx.sqlclient.Row plans = await(kept.preparedQuery("SELECT generic_plans, custom_plans FROM pg_prepared_statements"
          + " WHERE statement = $1").execute(Tuple.of(EvaluationStore.SQL_CUSTOMER_SET))).iterator().next();
      assertEquals(5, plans.getLong(1), "planned for its values only until PostgreSQL settles on one plan");
      assertEquals(4, plans.getLong(0), "then the generic plan");
    } finally {
      await(kept.close());
    }
  }

  @Test
  void a_large_batch_has_the_state_statement_planned_for_its_own_arrays_where_small_ones_share_a_plan() throws Exception {
    Pool kept = genericPlanPool();
    try {
      EvaluationStore evaluator = new EvaluationStore(kept, notificationLog());
      long epoch = await(evaluator.takeOver(7, "node_a")).epoch();
      for (int i = 1; i <= 3; i++) {
        await(evaluator.persist(new EvaluationStore.Batch(7, epoch, i, List.of(state("cust_" + (22_000 + i), false, i)),
            List.of(), List.of())));
      }
      long[] small = statePlans(kept);
      assertEquals(3, small[0], "small batches share the generic plan");

      List<EvaluationStore.CustomerWrite> many = new ArrayList<>();
      for (int i = 1; i <= EvaluationStore.OWN_PLANS_FROM; i++) {
        many.add(state("cust_" + (23_000 + i), false, 1));
      }
      many.add(state("cust_23500", false, 77)); // written last
      await(evaluator.persist(new EvaluationStore.Batch(7, epoch, 9, many, List.of(), List.of())));
      long[] large = statePlans(kept);
      assertEquals(small[0], large[0], "the large batch ran no generic plan");
      assertEquals(small[1] + 1, large[1], "the large batch's state rows were planned for its own arrays");
      assertEquals(77, stored("cust_23500").appliedSeq, "the large batch was written");

      await(evaluator.persist(new EvaluationStore.Batch(7, epoch, 10, List.of(state("cust_22009", false, 1)),
          List.of(), List.of())));
      assertEquals(small[0] + 1, statePlans(kept)[0], "the setting ended with the large batch's transaction");
    } finally {
      await(kept.close());
    }
  }

  @Test
  void a_batch_writes_each_customers_memberships_with_its_state_its_recorded_transitions_counts_and_checkpoint()
      throws Exception {
    List<EvaluationStore.Transition> flips = List.of(
        flip("seg_1", "cust_1", true, true),
        flip("seg_1", "cust_2", true, true),
        flip("seg_1", "cust_2", false, true), // entered and left in one batch: no membership
        flip("seg_2", "cust_1", true, false), // a silent backfill: a membership, no transition
        flip("seg_2", "cust_missing", true, true)); // deleted meanwhile: skipped, the batch still commits
    List<Tuple> deltas = List.of(Tuple.of("store_a", "seg_2", 1L), Tuple.of("store_a", "seg_1", 1L));
    List<EvaluationStore.CustomerWrite> states = List.of(state("cust_1", true, 1, "seg_1"),
        state("cust_missing", true, 1, "seg_2"), state("cust_1", true, 2, "seg_1,seg_2"), state("cust_2", false, 0, ""));

    long epoch = await(store.takeOver(0, "node_a")).epoch();
    await(store.persist(new EvaluationStore.Batch(0, epoch, 42, states, flips, deltas)));

    assertEquals(1, members("seg_1"));
    assertEquals("cust_1", text("SELECT customer_id FROM segment_member_ids('store_a', 'seg_1')"));
    assertEquals(1, members("seg_2"));
    assertEquals("seg_1,seg_2", segmentsOf("cust_1"));
    assertEquals(null, segmentsOf("cust_2"));
    assertEquals(0, count("SELECT count(*) FROM segment_members"), "evaluated memberships are no rows of their own");
    assertEquals(4, count("SELECT count(*) FROM segment_transitions WHERE segment_id IN ('seg_1', 'seg_2')"),
        "recorded ones only, the missing customer's too");
    assertEquals(4, count("SELECT count(*) FROM notification_log WHERE data->>'segment_id' IN ('seg_1', 'seg_2')"));
    assertEquals(1, memberCount("seg_1"));
    assertEquals(1, memberCount("seg_2"));
    assertEquals(42, count("SELECT last_seq FROM evaluator_checkpoints WHERE partition = 0"));
    assertEquals(0, count("SELECT count(*) FROM customer_eval_state WHERE customer_id = 'cust_missing'"));
    assertEquals(2, stored("cust_1").appliedSeq, "the last state of a customer written twice in one batch");
    assertEquals(2, count("SELECT total_orders FROM customers WHERE id = 'cust_1'"));
    assertEquals("12.50", text("SELECT total_spent::text FROM customers WHERE id = 'cust_1'"));

    // a later batch with an older checkpoint (a partition replaying) never moves it back
    String since = text("SELECT since FROM segment_memberships WHERE customer_id = 'cust_1' AND segment_id = 'seg_2'");
    await(store.persist(new EvaluationStore.Batch(0, epoch, 7, List.of(state("cust_1", false, 3, "seg_2")),
        List.of(flip("seg_1", "cust_1", false, true)), List.of(Tuple.of("store_a", "seg_1", -1L)))));
    assertEquals(42, count("SELECT last_seq FROM evaluator_checkpoints WHERE partition = 0"));
    assertEquals(0, members("seg_1"));
    assertEquals(0, memberCount("seg_1"));
    assertEquals(since, text("SELECT since FROM segment_memberships WHERE customer_id = 'cust_1' AND segment_id = 'seg_2'"),
        "a membership kept keeps the time it began");

    // a state written without a change of memberships leaves them as they are
    await(store.persist(new EvaluationStore.Batch(0, epoch, 43, List.of(state("cust_1", false, 4)), List.of(),
        List.of())));
    assertEquals("seg_2", segmentsOf("cust_1"));
    assertEquals(4, stored("cust_1").appliedSeq);
  }

  /** The since-time of each of the customer's memberships, by segment id. */
  private static java.util.Map<String, String> sinceOf(String customer) throws Exception {
    java.util.Map<String, String> out = new java.util.TreeMap<>();
    try (Connection c = TestDatabase.connect(url); Statement st = c.createStatement();
         ResultSet rs = st.executeQuery("SELECT segment_id, since::text FROM segment_memberships WHERE store_id = 'store_a'"
             + " AND customer_id = '" + customer + "'")) {
      while (rs.next()) {
        out.put(rs.getString(1), rs.getString(2));
      }
    }
    return out;
  }

  private static int num(String segment) throws Exception {
    return (int) count("SELECT num FROM segments WHERE store_id = 'store_a' AND id = '" + segment + "'");
  }

  /**
   * The memberships as the evaluator writes them now: numbers ascending, and the slices
   * made of the flips {@code edits} (segment ids) since the last write, or none when null.
   */
  private static EvaluationStore.CustomerWrite members(String customer, int seq, String[] segments, String... edits)
      throws Exception {
    int[] nums = new int[segments.length];
    for (int i = 0; i < segments.length; i++) {
      nums[i] = num(segments[i]);
    }
    java.util.Arrays.sort(nums);
    int[] flipped = new int[edits == null ? 0 : edits.length];
    for (int i = 0; i < flipped.length; i++) {
      flipped[i] = num(edits[i]);
    }
    int[] runs = edits == null ? null : MembershipEdits.runs(nums, flipped, flipped.length);
    CustomerState c = new CustomerState("store_a", customer);
    c.appliedSeq = seq;
    return new EvaluationStore.CustomerWrite("store_a", customer, false, 0, BigDecimal.ZERO, AT, AT, AT, c.toBytes(),
        null, java.util.Arrays.stream(nums).mapToObj(Integer::toString).collect(java.util.stream.Collectors.joining(",")),
        runs == null ? null : java.util.Arrays.stream(runs).mapToObj(Integer::toString)
            .collect(java.util.stream.Collectors.joining(",")));
  }

  private static void write(long epoch, EvaluationStore.CustomerWrite w) throws Exception {
    await(store.persist(new EvaluationStore.Batch(1, epoch, 1, List.of(w), List.of(), List.of())));
    Thread.sleep(5); // the next write's now() is later
  }

  @Test
  void since_times_stay_with_kept_memberships_whether_the_slices_sent_are_right_wrong_or_absent() throws Exception {
    long epoch = await(store.takeOver(1, "node_a")).epoch();
    write(epoch, members("cust_71", 1, new String[] {"seg_3", "seg_1"}, (String[]) null)); // a new row
    java.util.Map<String, String> first = sinceOf("cust_71");
    assertEquals(java.util.Set.of("seg_1", "seg_3"), first.keySet());

    // seg_2 began: slices of the stored list; seg_1 and seg_3 keep their times
    write(epoch, members("cust_71", 2, new String[] {"seg_1", "seg_2", "seg_3"}, "seg_2"));
    java.util.Map<String, String> second = sinceOf("cust_71");
    assertEquals(first.get("seg_1"), second.get("seg_1"));
    assertEquals(first.get("seg_3"), second.get("seg_3"));
    assertTrue(second.get("seg_2").compareTo(first.get("seg_1")) > 0, second.toString());

    // seg_1 left, seg_3 flipped out and back in (no change)
    write(epoch, members("cust_71", 3, new String[] {"seg_2", "seg_3"}, "seg_1", "seg_3", "seg_3"));
    assertEquals(java.util.Map.of("seg_2", second.get("seg_2"), "seg_3", first.get("seg_3")), sinceOf("cust_71"));

    // wrong slices (seg_3 said to begin, seg_1 said nothing of): rebuilt by number, kept times kept
    write(epoch, members("cust_71", 4, new String[] {"seg_1", "seg_2", "seg_3"}, "seg_3"));
    java.util.Map<String, String> fourth = sinceOf("cust_71");
    assertEquals(second.get("seg_2"), fourth.get("seg_2"));
    assertEquals(first.get("seg_3"), fourth.get("seg_3"));
    assertTrue(fourth.get("seg_1").compareTo(second.get("seg_2")) > 0, fourth.toString());

    // a list stored in another order (as before the slices): rebuilt by number
    TestDatabase.execute(url, "UPDATE customer_eval_state SET segment_nums = ARRAY(SELECT unnest(segment_nums) ORDER BY 1 DESC),"
        + " segment_since = ARRAY(SELECT t FROM unnest(segment_nums, segment_since) u(n, t) ORDER BY n DESC)"
        + " WHERE customer_id = 'cust_71'");
    assertEquals(fourth, sinceOf("cust_71"));
    write(epoch, members("cust_71", 5, new String[] {"seg_1", "seg_3"}, "seg_2"));
    assertEquals(java.util.Map.of("seg_1", fourth.get("seg_1"), "seg_3", first.get("seg_3")), sinceOf("cust_71"));
    assertEquals(num("seg_1") < num("seg_3") ? num("seg_1") + "," + num("seg_3") : num("seg_3") + "," + num("seg_1"),
        text("SELECT array_to_string(segment_nums, ',') FROM customer_eval_state WHERE customer_id = 'cust_71'"),
        "written in ascending order again");

    // no slices at all, and a state without a change of memberships
    write(epoch, members("cust_71", 6, new String[] {"seg_3"}, (String[]) null));
    assertEquals(java.util.Map.of("seg_3", first.get("seg_3")), sinceOf("cust_71"));
    await(store.persist(new EvaluationStore.Batch(1, epoch, 1, List.of(state("cust_71", false, 7)), List.of(),
        List.of())));
    assertEquals(java.util.Map.of("seg_3", first.get("seg_3")), sinceOf("cust_71"));
    assertEquals(7, stored("cust_71").appliedSeq);
  }

  private static void lean(long epoch, String customer, byte[] state, String entered, String left) throws Exception {
    await(store.persist(new EvaluationStore.Batch(1, epoch, 1, List.of(), List.of(), List.of(), null,
        List.of(new EvaluationStore.LeanWrite("store_a", customer, state, entered, left)))));
    Thread.sleep(5); // the next write's now() is later
  }

  /**
   * The customer's stored list is packed (V74) as its numbers are, and the start reads it packed, loading
   * the same numbers: the list as the partition holds it after a start ({@code installed}: the
   * segment numbers installed there).
   */
  private static String packedAsNumbers(String customer, int... installed) throws Exception {
    String where = " FROM customer_eval_state WHERE store_id = 'store_a' AND customer_id = '" + customer + "'";
    String nums = text("SELECT coalesce(array_to_string(segment_nums, ','), 'null')" + where);
    assertEquals(text("SELECT encode(segment_nums_pack(segment_nums), 'hex')" + where),
        text("SELECT encode(segment_nums_packed, 'hex')" + where), "packed as " + nums);
    io.vertx.sqlclient.Row row = await(store.loadCustomer("store_a", customer));
    if ("null".equals(nums)) {
      assertEquals(null, EvaluationStore.segmentNumsPacked(row));
      return nums;
    }
    assertEquals(null, EvaluationStore.segmentNums(row), "read packed, not as array_send");
    PartitionCore core = new PartitionCore(0, 1, null, at -> { });
    for (int n : installed) {
      core.install(new io.shoal.segment.SegmentDefinition("store_a", "seg_n" + n, n, "N", io.shoal.segment.SegmentDefinition.PASSIVE,
          new io.vertx.core.json.JsonArray().add(new JsonObject().put("field", "total_orders").put("operator", "gte")
              .put("value", 1)), new JsonObject(), 0, "synced", 1, null, null,
          io.shoal.segment.SegmentDefinition.CREATED, null, false, null, null, io.shoal.segment.StorefrontFields.NONE));
    }
    CustomerState c = core.newCustomer("store_a", customer, null);
    core.loadMemberships(c, EvaluationStore.segmentNumsPacked(row), EvaluationStore.segmentNums(row));
    assertEquals(nums, core.memberNums(c), "the start loads the stored numbers");
    return nums;
  }

  @Test
  void a_lean_write_keeps_the_list_packed_when_it_appends_rebuilds_or_starts_a_list() throws Exception {
    long epoch = await(store.takeOver(9, "node_a")).epoch();
    int[] all = {3, 5, 6, 200, 20_000, 3_000_000, 400_000_000, 400_000_001};
    java.util.function.Function<int[], String> joined = a -> java.util.Arrays.stream(a).mapToObj(Integer::toString)
        .collect(java.util.stream.Collectors.joining(","));
    TestDatabase.execute(url, "INSERT INTO customers (store_id, id) VALUES ('store_a', 'cust_p1')");
    // a row with memberships (the whole-row statement), then appends: one number (gaps of 1-5 bytes), several at once
    await(store.persist(new EvaluationStore.Batch(9, epoch, 1, List.of(new EvaluationStore.CustomerWrite("store_a",
        "cust_p1", false, 0, BigDecimal.ZERO, AT, AT, AT, new CustomerState("store_a", "cust_p1").toBytes(), null,
        "3,5")), List.of(), List.of())));
    assertEquals("3,5", packedAsNumbers("cust_p1", all));
    for (String entered : new String[] {"6", "200", "20000", "3000000,400000000,400000001"}) {
      leanIn9(epoch, "cust_p1", entered, null);
      packedAsNumbers("cust_p1", all);
    }
    assertEquals(joined.apply(all), packedAsNumbers("cust_p1", all));
    // a rebuild: a number below the last, one already stored, one left
    leanIn9(epoch, "cust_p1", "4,5", "200");
    assertEquals("3,4,5,6,20000,3000000,400000000,400000001", packedAsNumbers("cust_p1", 3, 4, 5, 6, 20_000,
        3_000_000, 400_000_000, 400_000_001));
    leanIn9(epoch, "cust_p1", null, "3,4,5,6,20000,3000000,400000000,400000001"); // every one left: empty
    assertEquals("", packedAsNumbers("cust_p1", all));
    leanIn9(epoch, "cust_p1", "200", null); // a list begun from an empty one
    assertEquals("200", packedAsNumbers("cust_p1", all));

    // a customer whose row has no list (written by state alone): its first lean write starts one, packed
    TestDatabase.execute(url, "INSERT INTO customers (store_id, id) VALUES ('store_a', 'cust_p2')");
    await(store.persist(new EvaluationStore.Batch(9, epoch, 1, List.of(new EvaluationStore.CustomerWrite("store_a",
        "cust_p2", false, 0, BigDecimal.ZERO, AT, AT, AT, new CustomerState("store_a", "cust_p2").toBytes(), null,
        null)), List.of(), List.of())));
    assertEquals("null", packedAsNumbers("cust_p2", all));
    leanIn9(epoch, "cust_p2", "5,6", null);
    assertEquals("5,6", packedAsNumbers("cust_p2", all));

    // a list stored unpacked (a writer that did not know the column): an append leaves it unpacked (the start
    // reads its numbers), never wrong; a rebuild packs it
    TestDatabase.execute(url, "UPDATE customer_eval_state SET segment_nums_packed = NULL WHERE customer_id = 'cust_p2'");
    leanIn9(epoch, "cust_p2", "200", null);
    String where = " FROM customer_eval_state WHERE customer_id = 'cust_p2'";
    assertEquals("5,6,200", text("SELECT array_to_string(segment_nums, ',')" + where));
    assertEquals(null, text("SELECT encode(segment_nums_packed, 'hex')" + where));
    leanIn9(epoch, "cust_p2", null, "6");
    assertEquals("5,200", packedAsNumbers("cust_p2", all));
  }

  private static void leanIn9(long epoch, String customer, String entered, String left) throws Exception {
    await(store.persist(new EvaluationStore.Batch(9, epoch, 1, List.of(), List.of(), List.of(), null,
        List.of(new EvaluationStore.LeanWrite("store_a", customer, null, entered, left)))));
  }

  @Test
  void a_varint_packed_by_postgresql_is_the_evaluators() throws Exception {
    for (long d : new long[] {0, 1, 127, 128, 16_383, 16_384, 2_097_151, 2_097_152, 268_435_455, 268_435_456,
        4_294_967_295L}) {
      byte[] one = EvaluationStore.packNums(new int[] {(int) d}); // one number alone: its gap from 0, 32 bits unsigned
      assertEquals(java.util.HexFormat.of().formatHex(one),
          text("SELECT encode(" + EvaluationStore.varintSql(d + "::bigint") + ", 'hex')"), String.valueOf(d));
    }
    assertEquals("8001" + "7f", java.util.HexFormat.of().formatHex(EvaluationStore.packGaps(new int[] {5, 133, 260})));
    assertEquals("", java.util.HexFormat.of().formatHex(EvaluationStore.packGaps(new int[] {5})));
  }

  private static String numsOf(String customer) throws Exception {
    return text("SELECT array_to_string(segment_nums, ',') || '/' || cardinality(segment_since) FROM customer_eval_state"
        + " WHERE customer_id = '" + customer + "'");
  }

  @Test
  void a_lean_write_appends_a_new_segment_and_edits_the_list_by_number_otherwise_keeping_state_and_since_times()
      throws Exception {
    TestDatabase.execute(url, "INSERT INTO segments (store_id, id, name, type) VALUES ('store_a', 'seg_lean', 'L', 'dynamic')");
    int one = num("seg_1");
    int three = num("seg_3");
    int newest = num("seg_lean");
    assertTrue(newest > Math.max(one, three), "a new segment has the largest number");
    long epoch = await(store.takeOver(1, "node_a")).epoch();
    write(epoch, members("cust_81", 4, new String[] {"seg_1", "seg_3"}, (String[]) null));
    java.util.Map<String, String> first = sinceOf("cust_81");

    // a first sync's member: the new number appended, the stored ones and their times kept, the state untouched
    lean(epoch, "cust_81", null, String.valueOf(newest), null);
    java.util.Map<String, String> second = sinceOf("cust_81");
    assertEquals(java.util.Set.of("seg_1", "seg_3", "seg_lean"), second.keySet());
    assertEquals(first.get("seg_1"), second.get("seg_1"));
    assertEquals(first.get("seg_3"), second.get("seg_3"));
    assertTrue(second.get("seg_lean").compareTo(first.get("seg_1")) > 0, second.toString());
    assertEquals(4, stored("cust_81").appliedSeq, "the state's bytes stay");
    String sorted = java.util.stream.IntStream.of(one, three, newest).sorted().mapToObj(Integer::toString)
        .collect(java.util.stream.Collectors.joining(","));
    assertEquals(sorted + "/3", numsOf("cust_81"));
    packedAsNumbers("cust_81", one, three, newest, num("seg_2"));

    // entered again (a sync resumed after a crash): not twice, its time kept
    lean(epoch, "cust_81", null, String.valueOf(newest), null);
    assertEquals(second, sinceOf("cust_81"));
    assertEquals(sorted + "/3", numsOf("cust_81"));
    packedAsNumbers("cust_81", one, three, newest, num("seg_2"));

    // a number below the last one entered, another left: rebuilt by number, ascending, kept times kept
    lean(epoch, "cust_81", null, String.valueOf(num("seg_2")), String.valueOf(one));
    java.util.Map<String, String> third = sinceOf("cust_81");
    assertEquals(java.util.Set.of("seg_2", "seg_3", "seg_lean"), third.keySet());
    assertEquals(second.get("seg_3"), third.get("seg_3"));
    assertEquals(second.get("seg_lean"), third.get("seg_lean"));
    assertTrue(third.get("seg_2").compareTo(second.get("seg_lean")) > 0, third.toString());
    assertEquals(java.util.stream.IntStream.of(num("seg_2"), three, newest).sorted().mapToObj(Integer::toString)
        .collect(java.util.stream.Collectors.joining(",")) + "/3", numsOf("cust_81"));
    packedAsNumbers("cust_81", one, three, newest, num("seg_2"));

    // a time-dependent backfill moved the next check: the state's bytes, memberships as they were
    CustomerState moved = new CustomerState("store_a", "cust_81");
    moved.appliedSeq = 4;
    moved.nextCheckAt = AT.toEpochMilli();
    lean(epoch, "cust_81", moved.toBytes(), null, null);
    assertEquals(third, sinceOf("cust_81"));
    assertEquals(AT.toEpochMilli(), stored("cust_81").nextCheckAt);

    // every membership left: an empty list, no row for a customer that has none
    lean(epoch, "cust_81", null, null, java.util.stream.IntStream.of(num("seg_2"), three, newest).sorted()
        .mapToObj(Integer::toString).collect(java.util.stream.Collectors.joining(",")));
    assertEquals(java.util.Map.of(), sinceOf("cust_81"));
    assertEquals("/0", numsOf("cust_81"));
    assertEquals("", packedAsNumbers("cust_81"));
    TestDatabase.execute(url, "INSERT INTO customers (store_id, id) VALUES ('store_a', 'cust_lean_no_row')");
    lean(epoch, "cust_lean_no_row", null, String.valueOf(newest), null);
    assertEquals(0, count("SELECT count(*) FROM customer_eval_state WHERE customer_id = 'cust_lean_no_row'"));
  }

  @Test
  void memberships_are_written_packed_beside_their_numbers_and_a_write_of_the_numbers_alone_leaves_them_unpacked()
      throws Exception {
    long epoch = await(store.takeOver(2, "node_a")).epoch();
    writeIn2(epoch, members("cust_81", 1, new String[] {"seg_3", "seg_1"}, (String[]) null)); // a new row
    assertPacked("cust_81", "seg_1", "seg_3");
    writeIn2(epoch, members("cust_81", 2, new String[] {"seg_1", "seg_2", "seg_3"}, "seg_2"));
    assertPacked("cust_81", "seg_1", "seg_2", "seg_3");
    writeIn2(epoch, state("cust_81", false, 3)); // memberships unchanged: packed as they were
    assertPacked("cust_81", "seg_1", "seg_2", "seg_3");
    writeIn2(epoch, members("cust_81", 4, new String[0], "seg_1", "seg_2", "seg_3")); // none left: an empty list
    assertPacked("cust_81");

    // a statement that changes the numbers without the packed column leaves them unpacked: the start reads the numbers
    writeIn2(epoch, members("cust_81", 5, new String[] {"seg_1", "seg_3"}, "seg_1", "seg_3"));
    TestDatabase.execute(url, "UPDATE customer_eval_state SET segment_nums = segment_nums[1:1],"
        + " segment_since = segment_since[1:1] WHERE customer_id = 'cust_81'");
    assertEquals(null, text("SELECT encode(segment_nums_packed, 'hex') FROM customer_eval_state WHERE customer_id = 'cust_81'"));
    io.vertx.sqlclient.Row row = await(store.loadCustomer("store_a", "cust_81"));
    assertEquals(null, EvaluationStore.segmentNumsPacked(row));
    assertArrayEquals(PartitionCoreTest.arraySend(1, 0, 23, 4, Math.min(num("seg_1"), num("seg_3"))),
        EvaluationStore.segmentNums(row));
    writeIn2(epoch, members("cust_81", 6, new String[] {"seg_2"}, (String[]) null)); // the evaluator's next write packs them
    assertPacked("cust_81", "seg_2");
    // a statement that writes both keeps what it wrote
    TestDatabase.execute(url, "UPDATE customer_eval_state SET segment_nums = ARRAY[" + num("seg_1") + "],"
        + " segment_nums_packed = segment_nums_pack(ARRAY[" + num("seg_1") + "]) WHERE customer_id = 'cust_81'");
    assertPacked("cust_81", "seg_1");

    // the migration's function packs as the evaluator does
    for (int[] nums : new int[][] {{}, {5}, {1, 2, 130, 3}, {7, 7, 3}, {-5, 3}, {Integer.MAX_VALUE, Integer.MIN_VALUE, 0},
        {200, 20_000, 3_000_000, 300_000_000}}) {
      String array = java.util.Arrays.toString(nums).replace('[', '{').replace(']', '}');
      assertEquals(java.util.HexFormat.of().formatHex(EvaluationStore.packNums(nums)),
          text("SELECT encode(segment_nums_pack('" + array + "'::integer[]), 'hex')"), array);
    }
    assertEquals(null, text("SELECT encode(segment_nums_pack(NULL), 'hex')"));
  }

  private static void writeIn2(long epoch, EvaluationStore.CustomerWrite w) throws Exception {
    await(store.persist(new EvaluationStore.Batch(2, epoch, 1, List.of(w), List.of(), List.of())));
  }

  /**
   * The customer's memberships are stored packed (V74), as the evaluator and the migration's function pack them,
   * and the start reads them so, without their numbers as array_send.
   */
  private static void assertPacked(String customer, String... segments) throws Exception {
    int[] nums = new int[segments.length];
    for (int i = 0; i < nums.length; i++) {
      nums[i] = num(segments[i]);
    }
    String where = " FROM customer_eval_state WHERE store_id = 'store_a' AND customer_id = '" + customer + "'";
    String packed = java.util.HexFormat.of().formatHex(EvaluationStore.packNums(nums));
    assertEquals(packed, text("SELECT encode(segment_nums_packed, 'hex')" + where));
    assertEquals(packed, text("SELECT encode(segment_nums_pack(segment_nums), 'hex')" + where));
    io.vertx.sqlclient.Row row = await(store.loadCustomer("store_a", customer));
    assertArrayEquals(EvaluationStore.packNums(nums), EvaluationStore.segmentNumsPacked(row));
    assertEquals(null, EvaluationStore.segmentNums(row), "not sent as array_send too");
  }

  @Test
  void partitions_counting_members_of_the_same_segment_do_not_wait_for_each_others_commit() throws Exception {
    TestDatabase.execute(url, "INSERT INTO segments (store_id, id, name, type) VALUES ('store_a', 'seg_both', 'B', 'dynamic')");
    long epoch5 = await(store.takeOver(5, "node_a")).epoch();
    long epoch6 = await(store.takeOver(6, "node_a")).epoch();
    await(store.persist(new EvaluationStore.Batch(5, epoch5, 1, List.of(), List.of(),
        List.of(Tuple.of("store_a", "seg_both", 2L)))));
    // partition 5's next batch is in flight: it has written its count and not committed yet
    try (Connection c = TestDatabase.connect(url)) {
      c.setAutoCommit(false);
      try (Statement st = c.createStatement()) {
        st.execute("UPDATE segment_member_counts SET members = members + 1 WHERE store_id = 'store_a'"
            + " AND segment_id = 'seg_both' AND writer = 5");
      }
      // partition 6's batch of the same segment commits meanwhile (it waited for that commit before V63)
      store.persist(new EvaluationStore.Batch(6, epoch6, 1, List.of(), List.of(),
          List.of(Tuple.of("store_a", "seg_both", 3L)))).toCompletionStage().toCompletableFuture()
          .get(10, TimeUnit.SECONDS);
      assertEquals(5, memberCount("seg_both"), "what both partitions committed");
      c.commit();
    }
    assertEquals(6, memberCount("seg_both"));
    await(store.persist(new EvaluationStore.Batch(6, epoch6, 2, List.of(), List.of(),
        List.of(Tuple.of("store_a", "seg_both", -4L)))));
    assertEquals(2, memberCount("seg_both"));
    assertEquals(2, count("SELECT count(*) FROM segment_member_counts WHERE segment_id = 'seg_both'"),
        "one row per partition, each updated in place");
    assertTrue(await(new io.shoal.segment.SegmentRepository(pool).delete("store_a", "seg_both")));
    assertEquals(0, count("SELECT count(*) FROM segment_member_counts WHERE segment_id = 'seg_both'"),
        "a deleted segment's counts go with it");
    // a batch counting a segment deleted meanwhile still commits, and leaves no count behind
    await(store.persist(new EvaluationStore.Batch(6, epoch6, 3, List.of(), List.of(),
        List.of(Tuple.of("store_a", "seg_both", 1L)))));
    assertEquals(0, count("SELECT count(*) FROM segment_member_counts WHERE segment_id = 'seg_both'"));
  }

  @Test
  void a_recount_at_start_replaces_the_partitions_counts_and_partition_0_drops_those_of_no_partition()
      throws Exception {
    TestDatabase.execute(url, "INSERT INTO segments (store_id, id, name, type) VALUES ('store_a', 'seg_rc1', 'R1', 'dynamic'),"
        + " ('store_a', 'seg_rc2', 'R2', 'dynamic')");
    // what the rows may hold after a crash lost deltas: V63's moved count (-1), a partition beyond
    // the configured nine (12), and partitions 0 and 1 with counts of their own
    TestDatabase.execute(url, "INSERT INTO segment_member_counts VALUES ('store_a', 'seg_rc1', -1, 40),"
        + " ('store_a', 'seg_rc1', 12, 3), ('store_a', 'seg_rc1', 0, 9), ('store_a', 'seg_rc1', 1, 2),"
        + " ('store_a', 'seg_rc2', 0, 7), ('store_a', 'seg_rc2', 1, 1)");
    assertEquals(54, memberCount("seg_rc1"));

    // partition 1 recounts 4 members of seg_rc1 and none of seg_rc2; a delta of the same batch lands after
    long epoch1 = await(store.takeOver(1, "node_a")).epoch();
    await(store.persist(new EvaluationStore.Batch(1, epoch1, 1, List.of(), List.of(),
        List.of(Tuple.of("store_a", "seg_rc1", 1L)),
        new EvaluationStore.Recount(9, List.of(Tuple.of("store_a", "seg_rc1", 4L))))));
    assertEquals(List.of("-1:40", "0:9", "1:5", "12:3"), countRows("seg_rc1"), "partition 1's row replaced, plus its delta");
    assertEquals(List.of("0:7"), countRows("seg_rc2"), "a segment without members here has no row of partition 1");

    // partition 0 recounts 6 and 2, and drops the rows of writers that are no partition
    long epoch0 = await(store.takeOver(0, "node_a")).epoch();
    await(store.persist(new EvaluationStore.Batch(0, epoch0, 1, List.of(), List.of(), List.of(),
        new EvaluationStore.Recount(9, List.of(Tuple.of("store_a", "seg_rc1", 6L), Tuple.of("store_a", "seg_rc2", 2L))))));
    assertEquals(List.of("0:6", "1:5"), countRows("seg_rc1"));
    assertEquals(List.of("0:2"), countRows("seg_rc2"));
    assertEquals(11, memberCount("seg_rc1"));
    assertEquals(2, memberCount("seg_rc2"));

    // a fenced owner's recount changes nothing
    await(store.takeOver(0, "node_b"));
    assertInstanceOf(EvaluationStore.Fenced.class, assertThrows(ExecutionException.class,
        () -> store.persist(new EvaluationStore.Batch(0, epoch0, 2, List.of(), List.of(), List.of(),
            new EvaluationStore.Recount(9, List.of()))).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS))
        .getCause());
    assertEquals(List.of("0:6", "1:5"), countRows("seg_rc1"));
  }

  /** A segment's count rows, "writer:members" by writer. */
  private static List<String> countRows(String segment) throws Exception {
    List<String> out = new ArrayList<>();
    try (Connection c = TestDatabase.connect(url); Statement st = c.createStatement();
         ResultSet r = st.executeQuery("SELECT writer || ':' || members FROM segment_member_counts"
             + " WHERE store_id = 'store_a' AND segment_id = '" + segment + "' ORDER BY writer")) {
      while (r.next()) {
        out.add(r.getString(1));
      }
    }
    return out;
  }

  @Test
  void memberships_of_a_segment_deleted_or_made_static_are_not_read_before_the_evaluator_drops_them()
      throws Exception {
    TestDatabase.execute(url, "INSERT INTO segments (store_id, id, name, type) VALUES ('store_a', 'seg_gone', 'G', 'dynamic'),"
        + " ('store_a', 'seg_fixed', 'F', 'dynamic')");
    TestDatabase.execute(url, "INSERT INTO customers (store_id, id) VALUES ('store_a', 'cust_v1')");
    await(store.persist(new EvaluationStore.Batch(4, await(store.takeOver(4, "node_a")).epoch(), 1,
        List.of(state("cust_v1", false, 1, "seg_fixed,seg_gone")), List.of(), List.of())));
    assertEquals("seg_fixed,seg_gone", segmentsOf("cust_v1"));
    TestDatabase.execute(url, "DELETE FROM segments WHERE store_id = 'store_a' AND id = 'seg_gone'");
    TestDatabase.execute(url, "UPDATE segments SET type = 'static' WHERE store_id = 'store_a' AND id = 'seg_fixed'");
    assertEquals(null, segmentsOf("cust_v1"));
    assertEquals(0, members("seg_fixed"));
    // a static segment's own rows are read as before
    TestDatabase.execute(url, "INSERT INTO segment_members (store_id, segment_id, customer_id) VALUES"
        + " ('store_a', 'seg_fixed', 'cust_v1')");
    assertEquals("seg_fixed", segmentsOf("cust_v1"));
    assertEquals(1, members("seg_fixed"));
    TestDatabase.execute(url, "DELETE FROM segment_members WHERE segment_id = 'seg_fixed'");
  }

  @Test
  void a_batch_of_an_owner_that_another_took_the_partition_from_is_refused_whole() throws Exception {
    TestDatabase.execute(url, "INSERT INTO segments (store_id, id, name, type) VALUES ('store_a', 'seg_4', 'Four', 'dynamic')");
    TestDatabase.execute(url, "INSERT INTO customers (store_id, id) VALUES ('store_a', 'cust_f1'), ('store_a', 'cust_f2')");
    EvaluationStore.Ownership first = await(store.takeOver(3, "node_a"));
    assertEquals(0, first.checkpoint());
    await(store.persist(new EvaluationStore.Batch(3, first.epoch(), 10, List.of(state("cust_f1", true, 1, "seg_4")),
        List.of(flip("seg_4", "cust_f1", true, true)), List.of(Tuple.of("store_a", "seg_4", 1L)))));

    EvaluationStore.Ownership second = await(store.takeOver(3, "node_b"));
    assertEquals(10, second.checkpoint(), "the new owner replays from what the old one committed");
    assertEquals(first.epoch() + 1, second.epoch());
    assertEquals("node_b", text("SELECT owner FROM evaluator_checkpoints WHERE partition = 3"));

    // the old owner's next batch: nothing of it lands
    ExecutionException refused = assertThrows(ExecutionException.class, () -> await(store.persist(
        new EvaluationStore.Batch(3, first.epoch(), 20, List.of(state("cust_f2", true, 2, "seg_4")),
            List.of(flip("seg_4", "cust_f2", true, true)), List.of(Tuple.of("store_a", "seg_4", 1L))))));
    assertInstanceOf(EvaluationStore.Fenced.class, refused.getCause());
    assertEquals(10, count("SELECT last_seq FROM evaluator_checkpoints WHERE partition = 3"));
    assertEquals(null, segmentsOf("cust_f2"));
    assertEquals(0, count("SELECT count(*) FROM customer_eval_state WHERE customer_id = 'cust_f2'"));
    assertEquals(1, count("SELECT count(*) FROM notification_log WHERE data->>'segment_id' = 'seg_4'"), "no announcement of the refused batch");
    assertEquals(1, memberCount("seg_4"));

    // the new owner's batch lands
    await(store.persist(new EvaluationStore.Batch(3, second.epoch(), 20, List.of(state("cust_f2", true, 2, "seg_4")),
        List.of(flip("seg_4", "cust_f2", true, true)), List.of(Tuple.of("store_a", "seg_4", 1L)))));
    assertEquals(20, count("SELECT last_seq FROM evaluator_checkpoints WHERE partition = 3"));
    assertEquals("seg_4", segmentsOf("cust_f2"));
  }

  /**
   * A batch's statements leave together, each not waiting for the one before to be answered.
   * Through a link that delays every packet by 150 ms each way, the batch (state rows,
   * aggregates, flips, notifications, counts, checkpoint) commits in three round trips (BEGIN, the
   * statements, COMMIT: 0.9 s), where one round trip a statement took eight (2.4 s or more), and
   * the aggregates sent after the state rows' answer four.
   */
  @Test
  void a_batch_commits_in_three_round_trips_to_postgresql_however_many_statements_it_holds() throws Exception {
    TestDatabase.execute(url, "INSERT INTO segments (store_id, id, name, type) VALUES ('store_a', 'seg_rt', 'RT', 'dynamic')");
    TestDatabase.execute(url, "INSERT INTO customers (store_id, id) VALUES ('store_a', 'cust_rt1'), ('store_a', 'cust_rt2'),"
        + " ('store_a', 'cust_rt3')");
    io.vertx.pgclient.PgConnectOptions direct = io.shoal.db.Database.parseUrl(url);
    DelayingLink link = new DelayingLink(vertx, direct.getHost(), direct.getPort(), 150);
    int port = await(link.listen());
    Pool slow = io.vertx.pgclient.PgBuilder.pool().with(new io.vertx.sqlclient.PoolOptions().setMaxSize(1))
        .connectingTo(new io.vertx.pgclient.PgConnectOptions(direct).setHost("127.0.0.1").setPort(port)
            .setCachePreparedStatements(true).setPipeliningLimit(256)) // as Database sets them
        .using(vertx).build();
    try {
      EvaluationStore far = new EvaluationStore(slow, new NotificationLog(vertx, NotificationLog.Fanout.NONE));
      long epoch = await(far.takeOver(7, "node_a")).epoch(); // opens the connection: not timed
      // the first batch prepares the statements on the connection: not timed either
      await(far.persist(new EvaluationStore.Batch(7, epoch, 4, List.of(state("cust_rt1", true, 1, "seg_rt")),
          List.of(flip("seg_rt", "cust_rt1", true, true)), List.of(Tuple.of("store_a", "seg_rt", 1L)))));
      long started = System.nanoTime();
      await(far.persist(new EvaluationStore.Batch(7, epoch, 5, List.of(state("cust_rt3", true, 1, "seg_rt")),
          List.of(flip("seg_rt", "cust_rt3", true, true)), List.of(Tuple.of("store_a", "seg_rt", 1L)))));
      long ms = (System.nanoTime() - started) / 1_000_000;
      assertEquals("seg_rt", segmentsOf("cust_rt3"));
      assertEquals(5, count("SELECT last_seq FROM evaluator_checkpoints WHERE partition = 7"));
      assertEquals(2, count("SELECT count(*) FROM notification_log WHERE data->>'segment_id' = 'seg_rt'"));
      assertTrue(ms < 1_100, "a batch of 6 statements took " + ms + " ms over a 300 ms round trip");

      // a statement that fails rolls the whole batch back; the connection serves the next batch
      ExecutionException failed = assertThrows(ExecutionException.class, () -> await(far.persist(
          new EvaluationStore.Batch(7, epoch, 6, List.of(state("cust_rt2", true, 1, "seg_rt")),
              List.of(flip("seg_rt", "cust_rt2", true, true)),
              // one segment's count twice in a statement: PostgreSQL refuses it, after the state row and the flip went in
              List.of(Tuple.of("store_a", "seg_rt", 1L), Tuple.of("store_a", "seg_rt", 1L))))));
      assertTrue(failed.getCause() instanceof io.vertx.pgclient.PgException, failed.getCause().toString());
      assertEquals(null, segmentsOf("cust_rt2"));
      assertEquals(5, count("SELECT last_seq FROM evaluator_checkpoints WHERE partition = 7"));
      assertEquals(2, count("SELECT count(*) FROM segment_transitions WHERE segment_id = 'seg_rt'"));
      assertEquals(2, count("SELECT count(*) FROM notification_log WHERE data->>'segment_id' = 'seg_rt'"));
      await(far.persist(new EvaluationStore.Batch(7, epoch, 6, List.of(state("cust_rt2", true, 1, "seg_rt")),
          List.of(flip("seg_rt", "cust_rt2", true, true)), List.of(Tuple.of("store_a", "seg_rt", 1L)))));
      assertEquals("seg_rt", segmentsOf("cust_rt2"));
      assertEquals(6, count("SELECT last_seq FROM evaluator_checkpoints WHERE partition = 7"));
      assertEquals(3, memberCount("seg_rt"));
    } finally {
      await(slow.close());
      link.close();
    }
  }

  /** A TCP link to PostgreSQL that delivers every chunk, in order, {@code delayMs} after it arrived, both ways. */
  private static final class DelayingLink {
    private final Vertx vertx;
    private final String host;
    private final int port;
    private final long delayMs;
    private io.vertx.core.net.NetServer server;

    DelayingLink(Vertx vertx, String host, int port, long delayMs) {
      this.vertx = vertx;
      this.host = host;
      this.port = port;
      this.delayMs = delayMs;
    }

    Future<Integer> listen() {
      io.vertx.core.net.NetClient client = vertx.createNetClient();
      server = vertx.createNetServer().connectHandler(in -> {
        in.pause();
        client.connect(port, host).onSuccess(out -> {
          forward(in, out);
          forward(out, in);
          in.resume();
        }).onFailure(e -> in.close());
      });
      return server.listen(0, "127.0.0.1").map(io.vertx.core.net.NetServer::actualPort);
    }

    private void forward(io.vertx.core.net.NetSocket from, io.vertx.core.net.NetSocket to) {
      java.util.ArrayDeque<Object[]> queue = new java.util.ArrayDeque<>();
      from.handler(b -> {
        queue.add(new Object[] {System.nanoTime() + delayMs * 1_000_000, b});
        if (queue.size() == 1) {
          vertx.setTimer(delayMs, t -> drain(queue, to));
        }
      });
      from.closeHandler(v -> to.close());
    }

    private void drain(java.util.ArrayDeque<Object[]> queue, io.vertx.core.net.NetSocket to) {
      long now = System.nanoTime();
      while (!queue.isEmpty() && (long) queue.peek()[0] <= now) {
        to.write((io.vertx.core.buffer.Buffer) queue.poll()[1]);
      }
      if (!queue.isEmpty()) {
        vertx.setTimer(Math.max(1, ((long) queue.peek()[0] - now) / 1_000_000), t -> drain(queue, to));
      }
    }

    void close() throws Exception {
      await(server.close());
    }
  }

  @Test
  void a_batch_larger_than_one_statement_slice_is_written_whole() throws Exception {
    List<EvaluationStore.Transition> flips = new ArrayList<>();
    List<EvaluationStore.CustomerWrite> states = new ArrayList<>();
    for (int i = 1; i <= 25_000; i++) {
      flips.add(flip("seg_3", "cust_" + i, true, false));
      states.add(state("cust_" + i, false, 0, "seg_3"));
    }
    await(store.persist(new EvaluationStore.Batch(1, await(store.takeOver(1, "node_a")).epoch(), 5, states, flips,
        List.of())));
    assertEquals(25_000, members("seg_3"));
    assertEquals(25_000, count("SELECT count(*) FROM customer_eval_state WHERE state_bin IS NOT NULL AND state IS NULL"
        + " AND customer_id ~ '^cust_[0-9]+$'"));
    assertEquals(0, stored("cust_24999").appliedSeq);
  }

  @Test
  void a_state_written_as_json_before_v22_is_read_and_written_back_as_bytes_with_its_cart() throws Exception {
    TestDatabase.execute(url, "INSERT INTO customers (store_id, id) VALUES ('store_a', 'cust_old')");
    TestDatabase.execute(url, "INSERT INTO customer_eval_state (store_id, customer_id, last_seen_at, state) VALUES"
        + " ('store_a', 'cust_old', now(), '{\"orders\": {\"o1\": {\"r\": \"0\", \"t\": \"30.00\", \"at\": 1764583200000,"
        + " \"i\": [{\"product_id\": \"p7\", \"category_id\": \"cat2\"}]}}, \"events\": {\"page.viewed\": [1764583100000]},"
        + " \"cart\": {\"id\": \"k1\", \"v\": \"9.99\", \"n\": 1, \"at\": 1764583300000}, \"seq\": 17}')");
    CustomerState old = stored("cust_old");
    assertEquals(17, old.appliedSeq);
    assertEquals(new BigDecimal("30.00"), old.value("total_spent"));
    assertEquals(List.of("p7"), old.value("products_bought"));
    assertEquals(1, old.eventTimes("page.viewed").size());

    await(store.persist(new EvaluationStore.Batch(2, await(store.takeOver(2, "node_a")).epoch(), 1,
        List.of(new EvaluationStore.CustomerWrite("store_a", "cust_old",
        false, 1, new BigDecimal("30.00"), AT, AT, AT, old.toBytes(), old.cartJson(), null)), List.of(), List.of())));
    assertEquals(1, count("SELECT count(*) FROM customer_eval_state WHERE customer_id = 'cust_old'"
        + " AND state IS NULL AND state_bin IS NOT NULL"));
    assertEquals("9.99", text("SELECT cart->>'v' FROM customer_eval_state WHERE customer_id = 'cust_old'"),
        "the profile's cart is kept in its own column");
    CustomerState again = stored("cust_old");
    assertEquals(17, again.appliedSeq);
    assertEquals(old.value("total_spent"), again.value("total_spent"));
    assertEquals(old.purchaseTimes("category", "cat2"), again.purchaseTimes("category", "cat2"));
  }

  /**
   * A one-connection pool keeping its statements as the evaluator's does, each planned generically from its
   * first run: PostgreSQL takes a kept statement's generic plan after five runs when it costs less than its own
   * plans did (on the bench's data it did, not on these tests' few rows).
   */
  private Pool genericPlanPool() {
    return io.vertx.pgclient.PgBuilder.pool().with(new io.vertx.sqlclient.PoolOptions().setMaxSize(1))
        .connectingTo(io.shoal.db.Database.parseUrl(url).setCachePreparedStatements(true)
            .setPreparedStatementCacheSqlLimit(io.shoal.db.Database.EVALUATOR_STATEMENT_CACHE_LIMIT)
            .addProperty("plan_cache_mode", "force_generic_plan"))
        .using(vertx).build();
  }
}
