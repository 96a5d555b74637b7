package io.shoal.segment.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shoal.outbox.NotificationLog;
import io.shoal.segment.SegmentRepository;
import io.shoal.testing.TestDatabase;
import io.shoal.testing.TestPool;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * V57's storage of recorded flips, on the real PostgreSQL: the flips of one customer's event are
 * one segment_flips row, and every reader (the transitions API's read, the view, a data request's
 * export) still sees one transition per flip, with its own id and seq, in the order made; rows
 * written before V57 read back the same. Since V80 a row stores no ids (a flip's id is made from
 * its seq, which comes from the notifications' sequence); rows written before read back as before.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SegmentFlipsTest {

  private static TestPool db;
  private static EvaluationStore store;
  private static SegmentRepository segments;
  private static final Instant AT = Instant.parse("2026-12-01T10:00:00Z");
  private static int next;

  @BeforeAll
  static void database() {
    db = TestPool.migrated();
    store = new EvaluationStore(db.pool, new NotificationLog(db.vertx, new NotificationLog.Fanout() {
      @Override
      public Future<Void> recorded(io.vertx.sqlclient.SqlConnection conn, List<NotificationLog.Recorded> recorded) {
        return Future.succeededFuture();
      }

      @Override
      public void committed(List<io.shoal.outbox.Notification> committed) {}
    }));
    segments = new SegmentRepository(db.pool);
    TestDatabase.execute(db.url, "INSERT INTO stores (id, name) VALUES ('store_f', 'F')");
    TestDatabase.execute(db.url, "INSERT INTO customers (store_id, id) SELECT 'store_f', 'cust_' || i"
        + " FROM generate_series(1, 10) i");
  }

  @AfterAll
  static void close() throws Exception {
    db.close();
  }

  private static EvaluationStore.Transition flip(String segment, String customer, boolean entered, String event,
                                                 Instant at) {
    return flip(segment, customer, entered, event, at, true);
  }

  private static EvaluationStore.Transition flip(String segment, String customer, boolean entered, String event,
                                                 Instant at, boolean record) {
    return new EvaluationStore.Transition("store_f", io.shoal.kernel.Ids.newRecordId("trn"), segment, customer,
        entered, record, event == null ? "time" : "event", event, at, "Segment", new JsonObject());
  }

  private static void persist(List<EvaluationStore.Transition> flips) throws Exception {
    int partition = 10 + next++;
    TestPool.await(store.persist(new EvaluationStore.Batch(partition,
        TestPool.await(store.takeOver(partition, "node")).epoch(), 1, List.of(), flips, List.of())));
  }

  private static List<String> ids(List<Row> rows) {
    return rows.stream().map(r -> r.getString("id")).toList();
  }

  /** The ids of a segment's flips in store_f, as the view has them, in seq order. */
  private static List<String> ids(String segment) throws Exception {
    return TestDatabase.column(db.url, "SELECT id FROM segment_transitions WHERE store_id = 'store_f'"
        + " AND segment_id = '" + segment + "' ORDER BY seq");
  }

  /** A flip as the view shows it: segment, customer, kind. */
  private static String made(EvaluationStore.Transition t) {
    return t.segmentId() + "," + t.customerId() + "," + (t.entered() ? "entered" : "left");
  }

  @Test
  void the_flips_of_one_event_are_one_row_and_each_reads_back_as_a_transition_in_order() throws Exception {
    Instant later = AT.plusSeconds(60);
    List<EvaluationStore.Transition> flips = List.of(
        flip("seg_a", "cust_1", true, "evt_1", AT),
        flip("seg_b", "cust_1", true, "evt_1", AT),
        flip("seg_c", "cust_1", false, "evt_1", AT, false), // a silent backfill flip: no transition
        flip("seg_c", "cust_1", false, "evt_1", AT),
        flip("seg_a", "cust_2", true, "evt_2", AT),
        flip("seg_a", "cust_1", false, "evt_3", later),
        flip("seg_b", "cust_1", false, null, later), // a time flip at the same instant: another cause, another row
        flip("seg_a", "cust_2", false, null, later));
    persist(flips);

    assertEquals(List.of("3", "1", "1", "1", "1"), TestDatabase.column(db.url, "SELECT cardinality(entered) FROM segment_flips"
        + " WHERE store_id = 'store_f' AND customer_id IN ('cust_1', 'cust_2') ORDER BY seq"), "one row per customer's event");
    List<String> all = TestDatabase.column(db.url, "SELECT segment_id || ',' || customer_id || ',' || kind"
        + " FROM segment_transitions WHERE store_id = 'store_f' AND customer_id IN ('cust_1', 'cust_2') ORDER BY seq");
    assertEquals(flips.stream().filter(EvaluationStore.Transition::record).map(SegmentFlipsTest::made).toList(),
        all, "every recorded flip, once, in the order made");
    // V80: no ids stored; each flip's id is made from its seq
    assertEquals(List.of("5,0"), TestDatabase.column(db.url, "SELECT count(*) || ',' || count(ids) FROM segment_flips"
        + " WHERE store_id = 'store_f' AND customer_id IN ('cust_1', 'cust_2')"));
    assertEquals(List.of("7"), TestDatabase.column(db.url, "SELECT count(DISTINCT id) FROM segment_transitions"
        + " WHERE store_id = 'store_f' AND customer_id IN ('cust_1', 'cust_2') AND id = 'trn_u' || lpad(seq::text, 19, '0')"));
    assertEquals(List.of("entered,evt_1,event", "entered,evt_1,event", "left,evt_1,event", "entered,evt_2,event",
        "left,evt_3,event", "left,,time", "left,,time"), TestDatabase.column(db.url, "SELECT kind || ',' || coalesce(event_id, '')"
        + " || ',' || cause FROM segment_transitions WHERE store_id = 'store_f' AND customer_id IN ('cust_1', 'cust_2')"
        + " ORDER BY seq"));
    assertEquals(List.of("7"), TestDatabase.column(db.url, "SELECT count(DISTINCT seq) FROM segment_transitions WHERE store_id = 'store_f'"
        + " AND customer_id IN ('cust_1', 'cust_2')"));

    // the transitions API's read: one segment's flips, oldest first, a page after a cursor, one customer's
    List<Row> a = TestPool.await(segments.transitions("store_f", "seg_a", null, 0, 10));
    assertEquals(ids("seg_a"), ids(a));
    assertEquals(List.of("cust_1", "cust_2", "cust_1", "cust_2"), a.stream().map(r -> r.getString("customer_id")).toList());
    assertEquals(List.of("entered", "entered", "left", "left"), a.stream().map(r -> r.getString("kind")).toList());
    assertEquals(AT.atOffset(java.time.ZoneOffset.UTC).toInstant(), a.get(0).getOffsetDateTime("occurred_at").toInstant());
    for (int i = 1; i < a.size(); i++) {
      assertTrue(a.get(i).getLong("seq") > a.get(i - 1).getLong("seq"), "seqs increase");
    }
    List<Row> afterFirst = TestPool.await(segments.transitions("store_f", "seg_a", null, a.get(0).getLong("seq"), 2));
    assertEquals(ids("seg_a").subList(1, 3), ids(afterFirst));
    assertEquals(List.of(ids("seg_a").get(1), ids("seg_a").get(3)),
        ids(TestPool.await(segments.transitions("store_f", "seg_a", "cust_2", 0, 10))));
    List<Row> b = TestPool.await(segments.transitions("store_f", "seg_b", null, 0, 10));
    assertEquals(ids("seg_b"), ids(b));
    // a cursor inside a row: the flips of that row after it, then the later rows
    List<Row> c = TestPool.await(segments.transitions("store_f", "seg_c", null, 0, 10));
    assertEquals(ids("seg_c"), ids(c));
    assertEquals(List.of(), ids(TestPool.await(segments.transitions("store_f", "seg_c", null, c.get(0).getLong("seq"), 10))));
    assertEquals(List.of(ids("seg_b").get(1)),
        ids(TestPool.await(segments.transitions("store_f", "seg_b", null, b.get(0).getLong("seq"), 10))));
  }

  /**
   * The transitions API's pages are read in two bounded parts (a walk of WALK_ROWS rows, then the
   * GIN index after the walk's last row): every page, cursor and customer filter must answer what
   * the plain view answers, for a segment in most rows, in some, and in three of thousands, over
   * rows one flip apart (written before V57) and rows a page's walk cannot reach (without ids, as V80
   * writes them), at seqs past 2^31
   * (a cursor there was cut to 32 bits, and the same page came back forever).
   */
  @Test
  void pages_of_common_middling_and_rare_segments_answer_as_the_view_from_every_cursor() throws Exception {
    int walk = SegmentRepository.WALK_ROWS;
    long base = 1_000_000_000_000L; // past 2^31, where ~2.1 million rows take the seqs
    // rows one flip apart, as V57 migrated them: 1.25 walks of them
    TestDatabase.execute(db.url, "INSERT INTO segment_flips (seq, store_id, customer_id, cause, occurred_at, ids,"
        + " segment_ids, entered) SELECT " + base + " + i, CASE WHEN i % 5 = 0 THEN 'store_x' ELSE 'store_w' END,"
        + " 'cust_' || i % 7, 'event', now(), ARRAY['trn_w' || i], ARRAY[CASE WHEN i % 3 = 0 THEN 'seg_common'"
        + " WHEN i = 1234 THEN 'seg_rare' WHEN i % 400 = 7 THEN 'seg_mid' ELSE 'seg_o' || i % 50 END], ARRAY[i % 2 = 0]"
        + " FROM generate_series(1, " + (walk + walk / 4) + ") i");
    // rows of one to six flips, 1,024 apart: three walks of them; the rare segment twice in one row, and far on
    TestDatabase.execute(db.url, "INSERT INTO segment_flips (seq, store_id, customer_id, cause, event_id, occurred_at,"
        + " ids, segment_ids, entered) SELECT " + (base + 10_000) + " + 1024 * i,"
        + " CASE WHEN i % 5 = 0 THEN 'store_x' ELSE 'store_w' END, 'cust_' || i % 7, 'event', 'evt_w' || i, now(),"
        + " (SELECT array_agg('trn_w' || i || '_' || j ORDER BY j) FROM generate_series(1, 1 + i % 6) j),"
        + " (SELECT array_agg(CASE WHEN j = 1 AND i % 2 = 0 THEN 'seg_common' WHEN j = 2 AND i IN (3, 4503, 5999)"
        + "  THEN 'seg_rare' WHEN j = 4 AND i = 4503 THEN 'seg_rare' WHEN j = 3 AND i % 300 = 5 THEN 'seg_mid'"
        + "  ELSE 'seg_o' || (i + j) % 50 END ORDER BY j) FROM generate_series(1, 1 + i % 6) j),"
        + " (SELECT array_agg(j % 2 = 1 ORDER BY j) FROM generate_series(1, 1 + i % 6) j)"
        + " FROM generate_series(1, " + 3 * walk + ") i");
    // those rows as V80 writes them: no ids (made from their seqs); the rows one flip apart keep theirs
    TestDatabase.execute(db.url, "UPDATE segment_flips SET ids = NULL WHERE seq > " + (base + 10_000)
        + " AND store_id IN ('store_w', 'store_x')");
    for (String segment : List.of("seg_common", "seg_mid", "seg_rare", "seg_none")) {
      for (String customer : java.util.Arrays.asList(null, "cust_3")) {
        String where = "store_id = 'store_w' AND segment_id = '" + segment + "'"
            + (customer == null ? "" : " AND customer_id = '" + customer + "'");
        List<String> expected = TestDatabase.column(db.url, "SELECT id FROM segment_transitions WHERE " + where + " ORDER BY seq");
        List<Long> seqs = TestDatabase.column(db.url, "SELECT seq FROM segment_transitions WHERE " + where + " ORDER BY seq")
            .stream().map(Long::parseLong).toList();
        String what = segment + (customer == null ? "" : " of " + customer);
        // every page in turn, each continuing from the last seq of the one before
        int pageSize = segment.equals("seg_common") ? 97 : 2;
        List<String> paged = new ArrayList<>();
        long cursor = 0;
        for (List<Row> page; !(page = TestPool.await(segments.transitions("store_w", segment, customer, cursor,
            pageSize))).isEmpty(); cursor = page.get(page.size() - 1).getLong("seq")) {
          page.forEach(r -> paged.add(r.getString("id")));
          assertTrue(paged.size() <= expected.size(), what + ": a page after " + cursor + " repeats flips");
        }
        assertEquals(expected, paged, what + ", page by page");
        // a cursor at a flip of the segment, or inside a row, or just before one: the next five as the view has them
        java.util.Set<Long> cursors = new java.util.TreeSet<>();
        for (int i = 0; i < seqs.size(); i += Math.max(1, seqs.size() / 6)) {
          cursors.addAll(List.of(seqs.get(i), seqs.get(i) - 1, seqs.get(i) + 1));
        }
        cursors.addAll(List.of(base, base + walk, base + 10_000 + 1024L * 4503 + 2, base + 10_000 + 1024L * 4503 + 3));
        for (long after : cursors) {
          List<String> next = new ArrayList<>();
          for (int i = 0; i < seqs.size() && next.size() < 5; i++) {
            if (seqs.get(i) > after) {
              next.add(expected.get(i));
            }
          }
          assertEquals(next, ids(TestPool.await(segments.transitions("store_w", segment, customer, after, 5))),
              what + " after " + after);
        }
      }
    }
    assertEquals(List.of("5"), TestDatabase.column(db.url, "SELECT count(*) FROM segment_transitions WHERE store_id = 'store_w'"
        + " AND segment_id = 'seg_rare'"), "the rare segment: one flip among old rows, two in one row and two far on");
  }

  @Test
  void an_event_with_more_flips_than_a_row_holds_takes_several_rows_and_every_seq_stays_unique() throws Exception {
    List<EvaluationStore.Transition> flips = new ArrayList<>();
    for (int i = 0; i < 2_500; i++) {
      flips.add(flip("seg_many_" + i, "cust_5", true, "evt_many", AT));
    }
    flips.add(flip("seg_many_7", "cust_6", true, "evt_many", AT));
    persist(flips);

    assertEquals(List.of("1024", "1024", "452", "1"), TestDatabase.column(db.url, "SELECT cardinality(entered) FROM segment_flips"
        + " WHERE event_id = 'evt_many' ORDER BY seq"));
    List<String> seqs = TestDatabase.column(db.url, "SELECT seq FROM segment_transitions WHERE event_id = 'evt_many' ORDER BY seq");
    assertEquals(2_501, seqs.size());
    assertEquals(2_501, seqs.stream().distinct().count());
    assertEquals(flips.stream().map(SegmentFlipsTest::made).toList(), TestDatabase.column(db.url,
        "SELECT segment_id || ',' || customer_id || ',' || kind FROM segment_transitions WHERE event_id = 'evt_many' ORDER BY seq"));
    assertEquals(List.of("2501"), TestDatabase.column(db.url, "SELECT count(DISTINCT id) FROM segment_transitions"
        + " WHERE event_id = 'evt_many'"));
    assertEquals(2, ids("seg_many_7").size());
    assertEquals(ids("seg_many_7"), ids(TestPool.await(segments.transitions("store_f", "seg_many_7", null, 0, 10))));
    assertEquals(ids("seg_many_2400"),
        ids(TestPool.await(segments.transitions("store_f", "seg_many_2400", null, 0, 10))));
  }

  /** Transitions written by the version before V57 (one row per flip) read back the same after it. */
  @Test
  void transitions_written_before_v57_keep_their_ids_seqs_and_order_and_new_flips_come_after() throws Exception {
    String url = TestDatabase.createDatabase();
    TestDatabase.migrate(url, "49"); // the last version before V57 on main when it was written
    TestDatabase.execute(url, "INSERT INTO stores (id, name) VALUES ('store_o', 'O')");
    TestDatabase.execute(url, "INSERT INTO customers (store_id, id) VALUES ('store_o', 'cust_1'), ('store_o', 'cust_2')");
    TestDatabase.execute(url, "INSERT INTO segment_transitions (store_id, id, segment_id, customer_id, kind, cause,"
        + " event_id, occurred_at) SELECT 'store_o', 'trn_old' || i, CASE WHEN i % 3 = 0 THEN 'seg_y' ELSE 'seg_x' END,"
        + " 'cust_' || (1 + i % 2), CASE WHEN i % 2 = 0 THEN 'entered' ELSE 'left' END,"
        + " CASE WHEN i = 4 THEN 'refresh' ELSE 'event' END, CASE WHEN i = 4 THEN NULL ELSE 'evt_old' || i END,"
        + " timestamptz '2026-11-30 12:00:00+00' + i * interval '1 minute' FROM generate_series(1, 30) i");
    String columns = "seq || ',' || store_id || ',' || id || ',' || segment_id || ',' || customer_id || ',' || kind"
        + " || ',' || cause || ',' || coalesce(event_id, '-') || ',' || occurred_at || ',' || recorded_at";
    List<String> before = TestDatabase.column(url, "SELECT " + columns + " FROM segment_transitions ORDER BY seq");
    long maxBefore = Long.parseLong(TestDatabase.column(url, "SELECT max(seq) FROM segment_transitions").get(0));
    TestDatabase.migrate(url, null);
    try (TestPool upgraded = TestPool.on(url)) {
      Pool pool = upgraded.pool;
      assertEquals(before, TestDatabase.column(url, "SELECT " + columns + " FROM segment_transitions ORDER BY seq"));
      SegmentRepository old = new SegmentRepository(pool);
      List<String> x = TestDatabase.column(url, "SELECT id FROM segment_transitions WHERE segment_id = 'seg_x' ORDER BY seq");
      assertEquals(20, x.size());
      assertEquals(x, ids(TestPool.await(old.transitions("store_o", "seg_x", null, 0, 100))));
      List<Row> y = TestPool.await(old.transitions("store_o", "seg_y", null, 0, 100));
      assertEquals(TestDatabase.column(url, "SELECT id FROM segment_transitions WHERE segment_id = 'seg_y' ORDER BY seq"), ids(y));
      assertEquals(List.of(3L, 6L, 9L), y.subList(0, 3).stream().map(r -> r.getLong("seq")).toList(), "the old seqs");
      assertEquals(ids(y).subList(2, 10), ids(TestPool.await(old.transitions("store_o", "seg_y", null, 6, 100))));

      // new flips after the old ones, in the same reads
      EvaluationStore later = new EvaluationStore(pool, new NotificationLog(db.vertx, new NotificationLog.Fanout() {
        @Override
        public Future<Void> recorded(io.vertx.sqlclient.SqlConnection conn, List<NotificationLog.Recorded> r) {
          return Future.succeededFuture();
        }

        @Override
        public void committed(List<io.shoal.outbox.Notification> committed) {}
      }));
      EvaluationStore.Transition t1 = new EvaluationStore.Transition("store_o", "trn_new1", "seg_x", "cust_1", true,
          true, "event", "evt_new", AT, "X", new JsonObject());
      EvaluationStore.Transition t2 = new EvaluationStore.Transition("store_o", "trn_new2", "seg_y", "cust_1", true,
          true, "event", "evt_new", AT, "Y", new JsonObject());
      TestPool.await(later.persist(new EvaluationStore.Batch(0, TestPool.await(later.takeOver(0, "n")).epoch(), 1,
          List.of(), List.of(t1, t2), List.of())));
      List<Row> xs = TestPool.await(old.transitions("store_o", "seg_x", null, 0, 100));
      // ids made from the seqs (V80), after every old one
      String new1 = String.format("trn_u%019d", xs.get(20).getLong("seq"));
      String new2 = String.format("trn_u%019d", xs.get(20).getLong("seq") + 1);
      assertEquals(new1, xs.get(20).getString("id"));
      assertTrue(xs.get(20).getLong("seq") > maxBefore);
      assertEquals(List.of(new1), ids(TestPool.await(old.transitions("store_o", "seg_x", null, maxBefore, 100))));
      assertEquals(List.of(new2), ids(TestPool.await(old.transitions("store_o", "seg_y", "cust_1",
          y.get(y.size() - 1).getLong("seq"), 100))));
    }
  }
}
