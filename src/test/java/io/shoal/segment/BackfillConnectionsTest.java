package io.shoal.segment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shoal.config.ShoalConfig;
import io.shoal.testing.ApiResponse;
import io.shoal.testing.TestDatabase;
import io.shoal.testing.TestStore;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.sql.Connection;
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

  /** Longer than a request waits for a pool connection (Database.CONNECTION_WAIT_SECONDS). */
  private static final long HELD_MS = 12_000;

  @TempDir
  Path dataDir;
  private ImportedStore imported;

  @BeforeEach
  void setUp() {
    imported = new ImportedStore(dataDir, 2, Map.of(ShoalConfig.PG_POOL_SIZE, "2"));
  }

  @AfterEach
  void tearDown() {
    imported.close();
  }

  @Test
  void duringASlowBackfillGetAnswersItsProgressAndTheBackfillCompletesExactly() throws Exception {
    TestStore store = imported.start("cust_b");
    // a first segment teaches the server the store's size (a large store's creates are not waited for)
    String selective = create(store, "Selective", "m7@example.com");
    awaitDone(store, selective);

    try (Connection lock = TestDatabase.connect(imported.databaseUrl); Statement st = lock.createStatement()) {
      lock.setAutoCommit(false);
      // reads go on; the evaluators' writes of state rows wait
      st.execute("LOCK TABLE customer_eval_state IN SHARE MODE");
      JsonObject created = store.api().post(store.path("/segments"), broad("Broad")).expect(201);
      String id = created.getString("id");
      assertEquals("in_progress", created.getString("sync_status"), created::encode);
      imported.awaitBatchesWaiting(2);

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
      assertEquals(ImportedStore.MEMBERS, done.getLong("customer_count"), done::encode);
      assertEquals(ImportedStore.MEMBERS,
          imported.count("SELECT count(*) FROM segment_member_ids('" + store.id() + "', '" + id + "')"));
    }
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
}
