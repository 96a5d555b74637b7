package io.shoal.segment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shoal.config.AudienceConfig;
import io.shoal.config.ShoalConfig;
import io.shoal.kernel.Ids;
import io.shoal.testing.ApiResponse;
import io.shoal.testing.TestDatabase;
import io.shoal.testing.TestServer;
import io.shoal.testing.TestStore;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A backfill's write batches never take the connections API requests wait for. At 1,000,000
 * customers a broad segment's batch (one state row per member, one transaction per evaluator
 * partition) took 40-80 s, and under load a status {@code GET} answered 503 database_unavailable.
 *
 * <p>Here the API's pool has as many connections as there are evaluator partitions (2), and the
 * batches are made slower than a request's wait for a connection (10 s) by a lock the test holds
 * on the state table, so the effect does not depend on the machine's speed: each partition's batch
 * waits inside its transaction. Every {@code GET} of the segment meanwhile answers at once with
 * {@code sync_status: in_progress} and its progress; once the lock is gone the backfill completes
 * with the exact member count.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class BackfillConnectionsTest {

  private static final int CUSTOMERS = 20_000;
  /** Customers whose email is at example.com: 7 in 10. */
  private static final int MEMBERS = 14_000;
  /** Longer than a request waits for a pool connection (Database.CONNECTION_WAIT_SECONDS). */
  private static final long HELD_MS = 12_000;

  @TempDir
  Path dataDir;
  private String databaseUrl;
  private ShoalConfig config;
  private TestServer server;

  @BeforeEach
  void setUp() {
    databaseUrl = TestDatabase.createDatabase();
    config = ShoalConfig.fromMap(Map.of(
        ShoalConfig.HTTP_HOST, "127.0.0.1",
        ShoalConfig.HTTP_PORT, "0",
        ShoalConfig.HTTP_INSTANCES, "1",
        ShoalConfig.DATA_DIR, dataDir.toString(),
        ShoalConfig.PG_URL, databaseUrl,
        ShoalConfig.PG_POOL_SIZE, "2",
        ShoalConfig.EVALUATOR_PARTITIONS, "2",
        // a store this size is not waited for at creation: the create answers in_progress
        AudienceConfig.SEGMENT_WAIT_CUSTOMERS, "1000",
        ShoalConfig.ADMIN_KEY, "wk_admin_backfill_" + Ids.random(24)));
  }

  @AfterEach
  void tearDown() {
    if (server != null) {
      server.close();
    }
    TestDatabase.dropDatabase(databaseUrl);
  }

  @Test
  void duringASlowBackfillGetAnswersItsProgressAndTheBackfillCompletesExactly() throws Exception {
    TestStore store = storeWithCustomers();
    // a first segment teaches the server the store's size (a large store's creates are not waited for)
    String selective = create(store, "Selective", "m7@example.com");
    awaitDone(store, selective);

    try (Connection lock = TestDatabase.connect(databaseUrl); Statement st = lock.createStatement()) {
      lock.setAutoCommit(false);
      // reads go on; the evaluators' writes of state rows wait
      st.execute("LOCK TABLE customer_eval_state IN SHARE MODE");
      JsonObject created = store.api().post(store.path("/segments"), broad("Broad")).expect(201);
      String id = created.getString("id");
      assertEquals("in_progress", created.getString("sync_status"), created::encode);
      awaitBatchesWaiting(2);

      long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(HELD_MS);
      int answers = 0;
      long slowest = 0;
      while (System.nanoTime() < until) {
        long t0 = System.nanoTime();
        ApiResponse r = store.api().get(store.path("/segments/" + id));
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertEquals(200, r.status(), () -> "GET during the backfill after " + ms + " ms: " + r);
        JsonObject seg = r.json();
        assertEquals("in_progress", seg.getString("sync_status"), seg::encode);
        Double progress = seg.getDouble("sync_progress");
        assertNotNull(progress, seg::encode);
        assertTrue(progress > 0 && progress <= 1, seg::encode);
        assertTrue(ms < 2_000, () -> "GET took " + ms + " ms while the backfill's batches were held");
        answers++;
        slowest = Math.max(slowest, ms);
        Thread.sleep(50);
      }
      assertTrue(answers > 20, "answers: " + answers);
      System.out.printf("while both partitions' batches were held for %d ms: %d GETs, all 200, slowest %d ms%n",
          HELD_MS, answers, slowest);
      lock.commit();

      JsonObject done = awaitDone(store, id);
      assertEquals(MEMBERS, done.getLong("customer_count"), done::encode);
      assertEquals(MEMBERS, count("SELECT count(*) FROM segment_member_ids('" + store.id() + "', '" + id + "')"));
    }
  }

  /** The store, its customers written by SQL as a bulk import leaves them, loaded by a restart. */
  private TestStore storeWithCustomers() throws SQLException, InterruptedException {
    server = TestServer.start(config);
    TestStore first = server.createStore("Backfill connections");
    server.close();
    server = null;
    try (Connection c = TestDatabase.connect(databaseUrl); Statement st = c.createStatement()) {
      st.execute("INSERT INTO customers (store_id, id, first_name, email)"
          + " SELECT '" + first.id() + "', 'cust_b' || lpad(i::text, 6, '0'), 'Name' || i,"
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

  private static JsonObject broad(String name) {
    return new JsonObject().put("name", name).put("is_dynamic", true).put("rules", new JsonArray()
        .add(new JsonObject().put("field", "email").put("operator", "contains").put("value", "@example.com")));
  }

  private static String create(TestStore store, String name, String email) {
    return store.api().post(store.path("/segments"), new JsonObject().put("name", name).put("is_dynamic", true)
        .put("rules", new JsonArray().add(new JsonObject().put("field", "email").put("operator", "eq")
            .put("value", email)))).expect(201).getString("id");
  }

  private static JsonObject awaitDone(TestStore store, String id) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (true) {
      JsonObject seg = store.api().get(store.path("/segments/" + id)).expect(200);
      if ("done".equals(seg.getString("sync_status"))) {
        return seg;
      }
      assertTrue(System.nanoTime() < deadline, () -> "not synced: " + seg.encode());
      Thread.sleep(50);
    }
  }

  /** Until {@code n} sessions of the server wait for the test's lock inside their batch. */
  private void awaitBatchesWaiting(int n) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (count("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
        + " AND datname = current_database()") < n) {
      assertTrue(System.nanoTime() < deadline, "the partitions' batches never waited for the lock");
      Thread.sleep(20);
    }
  }

  private long count(String sql) throws SQLException {
    try (Connection c = TestDatabase.connect(databaseUrl); Statement st = c.createStatement();
         ResultSet rs = st.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
