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
 * other work). Callers hand in units of work, functions of a connection; a batch runs its units
 * together (pipelined) in one transaction on one connection and commits once; each caller's
 * future completes only after that commit.
 *
 * <pre>
 *   submit(unit) -> queue -> [a lane is free] batch of up to maxBatch units
 *      BEGIN; unit1 | unit2 | ... (pipelined); COMMIT -> every unit's future completes
 *      any unit failed -> ROLLBACK, then each unit again in its own transaction
 * </pre>
 *
 * Batches form while earlier ones are in flight, without a timer: under light load a unit
 * commits alone and waits for nothing; under load, up to {@code maxBatch} share a commit. At most
 * {@code lanes} batches run at once (each holds one pooled connection). A failing unit never fails
 * or half-writes another: its batch is rolled back and every unit of it re-run on its own.
 * Units must therefore be safe to run twice when the first run was rolled back (they are: a
 * rolled-back run left nothing), and must not depend on other units of the same batch.
 */
public final class GroupCommit {

  private record Unit<T>(Function<SqlConnection, Future<T>> work, Promise<T> promise) {}

  private final Pool pool;
  private final int maxBatch;
  private final int lanes;
  private final ArrayDeque<Unit<?>> queue = new ArrayDeque<>();
  private int running;
  private long batches;
  private long units;

  public GroupCommit(Pool pool, int maxBatch, int lanes) {
    if (maxBatch < 1 || lanes < 1) {
      throw new IllegalArgumentException("maxBatch and lanes must be at least 1");
    }
    this.pool = pool;
    this.maxBatch = maxBatch;
    this.lanes = lanes;
  }

  /** Runs {@code work} in a transaction shared with other units; completes after its commit. */
  public <T> Future<T> submit(Function<SqlConnection, Future<T>> work) {
    ContextInternal context = (ContextInternal) Vertx.currentContext();
    Promise<T> promise = context != null ? context.promise() : Promise.promise();
    List<Unit<?>> batch;
    synchronized (this) {
      queue.add(new Unit<>(work, promise));
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

  private List<Unit<?>> nextBatch() { // holding the lock
    if (running >= lanes || queue.isEmpty()) {
      return null;
    }
    running++;
    List<Unit<?>> batch = new ArrayList<>(Math.min(maxBatch, queue.size()));
    while (batch.size() < maxBatch && !queue.isEmpty()) {
      batch.add(queue.poll());
    }
    return batch;
  }

  private void run(List<Unit<?>> batch) {
    List<Object> results = new ArrayList<>(batch.size());
    pool.withTransaction(conn -> {
      List<Future<?>> started = new ArrayList<>(batch.size());
      for (Unit<?> unit : batch) {
        started.add(start(unit, conn));
      }
      // all, not join: the first failure rolls the batch back (the others' outcomes do not matter then)
      return Future.all(started).map(done -> {
        for (int i = 0; i < batch.size(); i++) {
          results.add(done.resultAt(i));
        }
        return null;
      });
    }).onComplete(ar -> {
      if (ar.succeeded()) {
        synchronized (this) {
          batches++;
          units += batch.size();
        }
        for (int i = 0; i < batch.size(); i++) {
          complete(batch.get(i), results.get(i));
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
  private void alone(List<Unit<?>> batch, int index) {
    if (index == batch.size()) {
      finished();
      return;
    }
    Unit<?> unit = batch.get(index);
    pool.withTransaction(conn -> start(unit, conn)).onComplete(ar -> {
      if (ar.succeeded()) {
        synchronized (this) {
          batches++;
          units++;
        }
        complete(unit, ar.result());
      } else {
        unit.promise().fail(ar.cause());
      }
      alone(batch, index + 1);
    });
  }

  private static Future<?> start(Unit<?> unit, SqlConnection conn) {
    try {
      return unit.work().apply(conn);
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
  }

  @SuppressWarnings("unchecked")
  private static <T> void complete(Unit<T> unit, Object result) {
    unit.promise().complete((T) result);
  }

  private void finished() {
    List<Unit<?>> batch;
    synchronized (this) {
      running--;
      batch = nextBatch();
    }
    if (batch != null) {
      run(batch);
    }
  }
}
