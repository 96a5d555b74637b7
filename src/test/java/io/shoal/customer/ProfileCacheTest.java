package io.shoal.customer;

import static io.shoal.testing.TestPool.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shoal.testing.TestPool;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The cache of encoded customers never answers what a write ended before: reads in flight
 * across a forget keep nothing, a forget at the end of a transaction comes before the
 * transaction's own callers are answered, and stores never share a key.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ProfileCacheTest {

  /** Reads answered by the test, one pending promise per read, counting them. */
  private static final class Reads implements Supplier<Future<Buffer>> {
    final Deque<Promise<Buffer>> pending = new ArrayDeque<>();
    int count;

    @Override
    public Future<Buffer> get() {
      count++;
      Promise<Buffer> p = Promise.promise();
      pending.add(p);
      return p.future();
    }

    void answer(String body) {
      pending.removeFirst().complete(body == null ? null : Buffer.buffer(body));
    }
  }

  private static String read(ProfileCache cache, String store, String id, Reads reads, String answerIfRead) {
    int before = reads.count;
    Future<Buffer> f = cache.get(store, id, reads);
    if (reads.count > before) {
      reads.answer(answerIfRead);
    }
    Buffer b = f.result();
    return b == null ? null : b.toString();
  }

  @Test
  void aRepeatedGetReadsOnce() {
    ProfileCache cache = new ProfileCache(1 << 20);
    Reads reads = new Reads();
    assertEquals("v1", read(cache, "store_a", "cust_1", reads, "v1"));
    assertEquals("v1", read(cache, "store_a", "cust_1", reads, "unread"));
    assertEquals(1, reads.count);
  }

  @Test
  void aReadInFlightAcrossAForgetKeepsNothing() {
    ProfileCache cache = new ProfileCache(1 << 20);
    Reads reads = new Reads();
    // the read starts (before the write commits) ...
    Future<Buffer> old = cache.get("store_a", "cust_1", reads);
    // ... the write commits and forgets the customer ...
    cache.forget("store_a", "cust_1");
    // ... and only then does the read's older row arrive: answered to its caller, not kept
    reads.answer("old");
    assertEquals("old", old.result().toString());
    assertEquals("new", read(cache, "store_a", "cust_1", reads, "new"));
    assertEquals(2, reads.count);
    assertEquals("new", read(cache, "store_a", "cust_1", reads, "unread"));
  }

  @Test
  void aReadKeptBeforeAForgetIsDroppedByIt() {
    ProfileCache cache = new ProfileCache(1 << 20);
    Reads reads = new Reads();
    assertEquals("old", read(cache, "store_a", "cust_1", reads, "old"));
    cache.forget("store_a", "cust_1");
    assertEquals("new", read(cache, "store_a", "cust_1", reads, "new"));
    assertEquals(2, reads.count);
  }

  @Test
  void aForgetOfAnotherCustomerOfTheSameStripeCostsAFillNotAnAnswer() {
    ProfileCache cache = new ProfileCache(1 << 20);
    Reads reads = new Reads();
    Future<Buffer> f = cache.get("store_a", "cust_1", reads);
    for (int i = 0; i < 20_000; i++) { // every stripe is written at least once, most likely
      cache.forget("store_a", "cust_other_" + i);
    }
    reads.answer("v1");
    assertEquals("v1", f.result().toString());
    assertEquals("v1", read(cache, "store_a", "cust_1", reads, "v1"));
  }

  @Test
  void noSuchCustomerIsNotKept() {
    ProfileCache cache = new ProfileCache(1 << 20);
    Reads reads = new Reads();
    assertNull(read(cache, "store_a", "cust_1", reads, null));
    assertEquals("created", read(cache, "store_a", "cust_1", reads, "created"));
    assertEquals(2, reads.count);
  }

  @Test
  void storesNeverShareAKey() {
    ProfileCache cache = new ProfileCache(1 << 20);
    Reads reads = new Reads();
    assertEquals("a's", read(cache, "store_a", "cust_1", reads, "a's"));
    assertNull(read(cache, "store_b", "cust_1", reads, null));
    assertEquals("a's", read(cache, "store_a", "cust_1", reads, "unread"));
    // no separator trick: the key is the pair, not a joined string
    assertNull(read(cache, "store_a|cust", "_1", reads, null));
  }

  /** What /metrics shows operators (shoal_customer_cache_gets_total): each get counted once, as a hit or a miss. */
  @Test
  void eachGetCountsOnceAsAHitOrAMiss() {
    ProfileCache cache = new ProfileCache(1 << 20);
    Reads reads = new Reads();
    assertNull(cache.peek("store_a", "cust_1"), "the cached get's look finds nothing ...");
    read(cache, "store_a", "cust_1", reads, "v1"); // ... and the router's get reads: one miss
    assertEquals(0, cache.hits());
    assertEquals(1, cache.misses());
    assertEquals("v1", cache.peek("store_a", "cust_1").toString()); // answered before the router: a hit
    read(cache, "store_a", "cust_1", reads, "unread"); // a get through the router that finds it kept: a hit
    assertEquals(2, cache.hits());
    assertEquals(1, cache.misses());
    assertEquals(1, reads.count);
    long weighed = cache.weightedBytes();
    assertTrue(weighed >= "v1".length() + 200 && weighed < 400, () -> "weighed " + weighed);
  }

  @Test
  void disabledReadsEveryTime() {
    ProfileCache cache = ProfileCache.DISABLED;
    Reads reads = new Reads();
    read(cache, "store_a", "cust_1", reads, "v1");
    read(cache, "store_a", "cust_1", reads, "v1");
    assertEquals(2, reads.count);
  }

  @Test
  void aSmallBoundKeepsOnlyWhatFits() {
    ProfileCache cache = new ProfileCache(10_000);
    Reads reads = new Reads();
    String big = "x".repeat(4_000);
    for (int i = 0; i < 50; i++) {
      read(cache, "store_a", "cust_" + i, reads, big);
    }
    int before = reads.count;
    for (int i = 0; i < 50; i++) {
      read(cache, "store_a", "cust_" + i, reads, big);
    }
    // at most two 4 kB answers fit in 10 kB: nearly every one was read again
    assertEquals(true, reads.count - before >= 47, () -> "re-read " + (reads.count - before));
  }

  /**
   * Against PostgreSQL: a write names the customer inside its transaction; a read during the
   * transaction sees (and may keep) the committed row; once the commit has answered its caller,
   * the next read sees the new row. With several reads racing every commit, none keeps an older row.
   */
  @Test
  void aTransactionsForgetComesBeforeItsCallerIsAnswered() throws Exception {
    try (TestPool db = TestPool.migrated()) {
      await(db.pool.query("CREATE TABLE cache_probe (id text PRIMARY KEY, v int NOT NULL)").execute());
      await(db.pool.query("INSERT INTO cache_probe VALUES ('cust_1', 0)").execute());
      ProfileCache cache = new ProfileCache(1 << 20);
      Supplier<Future<Buffer>> read = () -> db.pool.preparedQuery("SELECT v FROM cache_probe WHERE id = $1")
          .execute(Tuple.of("cust_1")).map(rows -> Buffer.buffer(String.valueOf(rows.iterator().next().getInteger(0))));
      AtomicInteger racing = new AtomicInteger();
      for (int v = 1; v <= 200; v++) {
        int value = v;
        Future<Void> write = db.pool.withTransaction(conn -> conn.preparedQuery("UPDATE cache_probe SET v = $2 WHERE id = $1")
            .execute(Tuple.of("cust_1", value))
            .andThen(ar -> cache.changing(conn, "store_a", "cust_1"))
            // a read while the transaction is open: the committed (older) row, kept or not
            .compose(rows -> cache.get("store_a", "cust_1", read).andThen(ar -> racing.incrementAndGet()))
            .mapEmpty());
        // and reads racing the commit from outside
        Future<Buffer> outside = cache.get("store_a", "cust_1", read);
        await(write);
        assertEquals(String.valueOf(value), await(cache.get("store_a", "cust_1", read)).toString(),
            "the read after the commit answered");
        await(outside);
        assertEquals(String.valueOf(value), await(cache.get("store_a", "cust_1", read)).toString(),
            "after the racing read ended");
      }
      assertEquals(200, racing.get());
    }
  }
}
