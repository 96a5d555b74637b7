package io.shoal.segment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shoal.engine.support.Events;
import io.shoal.engine.support.StoreDriver;
import io.shoal.segment.eval.SegmentEvaluatorVerticle;
import io.shoal.testing.TestDatabase;
import io.shoal.testing.TestStore;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A live event is not written in a bulk batch: while it waits in the batch gathering, a backfill
 * adds only a few hundred rows to that batch (SegmentEvaluatorVerticle.LIVE_ROOM) and goes on in
 * the next. Before, the backfill filled the event's batch up to 20,000 customers and transitions
 * (0.5-1 s to write at 30k x 1,000 segments, bench/engine's eighteenth pass).
 *
 * <p>Measured by the batch's composition, not by time: each batch is one transaction, so the
 * state rows a batch wrote carry its transaction id ({@code xmin}), the same as the live event's
 * flip row. A lock the test holds on the state table keeps each partition's batch in flight while
 * the live events wait in the next one and the backfill's pass begins; the backfill's members
 * written in a live event's transaction are counted once all is written.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class LiveWorkFirstTest {

  private static final int PARTITIONS = 2;
  /** LIVE_ROOM (500) plus two slices of LIVE_SLICE (100): a member is a state row and a transition. */
  private static final int MOST_BULK_ROWS_WITH_LIVE = 700;

  @TempDir
  Path dataDir;
  private ImportedStore imported;

  @BeforeEach
  void setUp() {
    imported = new ImportedStore(dataDir, PARTITIONS, Map.of());
  }

  @AfterEach
  void tearDown() {
    imported.close();
  }

  @Test
  void aBackfillAddsOnlyAFewHundredRowsToTheBatchALiveEventWaitsIn() throws Exception {
    TestStore store = imported.start("cust_l");
    StoreDriver shop = new StoreDriver(store);
    String buyers = shop.dynamicSegment("Buyers", StoreDriver.rules(StoreDriver.cond("total_orders", "gte", 1)));
    shop.awaitSynced(buyers);
    // per partition: one customer whose order holds a batch in flight, two whose orders wait in the next
    List<String> inFlight = new ArrayList<>();
    List<String> waiting = new ArrayList<>();
    for (int p = 0; p < PARTITIONS; p++) {
      List<String> of = customersOfPartition(store.id(), p, 3);
      inFlight.add(of.get(0));
      waiting.addAll(of.subList(1, 3));
    }

    String broad;
    try (Connection lock = TestDatabase.connect(imported.databaseUrl); Statement st = lock.createStatement()) {
      lock.setAutoCommit(false);
      // reads go on; the evaluators' writes of state rows wait
      st.execute("LOCK TABLE customer_eval_state IN SHARE MODE");
      for (String c : inFlight) {
        shop.send(Events.by(Events.order("held-" + c, "10.00", Instant.now()), c));
      }
      imported.awaitBatchesWaiting(PARTITIONS);
      for (String c : waiting) {
        shop.send(Events.by(Events.order("live-" + c, "10.00", Instant.now()), c));
      }
      // the pass begins after the create's debounce (1 s), with the live orders waiting in the batch
      JsonObject created = shop.createSegment(new JsonObject().put("name", "Broad").put("is_dynamic", true)
          .put("rules", new JsonArray().add(StoreDriver.cond("email", "contains", "@example.com"))));
      broad = created.getString("id");
      assertEquals("in_progress", created.getString("sync_status"), created::encode);
      Thread.sleep(4_000);
      lock.commit();
    }

    JsonObject done = shop.awaitSynced(broad);
    assertEquals(ImportedStore.MEMBERS, done.getLong("customer_count"), done::encode);
    for (String c : waiting) {
      shop.awaitOrders(c, 1);
    }
    List<String> composition = new ArrayList<>();
    long mostBulk = 0;
    long leastBulk = Long.MAX_VALUE;
    for (String c : waiting) {
      String xid = flipTransaction(store.id(), c, buyers);
      long bulk = imported.count("SELECT count(*) FROM customer_eval_state WHERE store_id = '" + store.id() + "'"
          + " AND xmin::text = '" + xid + "' AND customer_id <> ALL (ARRAY['" + String.join("','", waiting) + "',"
          + " '" + String.join("','", inFlight) + "'])");
      composition.add(c + ": " + bulk);
      mostBulk = Math.max(mostBulk, bulk);
      leastBulk = Math.min(leastBulk, bulk);
    }
    System.out.println("backfill state rows in the batches of the live orders: " + composition);
    assertTrue(mostBulk <= MOST_BULK_ROWS_WITH_LIVE,
        "a live order's batch held the backfill's rows (at most " + MOST_BULK_ROWS_WITH_LIVE + "): " + composition);
    // the backfill did gather into the live orders' batches: the bound was met while it ran, not before
    assertTrue(leastBulk > 0, "the pass began after the live orders' batch was taken: " + composition);
    assertEquals(ImportedStore.MEMBERS,
        imported.count("SELECT count(*) FROM segment_member_ids('" + store.id() + "', '" + broad + "')"));
  }

  /**
   * Bulk work's batches are bounded while events flow, also with none waiting in the batch: a
   * broad segment's pass (slices of 5,000 customers, ~3,500 members each) gathers while a lock holds
   * each partition's batch, with a live order, in flight; the batch then written is the first
   * slice's, not the partition's whole pass (~7,000 members), since the room while events flow
   * ({@code BUSY_ROOM}, 2,000) was full after it. With the room of 20,000 that bulk work takes when
   * no event came for a while, the whole pass went in one batch (1-2 s to write at bench scale,
   * and a live event that came meanwhile waited behind it: bench/engine, twenty-eighth pass). Each
   * batch is one transaction, so the members' state rows a batch wrote share their {@code xmin}.
   */
  @Test
  void whileEventsFlowABulkBatchHoldsOneSliceNotAWholePass() throws Exception {
    TestStore store = imported.start("cust_l");
    StoreDriver shop = new StoreDriver(store);
    String broad;
    try (Connection lock = TestDatabase.connect(imported.databaseUrl); Statement st = lock.createStatement()) {
      lock.setAutoCommit(false);
      st.execute("LOCK TABLE customer_eval_state IN SHARE MODE");
      for (int p = 0; p < PARTITIONS; p++) {
        String c = customersOfPartition(store.id(), p, 1).get(0);
        shop.send(Events.by(Events.order("held-" + c, "10.00", Instant.now()), c));
      }
      imported.awaitBatchesWaiting(PARTITIONS);
      broad = shop.createSegment(new JsonObject().put("name", "Broad").put("is_dynamic", true)
          .put("rules", new JsonArray().add(StoreDriver.cond("email", "contains", "@example.com")))).getString("id");
      // the pass (after the create's 1 s debounce) tests the customers while the batches are held
      Thread.sleep(4_000);
      lock.commit();
    }
    assertEquals(ImportedStore.MEMBERS, shop.awaitSynced(broad).getLong("customer_count"));
    long largest = imported.count("SELECT max(n) FROM (SELECT count(*) n FROM customer_eval_state"
        + " WHERE store_id = '" + store.id() + "' AND cardinality(segment_nums) > 0 GROUP BY xmin::text) b");
    System.out.println("largest batch of the pass's state rows: " + largest);
    // a slice's members (~3,500), well below a partition's (~7,000)
    long mostRows = ImportedStore.MEMBERS * 6L / 10 / PARTITIONS;
    assertTrue(largest <= mostRows, "a batch wrote " + largest + " members' state rows (at most " + mostRows + ")");
    assertTrue(largest >= SegmentEvaluatorVerticle.BUSY_ROOM, "no batch gathered the room: " + largest);
  }

  /** The first {@code n} imported customers that partition {@code p} evaluates. */
  private static List<String> customersOfPartition(String storeId, int p, int n) {
    List<String> out = new ArrayList<>();
    for (int i = 1; out.size() < n; i++) {
      String id = String.format("cust_l%06d", i);
      if (SegmentEvaluatorVerticle.partitionOf(storeId, id, PARTITIONS) == p) {
        out.add(id);
      }
    }
    return out;
  }

  /** The transaction that recorded the customer's entering the segment (from its order). */
  private String flipTransaction(String storeId, String customerId, String segmentId) throws SQLException {
    try (Connection c = TestDatabase.connect(imported.databaseUrl);
         PreparedStatement st = c.prepareStatement("SELECT xmin::text FROM segment_flips WHERE store_id = ?"
             + " AND customer_id = ? AND ? = ANY(segment_ids) AND event_id IS NOT NULL")) {
      st.setString(1, storeId);
      st.setString(2, customerId);
      st.setString(3, segmentId);
      try (ResultSet rs = st.executeQuery()) {
        assertTrue(rs.next(), "no flip recorded for " + customerId);
        return rs.getString(1);
      }
    }
  }
}
