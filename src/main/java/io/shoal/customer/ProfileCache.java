package io.shoal.customer;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Transaction;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

/**
 * The customer objects {@code GET /v1/stores/{store}/customers/{id}} answers, kept encoded, so a
 * repeated get costs no database round trip. Bounded by the bytes it holds; a size of 0 turns it
 * off (every get reads PostgreSQL, as before).
 *
 * <p>Never stale, because every transaction that changes what a get answers (the customers row,
 * or the evaluator's last_seen_at and cart in customer_eval_state) names the customer here
 * with {@link #changing}, and the customer is forgotten when that transaction ends, before
 * whoever ran it is answered. The writers: {@link CustomerRepository} (update, delete),
 * {@link ProfileEdits} (automation actions), {@link AnonymousVisitors} (identification, merge),
 * {@link CustomerPersonalData} (erasure) and the segment evaluator's batch (aggregates, state).
 * Inserts need nothing: an absent customer is never kept. ProfileCacheWritersTest checks that
 * each class holding SQL that writes those tables refers to this one.
 *
 * <p>A read that began before a write ended must not keep its older answer after the write's
 * forget. Each read takes a stamp (the write count of its key's stripe) before it queries; the
 * fill is a compute on the key that keeps the answer only if the stripe's count is unchanged,
 * and a forget counts first and removes the key second:
 * <pre>
 *   read:   s = count(stripe) ... query ... compute(key: count(stripe) == s ? answer : unchanged)
 *   forget: count(stripe) += 1; remove(key)
 * </pre>
 * A fill either runs before the count (then the remove after it drops the answer) or sees the
 * new count (then keeps nothing); the map's per-key lock orders the compute and the remove.
 * Another key of the same stripe written meanwhile only costs a fill.
 *
 * <p>Only for a node that is the only writer of its database: another node's writes are not
 * seen here. Wiring turns it off in Kafka mode (several nodes).
 */
public final class ProfileCache {

  /** Nothing kept: every get reads the database. */
  public static final ProfileCache DISABLED = new ProfileCache(0);

  private static final int STRIPES = 1 << 13;
  /** What an entry costs besides its bytes (key, strings, Buffer and map node), roughly. */
  private static final int ENTRY_OVERHEAD = 200;

  /** A store's customer: a key of one store never finds another store's customer. */
  private record Key(String storeId, String customerId) {}

  /** Null when disabled. */
  private final Cache<Key, Buffer> cache;
  private final AtomicLongArray writes = new AtomicLongArray(STRIPES);
  private final LongAdder hits = new LongAdder();
  private final LongAdder misses = new LongAdder();

  /** @param maxBytes the most bytes of encoded customers kept (roughly, with each entry's overhead); 0 disables */
  public ProfileCache(long maxBytes) {
    cache = maxBytes <= 0 ? null : Caffeine.newBuilder()
        // evictions run on the writing thread, right after the fill that passed the bound: on
        // the shared common pool they could lag under load, and the cache outgrow its bytes
        .executor(Runnable::run)
        .maximumWeight(maxBytes)
        .weigher((Key k, Buffer b) -> ENTRY_OVERHEAD + b.length() + 2 * (k.storeId().length() + k.customerId().length()))
        .build();
  }

  /**
   * The encoded customer: kept, or read by {@code read} (which answers null for no such
   * customer; that is not kept) and kept unless the customer was written meanwhile.
   */
  Future<Buffer> get(String storeId, String customerId, Supplier<Future<Buffer>> read) {
    if (cache == null) {
      return read.get();
    }
    Key key = new Key(storeId, customerId);
    Buffer kept = cache.getIfPresent(key);
    if (kept != null) {
      hits.increment();
      return Future.succeededFuture(kept);
    }
    misses.increment();
    int stripe = stripe(key);
    long stamp = writes.get(stripe);
    return read.get().andThen(ar -> {
      Buffer answer = ar.result();
      if (answer != null) {
        cache.asMap().compute(key, (k, old) -> writes.get(stripe) == stamp ? answer : old);
      }
    });
  }

  /** The encoded customer if it is kept; null otherwise. Never reads the database. */
  public Buffer peek(String storeId, String customerId) {
    if (cache == null) {
      return null;
    }
    Buffer kept = cache.getIfPresent(new Key(storeId, customerId));
    if (kept != null) {
      hits.increment(); // a peek that finds nothing is followed by a get, which counts it
    }
    return kept;
  }

  /**
   * For lists (not counted as gets): the encoded customer if it is kept, else null. A caller that
   * then reads it takes {@link #stamp} before its query and hands its answer to {@link #keep}.
   */
  Buffer kept(String storeId, String customerId) {
    return cache == null ? null : cache.getIfPresent(new Key(storeId, customerId));
  }

  /** The write count of the customer's stripe, taken before a read whose answer goes to {@link #keep}. */
  long stamp(String storeId, String customerId) {
    return cache == null ? 0 : writes.get(stripe(new Key(storeId, customerId)));
  }

  /** Keeps a read's answer unless the customer was written since {@code stamp} (as {@link #get}'s fill). */
  void keep(String storeId, String customerId, long stamp, Buffer answer) {
    if (cache == null) {
      return;
    }
    Key key = new Key(storeId, customerId);
    int stripe = stripe(key);
    cache.asMap().compute(key, (k, old) -> writes.get(stripe) == stamp ? answer : old);
  }

  /** Gets answered from memory so far (by {@link #peek} or {@link #get}). */
  public long hits() {
    return hits.sum();
  }

  /** Gets that read the database so far (0 when disabled: nothing is counted then). */
  public long misses() {
    return misses.sum();
  }

  /** The bytes kept now, as weighed against the bound (0 when disabled). */
  public long weightedBytes() {
    return cache == null ? 0 : cache.policy().eviction().orElseThrow().weightedSize().orElse(0);
  }

  /**
   * {@code conn} has just written what a get answers for this customer: forgets it when the
   * transaction ends (committed or not; a commit whose answer was lost may still have happened),
   * or at once when {@code conn} runs no transaction. Forgetting when the transaction ends comes
   * before the commit's own callers: they are answered after this.
   */
  public void changing(SqlConnection conn, String storeId, String customerId) {
    if (cache == null) {
      return;
    }
    Transaction tx = conn.transaction();
    if (tx == null) {
      forget(storeId, customerId);
    } else {
      tx.completion().onComplete(ar -> forget(storeId, customerId));
    }
  }

  /** Forgets the customer now: for a write that ran on its own (no transaction) and has ended. */
  public void forget(String storeId, String customerId) {
    if (cache == null) {
      return;
    }
    Key key = new Key(storeId, customerId);
    writes.incrementAndGet(stripe(key));
    cache.invalidate(key);
  }

  private static int stripe(Key key) {
    int h = key.hashCode();
    return (h ^ (h >>> 16)) & (STRIPES - 1);
  }
}
