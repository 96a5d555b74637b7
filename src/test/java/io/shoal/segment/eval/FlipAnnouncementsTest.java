package io.shoal.segment.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static io.shoal.testing.LoggedNotifications.assertReadBack;
import static io.shoal.testing.LoggedNotifications.rows;

import io.shoal.outbox.Notification;
import io.shoal.outbox.NotificationLog;
import io.shoal.segment.SegmentRepository;
import io.shoal.testing.TestDatabase;
import io.shoal.testing.TestPool;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * V80, on the real PostgreSQL: the evaluator writes one segment_flips row per customer's event,
 * which is both its recorded flips and their announcements. Each recorded flip is announced once,
 * at the flip's own seq; every notification reader (by position, by seq, by id, doubts, the
 * automations' range, the events list, a store's last seq) gets back exactly what the outbox was
 * told it recorded, as it did when the announcements were a notification_sets row; flips that
 * announce nothing (a static refresh's) are no notification and no doubt. After the upgrade, new
 * rows come after every old flip and every old notification, and the values V80 skipped are no
 * doubt either.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class FlipAnnouncementsTest {

  private static final String COLUMNS = "seq, store_id, id, type, customer_id, data, created_at";
  private static final Instant AT = Instant.parse("2026-12-01T10:00:00.123Z");
  private static TestPool db;
  private static int next;

  @BeforeAll
  static void database() {
    db = TestPool.migrated();
    TestDatabase.execute(db.url, "INSERT INTO stores (id, name) VALUES ('store_n', 'N'), ('store_m', 'M')");
  }

  @AfterAll
  static void close() throws Exception {
    db.close();
  }

  /** An outbox whose fan-out keeps what it is told was recorded. */
  private static NotificationLog telling(List<NotificationLog.Recorded> told) {
    return new NotificationLog(db.vertx, new NotificationLog.Fanout() {
      @Override
      public Future<Void> recorded(SqlConnection conn, List<NotificationLog.Recorded> recorded) {
        told.addAll(recorded);
        return Future.succeededFuture();
      }

      @Override
      public void committed(List<Notification> committed) {}
    });
  }

  private static EvaluationStore.Transition flip(String store, String segment, String customer, boolean entered,
                                                 String event, Instant at, boolean record, JsonObject summary) {
    return new EvaluationStore.Transition(store, io.shoal.kernel.Ids.newRecordId("trn"), segment, customer, entered,
        record, event == null ? "time" : "event", event, at, "Name, \"of\" " + segment, summary);
  }

  /** Persists the flips as one evaluator batch; answers what the fan-out was told (in seq order) and what was announced. */
  private static List<NotificationLog.Recorded> persist(Pool pool, List<EvaluationStore.Transition> flips,
                                                        List<Notification> announced) throws Exception {
    List<NotificationLog.Recorded> told = new ArrayList<>();
    EvaluationStore store = new EvaluationStore(pool, telling(told));
    int partition = 20 + next++;
    announced.addAll(TestPool.await(store.persist(new EvaluationStore.Batch(partition,
        TestPool.await(store.takeOver(partition, "node")).epoch(), 1, List.of(), flips, List.of()))));
    return told;
  }

  @Test
  void each_recorded_flip_is_announced_once_at_its_seq_and_every_reader_gets_the_announcements_back() throws Exception {
    JsonObject ann = NotificationLog.customerSummary("ann@shop.example", "Ann", null);
    JsonObject bob = NotificationLog.customerSummary("bob@shop.example", "Bob", "B");
    Instant at = AT.plusSeconds(10);
    List<EvaluationStore.Transition> flips = List.of(
        flip("store_n", "seg_a", "cust_1", true, "evt_1", at, true, ann),
        flip("store_n", "seg_b", "cust_1", true, "evt_1", at, true, ann),
        flip("store_n", "seg_c", "cust_1", false, "evt_1", at, false, ann), // silent: neither flip nor notification
        flip("store_n", "seg_c", "cust_1", false, "evt_1", at, true, ann),
        flip("store_n", "seg_a", "cust_2", true, "evt_2", at, true, bob),
        flip("store_n", "seg_b", "cust_1", false, null, at.plusSeconds(1), true, ann));
    // a static refresh's flip in between (no notification), and another notification (one row of notifications)
    TestDatabase.execute(db.url, "INSERT INTO segment_flips (store_id, customer_id, cause, occurred_at, ids, segment_ids,"
        + " entered) VALUES ('store_n', 'cust_3', 'refresh', now(), '{trn_refresh}', '{seg_s}', '{t}')");
    List<NotificationLog.Recorded> single = new ArrayList<>();
    TestPool.await(db.pool.withTransaction(conn -> telling(single).record(conn, List.of(new Notification("store_n",
        io.shoal.kernel.Ids.newRecordId("evt"), "customer.updated", "cust_1", new JsonObject().put("email", "x@y"), at)))));
    List<Notification> announced = new ArrayList<>();
    List<NotificationLog.Recorded> recorded = persist(db.pool, flips, announced);

    // one row per customer's event, each both the flips and their announcements; no set written
    assertEquals(List.of("1,0,0", "3,3,1", "1,1,1", "1,1,1"), TestDatabase.column(db.url, "SELECT cardinality(entered)"
        + " || ',' || coalesce(cardinality(segment_names), 0) || ',' || count(shared) OVER (PARTITION BY seq)"
        + " FROM segment_flips WHERE store_id = 'store_n' ORDER BY seq"), "the refresh's flip, then the batch's rows");
    assertEquals(List.of("0"), TestDatabase.column(db.url, "SELECT count(*) FROM notification_sets WHERE store_id = 'store_n'"));
    assertEquals(5, recorded.size());
    assertEquals(announced, recorded.stream().map(NotificationLog.Recorded::given).toList(), "every announcement, in order");
    // the announcements equal the flips one for one: same seq, segment, direction and customer
    List<String> transitions = TestDatabase.column(db.url, "SELECT seq || ',' || segment_id || ',' || kind || ','"
        + " || customer_id || ',' || id FROM segment_transitions WHERE store_id = 'store_n' AND cause <> 'refresh' ORDER BY seq");
    List<String> notices = TestDatabase.column(db.url, "SELECT seq || ',' || (data->>'segment_id') || ','"
        + " || replace(type, 'customer.segment.', '') || ',' || customer_id || ',' || id FROM notification_log"
        + " WHERE store_id = 'store_n' AND type LIKE 'customer.segment.%' ORDER BY seq");
    assertEquals(transitions, notices.stream().map(n -> n.replace(",evt_u", ",trn_u")).toList());
    assertEquals(5, transitions.size());
    for (NotificationLog.Recorded r : recorded) {
      assertEquals(NotificationLog.setId(r.seq()), r.notification().id());
      Notification given = r.given();
      assertEquals(new Notification(given.storeId(), r.notification().id(), given.type(), given.customerId(),
          given.data(), given.createdAt()), r.notification(), "as given, but for the id its seq makes");
      assertEquals("Name, \"of\" " + given.data().getString("segment_id"), r.notification().data().getString("segment_name"));
    }

    // every reader by position gets them back as recorded, the other notification in its place
    List<NotificationLog.Recorded> all = new ArrayList<>(recorded);
    all.addAll(single);
    all.sort(java.util.Comparator.comparingLong(NotificationLog.Recorded::seq));
    assertReadBack(all, rows(db.pool, "SELECT " + COLUMNS + " FROM notifications_after('store_n', 0, 100) ORDER BY seq",
        Tuple.tuple()), "a store's stream");
    assertReadBack(all.subList(2, 6), rows(db.pool, "SELECT " + COLUMNS + " FROM notifications_after('store_n', $1, 4)"
        + " ORDER BY seq", Tuple.of(all.get(1).seq())), "a stream resumed inside a row");
    assertReadBack(all, rows(db.pool, "SELECT " + COLUMNS + " FROM notifications_after(0, 1000) WHERE store_id = 'store_n'"
        + " ORDER BY seq", Tuple.tuple()), "the relay");
    assertReadBack(recorded.subList(1, 3), rows(db.pool, "SELECT " + COLUMNS + " FROM notifications_after($1::bigint, 2)",
        Tuple.of(recorded.get(0).seq())), "the relay resumed inside a row");
    List<Row> before = rows(db.pool, "SELECT " + COLUMNS + " FROM notifications_before('store_n', NULL, NULL, NULL, 100)",
        Tuple.tuple());
    java.util.Collections.reverse(before);
    assertReadBack(all, before, "the events list");
    assertReadBack(recorded.subList(0, 2), rows(db.pool, "SELECT " + COLUMNS + " FROM notifications_before('store_n',"
        + " ARRAY['customer.segment.entered'], NULL, $1, 10) ORDER BY seq", Tuple.of(recorded.get(3).seq())),
        "the events list by type, before a seq");
    for (NotificationLog.Recorded r : all) {
      assertReadBack(List.of(r), rows(db.pool, "SELECT " + COLUMNS + " FROM notification_at($1)", Tuple.of(r.seq())),
          "a delivery's notification");
      assertReadBack(List.of(r), rows(db.pool, "SELECT " + COLUMNS + " FROM notification_by_id('store_n', $1)",
          Tuple.of(r.notification().id())), "by id");
      assertEquals(List.of(), rows(db.pool, "SELECT 1 FROM notification_by_id('store_m', $1)",
          Tuple.of(r.notification().id())), "not another store's");
    }
    long last = recorded.get(recorded.size() - 1).seq();
    assertEquals(List.of(), rows(db.pool, "SELECT 1 FROM notification_at($1)", Tuple.of(last + 1)), "past the row's end");
    assertEquals(List.of(), rows(db.pool, "SELECT 1 FROM notification_by_id('store_n', $1)",
        Tuple.of(NotificationLog.setId(last + 1))));
    assertEquals(last, rows(db.pool, "SELECT notifications_last_seq('store_n')", Tuple.tuple()).get(0).getLong(0));
    Long[] rowSeqs = recorded.stream().map(r -> r.seq()).filter(s -> s % NotificationLog.PER_SET == 1).distinct()
        .toArray(Long[]::new);
    assertEquals(3, rowSeqs.length);
    assertReadBack(recorded, rows(db.pool, "SELECT " + COLUMNS + " FROM notifications_written_at($1)", Tuple.of((Object) rowSeqs)),
        "doubts read back");
    List<Row> doubts = rows(db.pool, "SELECT row_seq, " + COLUMNS + " FROM notifications_written_at($1, NULL, $2)",
        Tuple.tuple().addValue(rowSeqs).addValue(new String[] {"seg_b"}));
    assertEquals(List.of(rowSeqs[0], rowSeqs[0], rowSeqs[1], rowSeqs[2], rowSeqs[2]),
        doubts.stream().map(r -> r.getLong("row_seq")).toList(), "each row seen, the wanted segment's read");
    assertReadBack(List.of(recorded.get(1), recorded.get(4)), doubts.stream().filter(r -> r.getValue("seq") != null).toList(),
        "an automation's doubts");
    assertReadBack(List.of(recorded.get(1), recorded.get(4)), rows(db.pool, "SELECT " + COLUMNS
        + " FROM segment_notifications_between($1, $2, $3, 100)", Tuple.of(0L, last, new String[] {"seg_b"})),
        "an automation's range");
    assertReadBack(List.of(recorded.get(4)), rows(db.pool, "SELECT " + COLUMNS
        + " FROM segment_notifications_between($1, $2, $3, 100)", Tuple.of(recorded.get(1).seq(), last,
        new String[] {"seg_b"})), "an automation's range from inside a row");
    // no value handed out is a doubt once committed: the flips' rows, the refresh's, the other notification's
    long from = Math.min(single.get(0).seq(), recorded.get(0).seq()) - 1;
    assertEquals(List.of(), rows(db.pool, "SELECT v FROM notification_seqs_absent($1, $2) AS v", Tuple.of(from, last)));
    // the notification part is the flips' row's: nothing else holds it
    assertEquals(List.of(String.valueOf(recorded.get(0).seq())), TestDatabase.column(db.url, "SELECT row_seq FROM"
        + " notification_log WHERE id = '" + recorded.get(0).notification().id() + "'"));
    // the transitions API reads the same flips, ids made from their seqs
    List<Row> b = TestPool.await(new SegmentRepository(db.pool).transitions("store_n", "seg_b", null, 0, 10));
    assertEquals(List.of(String.format("trn_u%019d", recorded.get(1).seq()), String.format("trn_u%019d", recorded.get(4).seq())),
        b.stream().map(r -> r.getString("id")).toList());
  }

  /**
   * After the upgrade to V80 the flips' and the notifications' positions are one sequence: the
   * new rows come after every old flip (the transitions API's cursor) and every old notification
   * (the readers' positions), old sets and flips read back as they were, and the values the upgrade
   * skipped are never taken for doubts.
   */
  @Test
  void after_the_upgrade_new_rows_follow_every_old_flip_and_notification_and_the_skipped_values_are_no_doubt()
      throws Exception {
    String url = TestDatabase.createDatabase();
    TestDatabase.migrate(url, "79"); // the last version before V80 on main when it was written
    TestDatabase.execute(url, "INSERT INTO stores (id, name) VALUES ('store_u', 'U')");
    // the flips' sequence far ahead of the notifications' (a store whose static refreshes recorded many)
    TestDatabase.execute(url, "ALTER SEQUENCE segment_flips_seq RESTART WITH 5000001");
    TestDatabase.execute(url, "INSERT INTO segment_flips (store_id, customer_id, cause, event_id, occurred_at, ids,"
        + " segment_ids, entered) VALUES ('store_u', 'cust_1', 'event', 'evt_o1', now(), '{trn_o1,trn_o2}',"
        + " '{seg_x,seg_y}', '{t,t}'), ('store_u', 'cust_2', 'refresh', NULL, now(), '{trn_o3}', '{seg_x}', '{f}')");
    TestDatabase.execute(url, "INSERT INTO notification_sets (store_id, customer_id, created_at, shared, entered,"
        + " segment_ids, segment_names) VALUES ('store_u', 'cust_1', timestamptz '2026-12-01 10:00:00+00',"
        + " '{\"customer\": null, \"cause\": \"evt_o1\", \"occurred_at\": \"2026-12-01T10:00:00.000Z\"}', '{t,t}',"
        + " '{seg_x,seg_y}', '{X,Y}')");
    String log = "seq || ',' || store_id || ',' || id || ',' || type || ',' || customer_id || ',' || data::text"
        + " || ',' || created_at";
    String flip = "seq || ',' || id || ',' || segment_id || ',' || customer_id || ',' || kind";
    List<String> notesBefore = TestDatabase.column(url, "SELECT " + log + " FROM notification_log ORDER BY seq");
    List<String> flipsBefore = TestDatabase.column(url, "SELECT " + flip + " FROM segment_transitions ORDER BY seq");
    long oldFlips = Long.parseLong(TestDatabase.column(url, "SELECT max(seq) FROM segment_transitions").get(0));
    long oldNotes = Long.parseLong(TestDatabase.column(url, "SELECT max(seq) FROM notification_log").get(0));
    assertTrue(oldFlips > oldNotes + 100 * 1024, "the flips far ahead");
    TestDatabase.migrate(url, null);
    try (TestPool upgraded = TestPool.on(url)) {
      Pool pool = upgraded.pool;
      assertEquals(notesBefore, TestDatabase.column(url, "SELECT " + log + " FROM notification_log ORDER BY seq"));
      assertEquals(flipsBefore, TestDatabase.column(url, "SELECT " + flip + " FROM segment_transitions ORDER BY seq"));
      List<Notification> announced = new ArrayList<>();
      List<NotificationLog.Recorded> recorded = persist(pool, List.of(
          flip("store_u", "seg_x", "cust_1", false, "evt_n1", AT, true, null),
          flip("store_u", "seg_y", "cust_1", false, "evt_n1", AT, true, null)), announced);
      long first = recorded.get(0).seq();
      assertTrue(first > oldFlips && first > oldNotes, first + " after " + oldFlips + " and " + oldNotes);
      // the transitions API: the old flips, then the new, from any cursor
      List<Row> x = TestPool.await(new SegmentRepository(pool).transitions("store_u", "seg_x", null, 0, 10));
      assertEquals(List.of("trn_o1", "trn_o3", String.format("trn_u%019d", first)),
          x.stream().map(r -> r.getString("id")).toList());
      // the readers: the old set, then the new row
      List<String> after = TestDatabase.column(url, "SELECT " + log + " FROM notifications_after('store_u', 0, 10)");
      assertEquals(4, after.size());
      assertEquals(notesBefore, after.subList(0, 2));
      assertReadBack(recorded, rows(pool, "SELECT " + COLUMNS + " FROM notifications_after($1::bigint, 10)",
          Tuple.of(oldNotes)), "the relay from the last old notification");
      assertEquals(List.of(), rows(pool, "SELECT v FROM notification_seqs_absent($1, $2) AS v", Tuple.of(oldNotes,
          recorded.get(1).seq())), "no value between the old notifications and the new row is a doubt");
      assertEquals(recorded.get(1).seq(), rows(pool, "SELECT notifications_last_seq('store_u')", Tuple.tuple()).get(0)
          .getLong(0));
      assertEquals(List.of("0"), TestDatabase.column(url, "SELECT count(*) FROM information_schema.sequences"
          + " WHERE sequence_name = 'segment_flips_seq'"), "one sequence for both");
    }
  }
}
