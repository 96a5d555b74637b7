package io.shoal.segment;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shoal.config.AudienceConfig;
import io.shoal.config.ShoalConfig;
import io.shoal.kernel.Ids;
import io.shoal.testing.TestDatabase;
import io.shoal.testing.TestServer;
import io.shoal.testing.TestStore;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A store of {@link #CUSTOMERS} customers written by SQL as a bulk import leaves them (7 in 10
 * with an email at example.com), loaded by a restart, on its own database; and a wait for the
 * evaluator's batches held by a lock the test takes on the state table. Shared by the tests of
 * bulk batches (BackfillConnectionsTest, LiveWorkFirstTest). {@link #close} stops the server and
 * drops the database.
 */
final class ImportedStore implements AutoCloseable {

  static final int CUSTOMERS = 20_000;
  /** Customers whose email is at example.com: 7 in 10. */
  static final int MEMBERS = 14_000;

  final String databaseUrl = TestDatabase.createDatabase();
  private final ShoalConfig config;
  private TestServer server;

  /** {@code settings} on top of a loopback server whose large stores' segment creates are not waited for. */
  ImportedStore(Path dataDir, int partitions, Map<String, String> settings) {
    Map<String, String> all = new HashMap<>(Map.of(
        ShoalConfig.HTTP_HOST, "127.0.0.1",
        ShoalConfig.HTTP_PORT, "0",
        ShoalConfig.HTTP_INSTANCES, "1",
        ShoalConfig.DATA_DIR, dataDir.toString(),
        ShoalConfig.PG_URL, databaseUrl,
        ShoalConfig.EVALUATOR_PARTITIONS, String.valueOf(partitions),
        // a store this size is not waited for at creation: the create answers in_progress
        AudienceConfig.SEGMENT_WAIT_CUSTOMERS, "1000",
        ShoalConfig.ADMIN_KEY, "wk_admin_imported_" + Ids.random(24)));
    all.putAll(settings);
    config = ShoalConfig.fromMap(all);
  }

  /** Creates the store, imports its customers (ids {@code idPrefix} + 6 digits) and restarts onto them. */
  TestStore start(String idPrefix) throws SQLException, InterruptedException {
    server = TestServer.start(config);
    TestStore first = server.createStore("Imported");
    server.close();
    server = null;
    try (Connection c = TestDatabase.connect(databaseUrl); Statement st = c.createStatement()) {
      st.execute("INSERT INTO customers (store_id, id, first_name, email)"
          + " SELECT '" + first.id() + "', '" + idPrefix + "' || lpad(i::text, 6, '0'), 'Name' || i,"
          + " 'm' || i || CASE WHEN i % 10 < 7 THEN '@example.com' ELSE '@other.example' END"
          + " FROM generate_series(1, " + CUSTOMERS + ") i");
      st.execute("ANALYZE customers");
    }
    server = TestServer.start(config);
    // the first start after the import writes every customer's state row: wait until it did
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (count("SELECT count(*) FROM customer_eval_state") < CUSTOMERS) {
      assertTrue(System.nanoTime() < deadline, "state rows not written after the start");
      Thread.sleep(50);
    }
    return new TestStore(first.id(), first.apiKey(), server.withKey(first.apiKey()));
  }

  /** Until {@code n} sessions of the server wait for the test's lock inside their batch. */
  void awaitBatchesWaiting(int n) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (count("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
        + " AND datname = current_database()") < n) {
      assertTrue(System.nanoTime() < deadline, "the partitions' batches never waited for the lock");
      Thread.sleep(20);
    }
  }

  long count(String sql) throws SQLException {
    try (Connection c = TestDatabase.connect(databaseUrl); Statement st = c.createStatement();
         ResultSet rs = st.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  @Override
  public void close() {
    if (server != null) {
      server.close();
    }
    TestDatabase.dropDatabase(databaseUrl);
  }
}
