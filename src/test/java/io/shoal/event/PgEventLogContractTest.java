package io.shoal.event;

import io.shoal.db.Database;
import io.shoal.kernel.Ids;
import io.shoal.outbox.NotificationLog;
import io.shoal.testing.TestDatabase;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The PostgreSQL event log passes the {@link EventLogContract}: one fresh database for the class. */
class PgEventLogContractTest extends EventLogContract {

  private static String databaseUrl;
  private static Path dataDir;
  private final List<Database> opened = new ArrayList<>();

  @BeforeAll
  static void createDatabase() throws Exception {
    databaseUrl = TestDatabase.createDatabase();
    dataDir = Files.createTempDirectory(Path.of("target"), "eventlog-contract");
  }

  @AfterAll
  static void dropDatabase() {
    TestDatabase.dropDatabase(databaseUrl);
  }

  private Future<Database> database(Vertx vertx) {
    return database(vertx, databaseUrl, dataDir, opened);
  }

  /**
   * The outbox as Shoal wires it: no fan-out told inside the transaction, so each group commit is
   * one statement (the events and their orders' notifications, {@code NotificationLog.recordingWith}).
   * {@link PgEventLogInTransactionContractTest} runs the same contract with a fan-out, through BEGIN ... COMMIT.
   */
  protected NotificationLog outboxOf(Vertx vertx) {
    return new NotificationLog(vertx, NotificationLog.Fanout.NONE);
  }

  @Override
  protected Future<EventLog> open(Vertx vertx, Consumer<LoggedEvent> subscriber) {
    return database(vertx).map(db -> new PgEventLog(vertx, db.pool(), outboxOf(vertx), subscriber));
  }

  @Override
  protected Future<EventLog> reopen(Vertx vertx) {
    return database(vertx).map(db -> new PgEventLog(vertx, db.pool(), outboxOf(vertx), e -> {}));
  }

  /**
   * A group commit's orders are announced by the same commit, once: a repeat of an order (its
   * dedupe key again, in a later append or the same one) announces nothing, and the other
   * events of the batch announce nothing.
   */
  @Test
  void theOrdersOfAGroupCommitAreAnnouncedOnceByItsCommit() {
    EventLog.Pending a = pending("cust_a", "order.completed", "order-a");
    EventLog.Pending b = pending("cust_b", "page.viewed", null);
    EventLog.Pending aAgain = pending("cust_a", "order.completed", "order-a");
    EventLog.Pending c = pending("cust_c", "order.completed", null);
    List<EventLog.Appended> out = await(log.append(List.of(a, b, aAgain, c)));
    assertTrue(out.get(2).duplicate());
    EventLog.Appended later = await(log.append(List.of(pending("cust_a", "order.completed", "order-a")))).get(0);
    assertTrue(later.duplicate());

    List<Row> notes = notifications();
    assertEquals(List.of(a.id(), c.id()), notes.stream().map(r -> r.getString("id")).toList());
    Row first = notes.get(0);
    assertEquals("order.completed", first.getString("type"));
    assertEquals("cust_a", first.getString("customer_id"));
    JsonObject data = new JsonObject(first.getValue("data").toString());
    assertEquals(a.id(), data.getString("event_id"));
    assertEquals(a.data(), data.getJsonObject("order"));
    assertEquals(io.shoal.kernel.Wire.time(a.occurredAt()), data.getString("occurred_at"));
    assertEquals(first.getLong("event_xmin"), first.getLong("xmin"), "the notification committed apart from its event");
  }

  /** A group commit that fails leaves nothing: neither its events nor their notifications; the next one goes on. */
  @Test
  void aFailedGroupCommitWritesNeitherItsEventsNorTheirNotifications() {
    EventLog.Pending order = pending("cust_a", "order.completed", null);
    EventLog.Pending broken = new EventLog.Pending(store, Ids.newId("evt"), null, "page.viewed", null,
        order.occurredAt(), new JsonObject());
    Throwable failed = awaitFailure(log.append(List.of(order, broken)));
    assertTrue(failed.getMessage().contains("customer_id"), failed.getMessage());
    assertTrue(notifications().isEmpty(), "a notification of a batch that failed was written");
    assertEquals(0L, count("SELECT count(*) FROM events WHERE store_id = $1"), "an event of a failed batch was written");

    EventLog.Pending next = pending("cust_a", "order.completed", null);
    assertFalse(await(log.append(List.of(next))).get(0).duplicate());
    assertEquals(List.of(next.id()), notifications().stream().map(r -> r.getString("id")).toList());
  }

  /**
   * A group commit whose events have no dedupe key and no id twice is a plain INSERT: their ids are
   * new ones (the ingestion makes them), so it does not pay ON CONFLICT's probes and speculative
   * rows. An id an earlier batch logged then fails the batch, where ON CONFLICT answered the old
   * event; the batch's other events are not logged. (Through BEGIN ... COMMIT, as Kafka mode's
   * projection writes records that may come twice, it is still answered as a repeat:
   * {@link PgEventLogInTransactionContractTest}.)
   */
  @Test
  void anIdLoggedByAnEarlierBatchWithoutADedupeKeyFailsTheBatch() {
    EventLog.Pending a = pending("cust_a", "page.viewed", null);
    await(log.append(List.of(a)));
    EventLog.Pending b = pending("cust_b", "order.completed", null);
    Throwable failed = awaitFailure(log.append(List.of(b, a)));
    assertTrue(failed.getMessage().contains("events_store_id_id_key"), failed.getMessage());
    assertEquals(1L, count("SELECT count(*) FROM events WHERE store_id = $1"), "the failed batch's other event was logged");
    assertTrue(notifications().isEmpty(), "the failed batch's order was announced");
  }

  List<Row> notifications() {
    RowSet<Row> rows = await(opened.get(0).pool().preparedQuery("SELECT n.id, n.type, n.customer_id, n.data::text AS data,"
            + " n.xmin::text::bigint AS xmin, e.xmin::text::bigint AS event_xmin FROM notifications n"
            + " LEFT JOIN events e ON e.store_id = n.store_id AND e.id = n.id WHERE n.store_id = $1 ORDER BY n.seq")
        .execute(Tuple.of(store)));
    List<Row> out = new ArrayList<>();
    rows.forEach(out::add);
    return out;
  }

  long count(String sql) {
    return await(opened.get(0).pool().preparedQuery(sql).execute(Tuple.of(store))).iterator().next().getLong(0);
  }

  static Throwable awaitFailure(Future<?> f) {
    try {
      f.toCompletionStage().toCompletableFuture().get(30, java.util.concurrent.TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      return e.getCause();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
    throw new AssertionError("the append succeeded");
  }

  /**
   * A group commit writes its batch with one statement and matches the rows it returns to the
   * events by id: the same event twice in one batch (a Kafka record projected twice) is logged
   * once, and every other event of the batch still gets its own seq, in batch order.
   */
  @Test
  void theSameEventTwiceInOneBatchIsLoggedOnceAndTheOthersKeepTheirSeqs() {
    EventLog.Pending a = pending("cust_a", "order.completed", null);
    EventLog.Pending b = pending("cust_b", "page.viewed", null);
    EventLog.Pending c = pending("cust_c", "cart.updated", null);
    List<EventLog.Appended> out = await(log.append(List.of(a, b, a, c)));

    assertFalse(out.get(0).duplicate());
    assertFalse(out.get(1).duplicate());
    assertTrue(out.get(2).duplicate(), "the second copy of a was logged again");
    assertFalse(out.get(3).duplicate());
    assertEquals(out.get(0).event().seq(), out.get(2).event().seq());
    assertEquals(List.of(a.id(), b.id(), a.id(), c.id()), out.stream().map(x -> x.event().id()).toList());
    assertTrue(out.get(0).event().seq() < out.get(1).event().seq() && out.get(1).event().seq() < out.get(3).event().seq(),
        "seqs are not in batch order: " + out.stream().map(x -> x.event().seq()).toList());

    List<LoggedEvent> read = await(log.readAfter(out.get(0).event().seq() - 1, 10)).stream()
        .filter(e -> e.storeId().equals(store)).toList();
    assertEquals(List.of(a.id(), b.id(), c.id()), read.stream().map(LoggedEvent::id).toList());
    assertEquals(List.of(out.get(0).event().seq(), out.get(1).event().seq(), out.get(3).event().seq()),
        read.stream().map(LoggedEvent::seq).toList(), "a returned seq is not the stored one");
    assertEquals(List.of(a.id(), b.id(), c.id()),
        heard.stream().filter(e -> e.storeId().equals(store)).map(LoggedEvent::id).toList());
  }

  @Override
  protected Future<Void> close() {
    List<Future<Void>> closing = opened.stream().map(Database::closePool).toList();
    return Future.all(closing).mapEmpty();
  }
}
