package io.shoal.segment.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shoal.outbox.NotificationLog;
import io.shoal.testing.TestDatabase;
import io.shoal.testing.TestPool;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The start-up scan shared by the partitions, against the real PostgreSQL: every customer reaches
 * exactly the partition that owns it, on that partition's event loop, over several pages.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SharedCustomerScanTest {

  private static final int CUSTOMERS = 12_345; // five pages of the profile scan, three of the states'
  private static TestPool db;
  private static Vertx vertx;
  private static EvaluationStore store;

  @BeforeAll
  static void database() {
    db = TestPool.migrated();
    vertx = db.vertx;
    store = new EvaluationStore(db.pool, new NotificationLog(vertx, new NotificationLog.Fanout() {
      @Override
      public Future<Void> recorded(io.vertx.sqlclient.SqlConnection conn, List<NotificationLog.Recorded> recorded) {
        return Future.succeededFuture();
      }

      @Override
      public void committed(List<io.shoal.outbox.Notification> committed) {}
    }));
    TestDatabase.execute(db.url, "INSERT INTO stores (id, name) VALUES ('store_a', 'A'), ('store_b', 'B')");
    TestDatabase.execute(db.url, "INSERT INTO customers (store_id, id) SELECT CASE WHEN i % 3 = 0 THEN 'store_b'"
        + " ELSE 'store_a' END, 'cust_' || i FROM generate_series(1, " + CUSTOMERS + ") i");
    // every second customer has a state row (a customer created while Shoal was down has none yet)
    TestDatabase.execute(db.url, "INSERT INTO customer_eval_state (store_id, customer_id, state)"
        + " SELECT store_id, id, '{}' FROM customers WHERE substr(id, 6)::int % 2 = 0");
  }

  @AfterAll
  static void close() throws Exception {
    db.close();
  }

  /** What one partition received: its rows' keys, and whether each arrived on its own loop. */
  private record Received(Set<String> stateKeys, Set<String> keys, AtomicInteger offLoop, AtomicInteger stateAfterProfile) {}

  private static Future<Void> join(SharedCustomerScan scan, int p, Map<Integer, Received> received) {
    Context context = vertx.getOrCreateContext();
    Received r = new Received(ConcurrentHashMap.newKeySet(), ConcurrentHashMap.newKeySet(), new AtomicInteger(),
        new AtomicInteger());
    received.put(p, r);
    return Future.<Future<Void>>future(started -> context.runOnContext(v -> started.complete(
        scan.join(p, context, row -> {
          if (Vertx.currentContext() != context) {
            r.offLoop().incrementAndGet();
          }
          if (!r.keys().isEmpty()) {
            r.stateAfterProfile().incrementAndGet();
          }
          r.stateKeys().add(row.getString("store_id") + "/" + row.getString("customer_id"));
        }, row -> {
          if (Vertx.currentContext() != context) {
            r.offLoop().incrementAndGet();
          }
          r.keys().add(row.getString("store_id") + "/" + row.getString("id"));
        }, store)))).compose(f -> f);
  }

  @Test
  void everyCustomerReachesTheOnePartitionThatOwnsItOnItsOwnLoop() throws Exception {
    int partitions = 3;
    SharedCustomerScan scan = new SharedCustomerScan(partitions);
    Map<Integer, Received> received = new ConcurrentHashMap<>();
    List<Future<Void>> joins = new ArrayList<>();
    for (int p = 0; p < partitions; p++) {
      joins.add(join(scan, p, received));
    }
    TestPool.await(Future.all(joins));

    Set<String> all = new HashSet<>();
    Set<String> allStates = new HashSet<>();
    for (int p = 0; p < partitions; p++) {
      Received r = received.get(p);
      assertEquals(0, r.offLoop().get(), "partition " + p + " ran rows on another loop");
      assertEquals(0, r.stateAfterProfile().get(), "partition " + p + " got every state row before the first profile");
      for (String key : r.stateKeys()) {
        String[] parts = key.split("/");
        assertEquals(p, PartitionCore.partitionOf(parts[0], parts[1], partitions), key + "'s state reached partition " + p);
        assertTrue(r.keys().contains(key), key + "'s profile reached the partition of its state");
        assertTrue(allStates.add(key), key + "'s state reached two partitions");
      }
      assertTrue(r.keys().size() > CUSTOMERS / 5, "partition " + p + " got a share: " + r.keys().size());
      for (String key : r.keys()) {
        String[] parts = key.split("/");
        assertEquals(p, PartitionCore.partitionOf(parts[0], parts[1], partitions), key + " reached partition " + p);
        assertTrue(all.add(key), key + " reached two partitions");
      }
    }
    assertEquals(CUSTOMERS, all.size(), "every customer reached a partition");
    assertEquals(CUSTOMERS / 2, allStates.size(), "every state row reached a partition");
  }

  @Test
  void theRowsAreReadOnAnEventLoopNoPartitionRunsOnWhileThereIsOne() {
    io.vertx.core.internal.VertxInternal internal = (io.vertx.core.internal.VertxInternal) vertx;
    int loops = 0;
    for (io.netty.util.concurrent.EventExecutor ignored : internal.nettyEventLoopGroup()) {
      loops++;
    }
    assertTrue(loops >= 2, loops + " event loops");
    List<Context> partitions = new ArrayList<>();
    Set<io.netty.channel.EventLoop> used = new HashSet<>();
    while (used.size() < loops - 1) { // new contexts take the loops in turn
      io.vertx.core.internal.ContextInternal c = internal.createEventLoopContext();
      if (used.add(c.nettyEventLoop())) {
        partitions.add(c);
      }
    }
    io.vertx.core.internal.ContextInternal scan = (io.vertx.core.internal.ContextInternal) SharedCustomerScan.scanContext(partitions);
    assertTrue(!used.contains(scan.nettyEventLoop()), "the scan reads on the one loop left");
    assertTrue(scan.isEventLoopContext());

    // every loop runs a partition: the first partition's loop reads the rows too
    while (used.size() < loops) {
      io.vertx.core.internal.ContextInternal c = internal.createEventLoopContext();
      if (used.add(c.nettyEventLoop())) {
        partitions.add(c);
      }
    }
    assertEquals(partitions.get(0), SharedCustomerScan.scanContext(partitions));
  }

  @Test
  void aPartitionThatLeavesIsNotWaitedFor() throws Exception {
    SharedCustomerScan scan = new SharedCustomerScan(3);
    Map<Integer, Received> received = new ConcurrentHashMap<>();
    Future<Void> first = join(scan, 0, received);
    Future<Void> second = join(scan, 2, received);
    Thread.sleep(200);
    assertTrue(!first.isComplete() && !second.isComplete(), "the scan waits for partition 1 to join or leave");
    scan.leave(1, store);
    TestPool.await(Future.all(first, second));

    int owned = 0;
    for (int i = 1; i <= CUSTOMERS; i++) {
      String storeId = i % 3 == 0 ? "store_b" : "store_a";
      int p = PartitionCore.partitionOf(storeId, "cust_" + i, 3);
      if (p != 1) {
        owned++;
        assertTrue(received.get(p).keys().contains(storeId + "/cust_" + i), "cust_" + i + " reached partition " + p);
      }
    }
    assertEquals(owned, received.get(0).keys().size() + received.get(2).keys().size(),
        "nothing of the partition that left was handed out");
  }

  @Test
  void pagesAreHandedOverAsTheyAreReadWhileAtMostPagesAheadAreNotTakenAndProfilesComeAfterEveryStateWasTaken()
      throws Exception {
    List<Runnable> heldProfiles = new java.util.concurrent.CopyOnWriteArrayList<>();
    AtomicInteger stateRows = new AtomicInteger();
    AtomicInteger statePagesTaken = new AtomicInteger();
    AtomicInteger statePages = new AtomicInteger();
    AtomicInteger profilesBeforeStatesTaken = new AtomicInteger();
    AtomicInteger profileRows = new AtomicInteger();
    java.util.concurrent.atomic.AtomicBoolean hold = new java.util.concurrent.atomic.AtomicBoolean(true);
    // state pages taken a while after they came, from another thread; profile pages held until released
    Future<Void> scan = store.scanCustomerPages((rows, taken) -> {
      statePages.incrementAndGet();
      stateRows.addAndGet(rows.size());
      vertx.setTimer(20, t -> {
        statePagesTaken.incrementAndGet();
        taken.run();
      });
    }, (rows, taken) -> {
      if (statePagesTaken.get() != statePages.get()) {
        profilesBeforeStatesTaken.incrementAndGet();
      }
      profileRows.addAndGet(rows.size());
      if (hold.get()) {
        heldProfiles.add(taken);
      } else {
        taken.run();
      }
    });
    long until = System.currentTimeMillis() + 30_000;
    while (heldProfiles.size() < EvaluationStore.PAGES_AHEAD && System.currentTimeMillis() < until) {
      Thread.sleep(10);
    }
    assertEquals(EvaluationStore.PAGES_AHEAD, heldProfiles.size(), "pages handed over before any was taken");
    Thread.sleep(300);
    assertEquals(EvaluationStore.PAGES_AHEAD, heldProfiles.size(), "no more pages read while that many are not taken");
    assertTrue(!scan.isComplete(), "the scan waits for its pages to be taken");
    hold.set(false);
    heldProfiles.forEach(Runnable::run);
    TestPool.await(scan);
    assertEquals(CUSTOMERS / 2, stateRows.get());
    assertEquals(CUSTOMERS, profileRows.get());
    assertEquals((CUSTOMERS / 2 + EvaluationStore.FETCH - 1) / EvaluationStore.FETCH, statePages.get());
    assertEquals(0, profilesBeforeStatesTaken.get(), "the profiles are read once every state page was taken");
  }
}
