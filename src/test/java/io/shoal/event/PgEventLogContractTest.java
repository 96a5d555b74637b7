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

  @Override
  protected Future<Void> close() {
    List<Future<Void>> closing = opened.stream().map(Database::closePool).toList();
    return Future.all(closing).mapEmpty();
  }
}
