package io.shoal.segment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shoal.engine.support.StoreDriver;
import io.shoal.testing.TestStore;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A sync's backfill runs on the evaluator partitions' own threads, never on an event loop. On an
 * event loop it shared the loop with whatever else Vert.x placed there round-robin: an API
 * instance (its requests' 202), the event log, pool connections whose replies that loop reads.
 * During a sync of 500 segments at 100k customers, live events' 202 then waited up to 4.6 s
 * (bench/engine, twenty-first pass).
 *
 * <p>Observed, not timed: the server runs in the test's JVM, and every thread's stack is sampled
 * while a pass over 20,000 customers and 40 new segments runs. The test fails if an event loop
 * thread is ever seen inside the pass's customer tests, and if no thread was seen there at all (the
 * sampling missed the pass).
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class BulkWorkThreadsTest {

  private static final int SEGMENTS = 40;

  @TempDir
  Path dataDir;
  private ImportedStore imported;

  @BeforeEach
  void setUp() {
    imported = new ImportedStore(dataDir, 2, Map.of());
  }

  @AfterEach
  void tearDown() {
    imported.close();
  }

  @Test
  void aSyncsBackfillNeverRunsOnAnEventLoop() throws Exception {
    TestStore store = imported.start("cust_t");
    StoreDriver shop = new StoreDriver(store);
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < SEGMENTS; i++) {
      // each one tests every customer: its email against a text, then its name
      JsonArray rules = new JsonArray().add(StoreDriver.cond("email", "contains", "@example.com"))
          .add(StoreDriver.cond("first_name", "contains", String.valueOf(i % 10)));
      ids.add(shop.createSegment(new JsonObject().put("name", "Bulk " + i).put("is_dynamic", true)
          .put("rules", rules)).getString("id"));
    }
    TreeSet<String> backfillThreads = new TreeSet<>();
    int samples = 0;
    // the pass begins once no create came for 1 s; sampled until every sync is done
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (!allSynced(shop, ids)) {
      assertTrue(System.nanoTime() < deadline, "the syncs did not end");
      long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(200);
      while (System.nanoTime() < until) {
        samples++;
        Thread.getAllStackTraces().forEach((thread, stack) -> {
          for (StackTraceElement frame : stack) {
            if (frame.getClassName().equals("io.shoal.segment.eval.PartitionCore")
                && frame.getMethodName().equals("backfill")) {
              backfillThreads.add(thread.getName());
              return;
            }
          }
        });
        Thread.sleep(1);
      }
    }
    System.out.println("threads seen in the backfill (" + samples + " samples): " + backfillThreads);
    assertTrue(!backfillThreads.isEmpty(), "no sample caught the backfill (" + samples + " samples)");
    for (String name : backfillThreads) {
      assertTrue(!name.startsWith("vert.x-eventloop"), "the backfill ran on an event loop: " + backfillThreads);
    }
    // and the syncs' outcome is the same as ever: the customers at example.com whose name holds the digit
    for (int i = 0; i < SEGMENTS; i++) {
      long expected = imported.count("SELECT count(*) FROM customers WHERE email LIKE '%@example.com'"
          + " AND first_name LIKE '%" + (i % 10) + "%'");
      assertEquals(expected, shop.awaitSynced(ids.get(i)).getLong("customer_count"), ids.get(i));
    }
  }

  private static boolean allSynced(StoreDriver shop, List<String> ids) {
    for (String id : ids) {
      if (!"done".equals(shop.segment(id).getString("sync_status"))) {
        return false;
      }
    }
    return true;
  }
}
