package io.shoal.segment.eval;

import io.shoal.event.EventIngestion;
import io.shoal.kernel.DomainException;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.ArrayDeque;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The logged events this node's evaluator partitions have been handed and not yet written, and
 * the ingestion's admission that keeps them few: an acknowledged event is evaluated within about
 * {@code max} events' work, instead of the log running minutes ahead of the segments (and every
 * waiting event sitting on the heap) when ingest outpaces evaluation.
 *
 * <pre>
 *   ingest --room(n)--> backlog &lt; max and nobody waiting?  yes: append now
 *                                                           no:  wait, in arrival order, until it is
 *                                                                (at most maxWaitMs, then 503 + Retry-After)
 *   log committed --> SegmentEngine.deliver --> delivered(p): +1
 *   partition p commits the batch that holds n of them       --> written(p, n): -n, wakes the waiting
 * </pre>
 *
 * Only events sent to a listening partition count: one sent while a partition is not listening
 * is never taken (its start replays it from the log), and would otherwise hold the count up for
 * good. A partition that stops forgets its count for the same reason. An event counts until the
 * batch holding its results commits, not only until it leaves the event bus: a partition applies
 * events faster than its writes commit, and the events in its gathering batch are as far from the
 * segments' tables (and the webhooks) as those still on the bus. A client is slowed down,
 * never refused, while the evaluators keep taking events; {@code max} 0 admits everything.
 */
public final class EvaluationBacklog implements EventIngestion.Admission {

  private final Vertx vertx;
  private final long max;
  private final long maxWaitMs;
  private final AtomicLongArray perPartition;
  private final AtomicIntegerArray listening;
  private final AtomicLong total = new AtomicLong();
  /** Requests waiting for room, oldest first; guarded by {@code this}. */
  private final ArrayDeque<Waiter> waiting = new ArrayDeque<>();
  /** waiting.size(), read without the lock on every taken event. */
  private volatile int waiters;

  private record Waiter(Context context, Promise<Void> promise, long timer) {}

  public EvaluationBacklog(Vertx vertx, int partitions, long max, long maxWaitMs) {
    this.vertx = vertx;
    this.max = max;
    this.maxWaitMs = maxWaitMs;
    this.perPartition = new AtomicLongArray(partitions);
    this.listening = new AtomicIntegerArray(partitions);
  }

  /** Events handed to listening partitions and not yet written. */
  public long size() {
    return Math.max(0, total.get());
  }

  /** Partition {@code p} listens for logged events from now on. */
  void listening(int p) {
    listening.set(p, 1);
  }

  /** Partition {@code p} stopped listening: what was sent to it is replayed from the log by its next start. */
  void stopped(int p) {
    listening.set(p, 0);
    total.addAndGet(-perPartition.getAndSet(p, 0));
    release();
  }

  /** A logged event is being sent to partition {@code p} (on the log's loop, before its appender is answered). */
  void delivered(int p) {
    if (listening.get(p) == 1) {
      perPartition.incrementAndGet(p);
      total.incrementAndGet();
    }
  }

  /** Partition {@code p} committed a batch holding {@code events} of them (on its own loop, the only one that subtracts). */
  void written(int p, int events) {
    long counted = Math.min(perPartition.get(p), events); // a take it did not count is no credit
    if (counted > 0) {
      perPartition.addAndGet(p, -counted);
      if (total.addAndGet(-counted) < max && waiters > 0) {
        release();
      }
    }
  }

  @Override
  public Future<Void> room(int events) {
    if (max <= 0 || (waiters == 0 && total.get() < max)) {
      return Future.succeededFuture();
    }
    Context context = vertx.getOrCreateContext();
    Promise<Void> promise = Promise.promise();
    synchronized (this) {
      if (waiting.isEmpty() && total.get() < max) {
        return Future.succeededFuture();
      }
      long timer = vertx.setTimer(maxWaitMs, t -> expire(promise));
      waiting.add(new Waiter(context, promise, timer));
      waiters = waiting.size();
    }
    return promise.future();
  }

  /** Lets the oldest waiting requests in while there is room. */
  private void release() {
    while (true) {
      Waiter w;
      synchronized (this) {
        if (waiting.isEmpty() || total.get() >= max) {
          return;
        }
        w = waiting.poll();
        waiters = waiting.size();
      }
      vertx.cancelTimer(w.timer());
      w.context().runOnContext(v -> w.promise().tryComplete());
    }
  }

  private void expire(Promise<Void> promise) {
    synchronized (this) {
      if (!waiting.removeIf(w -> w.promise() == promise)) {
        return;
      }
      waiters = waiting.size();
    }
    promise.tryFail(DomainException.busy("evaluation_behind",
        "the segment engine is " + size() + " events behind what was acknowledged; retry shortly", 1));
  }
}
