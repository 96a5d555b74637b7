package io.shoal.db;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.internal.ContextInternal;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Many small write transactions committed as one, so that one WAL flush acknowledges many
 * requests (durable commits cost a flush each: about 7,800/s on this kind of machine, before any
 * other work). Callers hand in units; a batch runs its units together in one transaction on one
 * connection and commits once; each caller's future completes only after that commit. What a
 * batch does with its units is the {@link Work} given at construction: {@link #ofFunctions}
 * runs units that are functions of a connection, pipelined; a writer can instead write a whole
 * batch with a few multi-row statements (customer creates: one INSERT for all, which also runs
 * the table's statement triggers once, not once per customer).
 *
 * <pre>
 *   submit(unit) -> queue -> [a lane is free] batch of up to maxBatch units
 *      BEGIN; work(conn, [unit1, unit2, ...]); COMMIT -> every unit's future completes
 *      the work failed -> ROLLBACK, then each unit again in its own transaction
 * </pre>
 *
 * Batches form while earlier ones are in flight, without a timer: under light load a unit
 * commits alone and waits for nothing; under load, up to {@code maxBatch} share a commit. At most
 * {@code lanes} batches run at once (each holds one pooled connection). A failing unit never fails
 * or half-writes another: its batch is rolled back and every unit of it re-run on its own.
 * Units must therefore be safe to run twice when the first run was rolled back (they are: a
 * rolled-back run left nothing), and must not depend on other units of the same batch.
 */
public final class GroupCommit<U, R> {

  /** What a batch does inside its transaction: one result per unit, in the units' order. */
  @FunctionalInterface
  public interface Work<U, R> {
    Future<List<R>> run(SqlConnection conn, List<U> units);
  }

  private record Unit<U, R>(U input, Promise<R> promise) {}

  private final Pool pool;
  private final int maxBatch;
  private final int lanes;
  private final Work<U, R> work;
  private final ArrayDeque<Unit<U, R>> queue = new ArrayDeque<>();
  private int running;
  private long batches;
  private long units;

  public GroupCommit(Pool pool, int maxBatch, int lanes, Work<U, R> work) {
    if (maxBatch < 1 || lanes < 1) {
      throw new IllegalArgumentException("maxBatch and lanes must be at least 1");
    }
    this.pool = pool;
    this.maxBatch = maxBatch;
    this.lanes = lanes;
    this.work = work;
  }

  /** Units that are functions of a connection: a batch starts them all at once (pipelined). */
  public static <T> GroupCommit<Function<SqlConnection, Future<T>>, T> ofFunctions(Pool pool, int maxBatch, int lanes) {
    return new GroupCommit<>(pool, maxBatch, lanes, (conn, units) -> {
      List<Future<T>> started = new ArrayList<>(units.size());
      for (Function<SqlConnection, Future<T>> unit : units) {
        started.add(start(unit, conn));
      }
      // all, not join: the first failure rolls the batch back (the others' outcomes do not matter then)
      return Future.all(started).map(done -> {
        List<T> results = new ArrayList<>(units.size());
        for (int i = 0; i < units.size(); i++) {
          results.add(done.resultAt(i));
        }
        return results;
      });
    });
  }

  /** Runs {@code unit} in a transaction shared with other units; completes after its commit. */
  public Future<R> submit(U unit) {
    ContextInternal context = (ContextInternal) Vertx.currentContext();
    Promise<R> promise = context != null ? context.promise() : Promise.promise();
    List<Unit<U, R>> batch;
    synchronized (this) {
      queue.add(new Unit<>(unit, promise));
      batch = nextBatch();
    }
    if (batch != null) {
      run(batch);
    }
    return promise.future();
  }

  /** Batches committed so far and the units in them (for tests and metrics). */
  public synchronized long[] counts() {
    return new long[] {batches, units};
  }

  private List<Unit<U, R>> nextBatch() { // holding the lock
    if (running >= lanes || queue.isEmpty()) {
      return null;
    }
    running++;
    List<Unit<U, R>> batch = new ArrayList<>(Math.min(maxBatch, queue.size()));
    while (batch.size() < maxBatch && !queue.isEmpty()) {
      batch.add(queue.poll());
    }
    return batch;
  }

  private void run(List<Unit<U, R>> batch) {
    pool.withTransaction(conn -> runWork(conn, batch)).onComplete(ar -> {
      if (ar.succeeded()) {
        synchronized (this) {
          batches++;
          units += batch.size();
        }
        for (int i = 0; i < batch.size(); i++) {
          batch.get(i).promise().complete(ar.result().get(i));
        }
        finished();
      } else if (batch.size() == 1) {
        batch.get(0).promise().fail(ar.cause());
        finished();
      } else {
        alone(batch, 0);
      }
    });
  }

  /** After a failed batch: each unit in its own transaction, one after another, on this lane. */
  private void alone(List<Unit<U, R>> batch, int index) {
    if (index == batch.size()) {
      finished();
      return;
    }
    Unit<U, R> unit = batch.get(index);
    pool.withTransaction(conn -> runWork(conn, List.of(unit))).onComplete(ar -> {
      if (ar.succeeded()) {
        synchronized (this) {
          batches++;
          units++;
        }
        unit.promise().complete(ar.result().get(0));
      } else {
        unit.promise().fail(ar.cause());
      }
      alone(batch, index + 1);
    });
  }

  private Future<List<R>> runWork(SqlConnection conn, List<Unit<U, R>> batch) {
    List<U> inputs = new ArrayList<>(batch.size());
    for (Unit<U, R> unit : batch) {
      inputs.add(unit.input());
    }
    try {
      return work.run(conn, inputs).compose(results -> results.size() == inputs.size() ? Future.succeededFuture(results)
          : Future.failedFuture(new IllegalStateException(results.size() + " results for " + inputs.size() + " units")));
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
  }

  private static <T> Future<T> start(Function<SqlConnection, Future<T>> unit, SqlConnection conn) {
    try {
      return unit.apply(conn);
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
  }

  private void finished() {
    List<Unit<U, R>> batch;
    synchronized (this) {
      running--;
      batch = nextBatch();
    }
    if (batch != null) {
      run(batch);
    }
  }
}
