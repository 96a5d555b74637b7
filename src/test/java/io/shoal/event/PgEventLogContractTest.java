package io.shoal.event;

import io.shoal.db.Database;
import io.shoal.testing.TestDatabase;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
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

  @Override
  protected Future<EventLog> open(Vertx vertx, Consumer<LoggedEvent> subscriber) {
    return database(vertx).map(db -> new PgEventLog(vertx, db.pool(), outbox(vertx), subscriber));
  }

  @Override
  protected Future<EventLog> reopen(Vertx vertx) {
    return database(vertx).map(db -> new PgEventLog(vertx, db.pool(), outbox(vertx), e -> {}));
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
