package io.shoal.outbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static io.shoal.testing.LoggedNotifications.assertReadBack;
import static io.shoal.testing.LoggedNotifications.rows;

import io.shoal.db.Database;
import io.shoal.testing.NotificationSetRows;
import io.shoal.testing.TestDatabase;
import io.shoal.testing.TestPool;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgBuilder;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * V58's storage of segment notifications, on the real PostgreSQL: the segment notifications of
 * one customer's event are one notification_sets row (as versions before V80 wrote them and an
 * erasure's move still does: {@link NotificationSetRows}), and every read by position, by seq, by id,
 * by customer gives back one notification per row, with the id, type, customer, data and time it
 * was recorded with, at seq = row seq + k - 1, in the order recorded; other notifications stay
 * one row each in the same seq order; rows written before V58 read back the same; a data request
 * exports them and erasure leaves nothing of the person's notifications or their deliveries.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class NotificationSetsTest {

  /** A notification as one text (every column readers get), to compare the log before and after an upgrade. */
  private static final String LOG_COLUMNS = "seq || ',' || store_id || ',' || id || ',' || type || ',' || customer_id"
      + " || ',' || data::text || ',' || created_at";

  private static final String COLUMNS = "seq, store_id, id, type, customer_id, data, created_at";
  private static final Instant AT = Instant.parse("2026-12-01T10:00:00.123Z");
  private static TestPool db;
  private static int next;

  @BeforeAll
  static void database() {
    db = TestPool.migrated();
  }

  @AfterAll
  static void close() throws Exception {
    db.close();
  }

  /** Records segment notifications as sets, the others one row each, answering what the fan-out was told (in seq order). */
  private static List<NotificationLog.Recorded> record(Pool pool, List<Notification> notifications) throws Exception {
    List<NotificationLog.Recorded> told = new ArrayList<>();
    TestPool.await(pool.withTransaction(conn -> NotificationSetRows.record(telling(told), conn, notifications)));
    return told;
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

  /** A segment notification as EvaluationStore.announcements makes it. */
  static Notification flip(String store, String customer, String segment, boolean entered, String cause, Instant at,
                           JsonObject snapshot) {
    String id = "evt_" + io.shoal.kernel.Ids.newRecordId("trn").substring(4);
    JsonObject data = new JsonObject().put("segment_id", segment).put("segment_name", "Name, \"of\" " + segment)
        .put("customer_id", customer).put("customer", snapshot).put("cause", cause)
        .put("occurred_at", io.shoal.kernel.Wire.time(at));
    return new Notification(store, id, entered ? "customer.segment.entered" : "customer.segment.left", customer, data,
        at);
  }

  private static List<Notification> event(String store, String customer, int flips, String cause) {
    JsonObject snapshot = NotificationLog.customerSummary(customer + "@shop.example", "Ann", null);
    Instant at = AT.plusSeconds(next++);
    List<Notification> out = new ArrayList<>();
    for (int i = 0; i < flips; i++) {
      out.add(flip(store, customer, "seg_" + i, i % 3 != 0, cause, at, snapshot));
    }
    return out;
  }

  @Test
  void one_event_is_one_row_with_seqs_of_its_place_and_readers_get_the_notifications_back() throws Exception {
    String store = "store_shape";
    List<Notification> all = new ArrayList<>();
    all.addAll(event(store, "cust_1", 3, "evt_a"));
    all.add(new Notification(store, "evt_u1", "customer.updated", "cust_1", new JsonObject().put("email", "x@y"), AT));
    all.addAll(event(store, "cust_2", 2, "evt_b"));
    all.addAll(event(store, "cust_1", 1, "time"));
    List<NotificationLog.Recorded> recorded = record(db.pool, all);

    assertEquals(all, recorded.stream().map(NotificationLog.Recorded::given).toList(), "in the order recorded");
    for (NotificationLog.Recorded r : recorded) {
      Notification given = r.given();
      String id = NotificationLog.inSet(given) ? NotificationLog.setId(r.seq()) : given.id();
      assertEquals(new Notification(given.storeId(), id, given.type(), given.customerId(), given.data(),
          given.createdAt()), r.notification(), "as stored: a set's id is made from its seq (V61)");
    }
    assertEquals("evt_u" + "0".repeat(19 - Long.toString(recorded.get(0).seq()).length()) + recorded.get(0).seq(),
        recorded.get(0).notification().id());
    assertEquals(24, recorded.get(0).notification().id().length(), "evt_ and 20 characters, as other ids");
    assertEquals(List.of(), rows(db.pool, "SELECT 1 FROM notification_sets WHERE store_id = $1 AND ids IS NOT NULL",
        Tuple.of(store)), "no ids stored");
    List<Row> sets = rows(db.pool, "SELECT seq, cardinality(entered) AS n, customer_id FROM notification_sets"
        + " WHERE store_id = $1 ORDER BY seq", Tuple.of(store));
    assertEquals(List.of(3, 2, 1), sets.stream().map(r -> r.getInteger("n")).toList());
    assertEquals(1, rows(db.pool, "SELECT 1 FROM notifications WHERE store_id = $1", Tuple.of(store)).size());
    long first = sets.get(0).getLong("seq");
    assertEquals(1, first % NotificationLog.PER_SET, "a value of the sequence, 1 mod 1,024");
    assertEquals(List.of(first, first + 1, first + 2),
        recorded.subList(0, 3).stream().map(NotificationLog.Recorded::seq).toList(), "row seq + k - 1");
    assertEquals(sets.get(1).getLong("seq"), recorded.get(4).seq());

    // every read gives the same notifications back, the data the same jsonb as stored alone
    assertReadBack(recorded, rows(db.pool, "SELECT " + COLUMNS + " FROM notifications_after($1, 0, 100) ORDER BY seq",
        Tuple.of(store)));
    assertReadBack(recorded, rows(db.pool, "SELECT " + COLUMNS + " FROM notification_log WHERE store_id = $1 ORDER BY seq",
        Tuple.of(store)));
    List<Row> newest = rows(db.pool, "SELECT " + COLUMNS + " FROM notifications_before($1, NULL, NULL, NULL, 100)",
        Tuple.of(store));
    java.util.Collections.reverse(newest);
    assertReadBack(recorded, newest);
    for (NotificationLog.Recorded r : recorded) {
      assertReadBack(List.of(r), rows(db.pool, "SELECT " + COLUMNS + " FROM notification_at($1)", Tuple.of(r.seq())));
      assertReadBack(List.of(r), rows(db.pool, "SELECT " + COLUMNS + " FROM notification_by_id($1, $2)",
          Tuple.of(store, r.notification().id())));
      assertTrue(rows(db.pool, "SELECT data::text = $1::text::jsonb::text AS same FROM notification_at($2)",
          Tuple.of(r.notification().data().encode(), r.seq())).get(0).getBoolean("same"), "the same jsonb, as text too");
    }
    // a position inside a row: the rest of it, then what follows
    assertReadBack(recorded.subList(2, 7), rows(db.pool, "SELECT " + COLUMNS + " FROM notifications_after($1, $2, 100)"
        + " ORDER BY seq", Tuple.of(store, first + 1)));
    assertReadBack(recorded.subList(2, 4), rows(db.pool, "SELECT " + COLUMNS + " FROM notifications_after($1, $2, 2)"
        + " ORDER BY seq", Tuple.of(store, first + 1)));
    assertReadBack(recorded.subList(1, 3), rows(db.pool, "SELECT " + COLUMNS + " FROM segment_notifications_between($1, $2,"
        + " $3, 10)", Tuple.of(first, recorded.get(4).seq(), new String[] {"seg_1", "seg_2"})));
    assertReadBack(recorded.subList(0, 3), rows(db.pool, "SELECT " + COLUMNS + " FROM notifications_written_at($1)",
        Tuple.of((Object) new Long[] {first})));
    assertReadBack(List.of(recorded.get(2), recorded.get(1)), rows(db.pool, "SELECT " + COLUMNS
        + " FROM notifications_before($1, '{customer.segment.entered}', NULL, $2, 2)", Tuple.of(store, recorded.get(3).seq())));
    assertEquals(recorded.get(6).seq(), rows(db.pool, "SELECT notifications_last_seq($1)", Tuple.of(store)).get(0).getLong(0));
  }

  @Test
  void the_evaluators_data_without_a_json_object_per_flip_is_stored_and_read_back_as_the_json_object_form()
      throws Exception {
    JsonObject snapshot = NotificationLog.customerSummary("q\"uote\\@shop.example", "Zoë\n\u0001", null);
    Instant at = AT.plusSeconds(next++);
    List<List<Notification>> forms = new ArrayList<>();
    for (String store : List.of("store_form_old", "store_form_new")) {
      SegmentNoticeData.Shared shared = new SegmentNoticeData.Shared(snapshot, "evt_f", io.shoal.kernel.Wire.time(at));
      List<Notification> event = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        Notification old = flip(store, "cust_f", "seg_" + i, i % 2 == 0, "evt_f", at, snapshot);
        String name = i == 3 ? null : "Näme \"" + i + "\" \\ \t\u001f";
        old.data().put("segment_name", name);
        event.add(store.endsWith("old") ? old : new Notification(store, old.id(), old.type(), old.customerId(),
            SegmentNoticeData.of("seg_" + i, name, "cust_f", shared), at));
      }
      forms.add(event);
    }
    List<NotificationLog.Recorded> old = record(db.pool, forms.get(0));
    List<NotificationLog.Recorded> made = record(db.pool, forms.get(1));
    String row = "SELECT shared::text || '|' || entered::text || '|' || segment_ids::text || '|'"
        + " || segment_names::text || '|' || customer_id || '|' || created_at AS t FROM notification_sets"
        + " WHERE store_id = $1";
    assertEquals(rows(db.pool, row, Tuple.of("store_form_old")).get(0).getString("t"),
        rows(db.pool, row, Tuple.of("store_form_new")).get(0).getString("t"), "the same set row");
    List<Row> oldRows = rows(db.pool, "SELECT " + COLUMNS + " FROM notifications_after($1, 0, 100) ORDER BY seq",
        Tuple.of("store_form_old"));
    List<Row> newRows = rows(db.pool, "SELECT " + COLUMNS + " FROM notifications_after($1, 0, 100) ORDER BY seq",
        Tuple.of("store_form_new"));
    assertReadBack(made, newRows);
    for (int i = 0; i < 5; i++) {
      assertEquals(old.get(i).notification().data(), made.get(i).notification().data());
      assertEquals(oldRows.get(i).getValue("data").toString(), newRows.get(i).getValue("data").toString(), "as read");
      assertEquals(forms.get(0).get(i).data().encode(), forms.get(1).get(i).data().encode(), "as the webhook sends it");
    }
  }

  @Test
  void an_event_of_more_than_1024_notifications_is_split_and_every_one_is_read_once_in_order() throws Exception {
    String store = "store_many";
    List<Notification> all = event(store, "cust_9", 2_500, "evt_many");
    List<NotificationLog.Recorded> recorded = record(db.pool, all);
    assertEquals(List.of(1024, 1024, 452), rows(db.pool, "SELECT cardinality(entered) AS n FROM notification_sets"
        + " WHERE store_id = $1 ORDER BY seq", Tuple.of(store)).stream().map(r -> r.getInteger("n")).toList());
    assertEquals(2_500, new HashSet<>(recorded.stream().map(NotificationLog.Recorded::seq).toList()).size());
    // a reader paging by position, as the streams and the relay do, sees each once, in order
    List<Row> read = new ArrayList<>();
    long position = recorded.get(0).seq() - 1;
    while (true) {
      List<Row> page = rows(db.pool, "SELECT " + COLUMNS + " FROM notifications_after($1, $2, 333) ORDER BY seq",
          Tuple.of(store, position));
      if (page.isEmpty()) {
        break;
      }
      read.addAll(page);
      position = page.get(page.size() - 1).getLong("seq");
    }
    assertReadBack(recorded, read);
    List<Row> everyStore = rows(db.pool, "SELECT " + COLUMNS + " FROM notifications_after($1, 3000)",
        Tuple.of(recorded.get(0).seq() - 1));
    assertReadBack(recorded, everyStore.subList(0, 2_500));
    // the values the sequence handed out for this event are the rows', and none is absent
    assertEquals(List.of(), TestPool.await(NotificationLog.absentSeqs(db.pool, recorded.get(0).seq() - 1,
        recorded.get(2_499).seq())));
  }

  @Test
  void a_set_being_written_is_absent_as_a_whole_and_read_whole_at_its_row_seq_once_committed() throws Exception {
    String store = "store_held";
    long before = rows(db.pool, "SELECT pg_sequence_last_value('notifications_seq_seq') + 1023", Tuple.tuple()).get(0)
        .getLong(0);
    Pool other = PgBuilder.pool().with(new PoolOptions().setMaxSize(1)).connectingTo(Database.parseUrl(db.url))
        .using(db.vertx).build();
    try {
      SqlConnection held = TestPool.await(other.getConnection());
      List<Notification> writing = event(store, "cust_h", 5, "evt_h");
      List<NotificationLog.Recorded> told = new ArrayList<>();
      var tx = TestPool.await(held.begin());
      TestPool.await(NotificationSetRows.record(telling(told), held, writing));
      List<NotificationLog.Recorded> later = record(db.pool, event(store, "cust_l", 2, "evt_l"));
      long rowSeq = told.get(0).seq();
      long upTo = later.get(1).seq();
      assertEquals(List.of(rowSeq), TestPool.await(NotificationLog.absentSeqs(db.pool, before, upTo)),
          "only the row's seq: the others of its range are not separate writers");
      assertEquals(List.of(), rows(db.pool, "SELECT seq FROM notifications_written_at($1)",
          Tuple.of((Object) new Long[] {rowSeq})));
      TestPool.await(tx.commit());
      assertEquals(List.of(), TestPool.await(NotificationLog.absentSeqs(db.pool, before, upTo)));
      assertReadBack(told, rows(db.pool, "SELECT " + COLUMNS + " FROM notifications_written_at($1)",
          Tuple.of((Object) new Long[] {rowSeq})));
      // a doubt at the row's seq is ended by its first notification, as a reader sees it
      Doubts doubts = new Doubts();
      doubts.add(List.of(rowSeq), Long.MAX_VALUE);
      doubts.settle(told.stream().map(NotificationLog.Recorded::seq).toList(), 0);
      assertTrue(doubts.isEmpty());
    } finally {
      TestPool.await(other.close());
    }
  }

  @Test
  void erasure_deletes_the_persons_sets_and_their_deliveries_and_keeps_the_erasure_leave() throws Exception {
    String store = "store_erase";
    TestDatabase.execute(db.url, "INSERT INTO stores (id, name) VALUES ('" + store + "', 'E')"
        + " ON CONFLICT DO NOTHING");
    TestDatabase.execute(db.url, "INSERT INTO webhook_endpoints (store_id, id, url, events, secret) VALUES ('" + store
        + "', 'whep_1', 'http://127.0.0.1:9/', '{*}', 's')");
    List<Notification> all = new ArrayList<>();
    all.addAll(event(store, "cust_e", 4, "evt_1"));
    all.addAll(event(store, "cust_other", 2, "evt_2"));
    all.addAll(event(store, "cust_e", 3, "evt_3"));
    all.add(Notification.of(store, "customer.updated", "cust_e", new JsonObject().put("email", "e@shop.example")));
    List<Notification> erasedLeave = event(store, "cust_e", 2, "customer_erased");
    erasedLeave.replaceAll(n -> new Notification(n.storeId(), n.id(), "customer.segment.left", n.customerId(),
        n.data().copy().put("customer", null), n.createdAt()));
    all.addAll(erasedLeave);
    List<NotificationLog.Recorded> recorded = record(db.pool, all);
    for (NotificationLog.Recorded r : recorded) {
      TestDatabase.execute(db.url, "INSERT INTO webhook_deliveries (store_id, endpoint_id, notification_seq, ordering_key)"
          + " VALUES ('" + store + "', 'whep_1', " + r.seq() + ", '" + r.notification().customerId() + "')");
    }

    var personalData = new io.shoal.notify.NotificationPersonalData(db.pool);
    var subject = new io.shoal.kernel.DataSubject(store, "cust_e", "drr_1");
    JsonObject exported = TestPool.await(personalData.export(subject));
    List<Notification> stored = recorded.stream().map(NotificationLog.Recorded::notification).toList();
    assertEquals(stored.stream().filter(n -> n.customerId().equals("cust_e")).map(Notification::id).toList(),
        exported.getJsonArray("events").stream().map(e -> ((JsonObject) e).getString("id")).toList(), "export, in order");
    assertEquals(10, exported.getJsonArray("webhook_deliveries").size());
    assertEquals(8, TestPool.await(personalData.erase(subject)).getInteger("events_deleted"),
        "4 + 3 enter/leaves and the update");
    List<String> left = rows(db.pool, "SELECT id FROM notification_log WHERE store_id = $1 ORDER BY seq",
        Tuple.of(store)).stream().map(r -> r.getString("id")).toList();
    List<String> kept = new ArrayList<>();
    kept.add(stored.get(4).id());
    kept.add(stored.get(5).id());
    stored.subList(stored.size() - 2, stored.size()).forEach(n -> kept.add(n.id()));
    assertEquals(kept, left);
    Set<Long> keptSeqs = new HashSet<>();
    recorded.stream().filter(r -> kept.contains(r.notification().id())).forEach(r -> keptSeqs.add(r.seq()));
    Set<Long> delivered = new HashSet<>();
    rows(db.pool, "SELECT notification_seq FROM webhook_deliveries WHERE store_id = $1", Tuple.of(store))
        .forEach(r -> delivered.add(r.getLong(0)));
    assertEquals(keptSeqs, delivered, "the erased notifications' deliveries went with them");
    assertFalse(rows(db.pool, "SELECT 1 FROM notification_sets WHERE store_id = $1 AND customer_id = 'cust_e'"
        + " AND shared->'customer' <> 'null'::jsonb", Tuple.of(store)).iterator().hasNext(), "no profile is left");
    assertEquals(0, TestPool.await(personalData.erase(subject)).getInteger("events_deleted"));
  }

  /**
   * A reader's doubts (V61): one line per row visible at the seqs asked (what ends a doubt), and
   * of their notifications only those of the store and segments the reader wants.
   */
  @Test
  void doubts_are_read_back_with_the_rows_seen_and_only_the_notifications_wanted() throws Exception {
    String store = "store_doubts";
    List<Notification> all = new ArrayList<>(event(store, "cust_d", 5, "evt_d"));
    all.add(new Notification(store, io.shoal.kernel.Ids.newId("evt"), "customer.updated", "cust_d",
        new JsonObject().put("email", "d@shop.example"), AT));
    List<NotificationLog.Recorded> recorded = record(db.pool, all);
    long rowSeq = recorded.get(0).seq();
    long single = recorded.get(5).seq();
    long never = rows(db.pool, "SELECT nextval('notifications_seq_seq')", Tuple.tuple()).get(0).getLong(0);
    Long[] doubts = {rowSeq, single, never};
    String sql = "SELECT row_seq, " + COLUMNS + " FROM notifications_written_at($1, $2, $3)";

    List<Row> automation = rows(db.pool, sql, Tuple.of(doubts, null, new String[] {"seg_2", "seg_9"}));
    assertEquals(List.of(rowSeq, rowSeq, single), automation.stream().map(r -> r.getLong("row_seq")).toList());
    assertEquals(null, automation.get(0).getValue("seq"), "the set is seen");
    assertReadBack(recorded.subList(2, 3), automation.subList(1, 2));
    assertEquals(null, automation.get(2).getValue("seq"), "the update is seen, not read");

    List<Row> otherStore = rows(db.pool, sql, Tuple.of(doubts, "store_else", null));
    assertEquals(List.of(rowSeq, single), otherStore.stream().map(r -> r.getLong("row_seq")).toList());
    assertTrue(otherStore.stream().allMatch(r -> r.getValue("seq") == null), "another store's stream reads none");

    List<Row> relay = rows(db.pool, sql, Tuple.of(doubts, null, null));
    assertEquals(8, relay.size(), "two rows seen, six notifications");
    assertReadBack(recorded, relay.stream().filter(r -> r.getValue("seq") != null).toList());
    java.util.function.Function<List<Row>, List<String>> keys =
        rs -> rs.stream().map(r -> r.getLong("row_seq") + "/" + r.getValue("seq") + "/" + r.getString("id")).toList();
    assertEquals(keys.apply(relay), keys.apply(rows(db.pool, sql, Tuple.of(doubts, store, null))), "its own store's stream");
  }

  /**
   * Sets written before V61 stored their ids: after it they read back the same and are found by
   * them; new sets store none, and are found by the id their seq makes.
   */
  @Test
  void sets_written_before_v61_keep_their_ids_and_new_ones_are_named_by_their_seq() throws Exception {
    String url = TestDatabase.createDatabase();
    TestDatabase.migrate(url, "60"); // the last version before V61 on main when it was written
    TestDatabase.execute(url, "INSERT INTO notification_sets (store_id, customer_id, created_at, shared, ids, entered,"
        + " segment_ids, segment_names) VALUES"
        + " ('store_v', 'cust_1', timestamptz '2026-12-01 10:00:00+00', '{\"customer\": {\"email\": \"a@b\"},"
        + " \"cause\": \"evt_c1\", \"occurred_at\": \"2026-12-01T10:00:00.000Z\"}', '{evt_old1,evt_old2,evt_old3}',"
        + " '{t,f,t}', '{seg_1,seg_2,seg_3}', '{A,B,\"C, c\"}'),"
        + " ('store_v', 'cust_2', timestamptz '2026-12-01 10:00:01+00', '{\"customer\": null, \"cause\": \"time\","
        + " \"occurred_at\": \"2026-12-01T10:00:01.000Z\"}', '{evt_old4}', '{f}', '{seg_1}', '{A}')");
    List<String> before = TestDatabase.column(url, "SELECT " + LOG_COLUMNS + " FROM notification_log ORDER BY seq");
    assertEquals(4, before.size());
    TestDatabase.migrate(url, null);
    try (TestPool upgraded = TestPool.on(url)) {
      Pool pool = upgraded.pool;
      assertEquals(before, TestDatabase.column(url, "SELECT " + LOG_COLUMNS + " FROM notification_log ORDER BY seq"));
      assertEquals(before, TestDatabase.column(url, "SELECT " + LOG_COLUMNS + " FROM notifications_after('store_v', 0, 10)"));
      assertEquals(before.subList(1, 2), TestDatabase.column(url, "SELECT " + LOG_COLUMNS + " FROM notification_by_id('store_v', 'evt_old2')"));
      assertEquals(before.subList(3, 4), TestDatabase.column(url, "SELECT " + LOG_COLUMNS + " FROM notification_by_id('store_v', 'evt_old4')"));
      long oldRow = Long.parseLong(TestDatabase.column(url, "SELECT min(seq) FROM notification_sets").get(0));
      assertEquals(List.of(), TestDatabase.column(url, "SELECT id FROM notification_by_id('store_v', '"
          + NotificationLog.setId(oldRow + 1) + "')"), "an old set's notification has its stored id only");

      List<NotificationLog.Recorded> recorded = record(pool, event("store_v", "cust_1", 2, "evt_new"));
      for (NotificationLog.Recorded r : recorded) {
        assertEquals(NotificationLog.setId(r.seq()), r.notification().id());
        assertReadBack(List.of(r), rows(pool, "SELECT " + COLUMNS + " FROM notification_by_id('store_v', $1)",
            Tuple.of(r.notification().id())));
        assertEquals(List.of(), rows(pool, "SELECT 1 FROM notification_by_id('store_else', $1)",
            Tuple.of(r.notification().id())), "another store's id is not found");
      }
      assertEquals(List.of(), rows(pool, "SELECT 1 FROM notification_by_id('store_v', $1)",
          Tuple.of(NotificationLog.setId(recorded.get(1).seq() + 1))), "past the set's end");
      assertEquals(List.of(), rows(pool, "SELECT 1 FROM notification_by_id('store_v', 'evt_u12')", Tuple.tuple()));
      assertEquals(recorded.get(1).seq(), TestPool.await(pool.preparedQuery("SELECT notifications_last_seq('store_v')")
          .execute()).iterator().next().getLong(0));
      assertEquals(5, TestPool.await(NotificationLog.erase(pool, "store_v", "cust_1")).size(),
          "the old set's three and the new set's two");
      assertEquals(List.of("evt_old4"), TestDatabase.column(url, "SELECT id FROM notification_log"));
    }
  }

  /** Notifications written by the version before V58 (one row each) read back the same after it, and new ones follow. */
  @Test
  void notifications_written_before_v58_keep_their_seqs_and_new_ones_come_after() throws Exception {
    String url = TestDatabase.createDatabase();
    TestDatabase.migrate(url, "57"); // the last version before V58 on main when it was written
    TestDatabase.execute(url, "INSERT INTO notifications (store_id, id, type, customer_id, data, created_at)"
        + " SELECT 'store_o', 'evt_old' || i, CASE WHEN i % 5 = 0 THEN 'customer.updated'"
        + " WHEN i % 2 = 0 THEN 'customer.segment.entered' ELSE 'customer.segment.left' END, 'cust_' || (i % 3),"
        + " jsonb_build_object('segment_id', 'seg_' || (i % 4), 'segment_name', 'S', 'customer_id', 'cust_' || (i % 3),"
        + " 'customer', jsonb_build_object('email', 'a@b'), 'cause', 'evt_' || i, 'occurred_at', '2026-11-30T12:00:00.000Z'),"
        + " timestamptz '2026-11-30 12:00:00+00' + i * interval '1 minute' FROM generate_series(1, 40) i");
    List<String> before = TestDatabase.column(url, "SELECT " + LOG_COLUMNS + " FROM notifications ORDER BY seq");
    long maxBefore = Long.parseLong(TestDatabase.column(url, "SELECT max(seq) FROM notifications").get(0));
    TestDatabase.migrate(url, null);
    try (TestPool upgraded = TestPool.on(url)) {
      Pool pool = upgraded.pool;
      assertEquals(before, TestDatabase.column(url, "SELECT " + LOG_COLUMNS + " FROM notification_log ORDER BY seq"));
      assertEquals(before, TestDatabase.column(url, "SELECT " + LOG_COLUMNS + " FROM notifications_after(0, 100)"));
      assertEquals(before.subList(10, 20), TestDatabase.column(url, "SELECT " + LOG_COLUMNS + " FROM notifications_after('store_o', 10, 10)"));
      assertEquals(List.of(), TestPool.await(NotificationLog.absentSeqs(pool, 0, maxBefore)));
      List<String> segment3 = TestDatabase.column(url, "SELECT " + LOG_COLUMNS + " FROM notification_log"
          + " WHERE type LIKE 'customer.segment.%' AND data->>'segment_id' = 'seg_3' ORDER BY seq");
      assertEquals(segment3, TestDatabase.column(url, "SELECT " + LOG_COLUMNS
          + " FROM segment_notifications_between(0, " + maxBefore + ", '{seg_3}', 100)"));
      // the sequence's last value, plus 1,023, bounds every seq handed out (automations' horizon)
      long horizon = Long.parseLong(TestDatabase.column(url, "SELECT pg_sequence_last_value('notifications_seq_seq') + 1023").get(0));
      assertTrue(horizon >= maxBefore, horizon + " covers " + maxBefore);

      List<NotificationLog.Recorded> recorded = record(pool, event("store_o", "cust_1", 3, "evt_new"));
      assertTrue(recorded.get(0).seq() > maxBefore && recorded.get(0).seq() <= horizon + 1);
      assertEquals(1, recorded.get(0).seq() % NotificationLog.PER_SET);
      assertReadBack(recorded, rows(pool, "SELECT " + COLUMNS + " FROM notifications_after('store_o', $1, 10) ORDER BY seq",
          Tuple.of(maxBefore)));
      List<Row> newest = rows(pool, "SELECT " + COLUMNS + " FROM notifications_before('store_o', NULL, NULL, NULL, 5)",
          Tuple.tuple());
      assertEquals(List.of(recorded.get(2).seq(), recorded.get(1).seq(), recorded.get(0).seq(), maxBefore,
          maxBefore - 1), newest.stream().map(r -> r.getLong("seq")).toList());
    }
  }
}
