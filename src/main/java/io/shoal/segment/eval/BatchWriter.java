package io.shoal.segment.eval;

import io.shoal.outbox.Notification;
import io.shoal.outbox.NotificationLog;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Persists what a {@link PartitionCore} gathered, and its checkpoint, one batch in flight at a
 * time (group commit: the next batch gathers while one is written):
 *
 * <pre>
 *   requestFlush --(next turn of the loop)--> takePending --> EvaluationStore.persist (one transaction)
 *                                               \--> run what waited for room (whenTaken)
 *       ok     --> wake the notifiers --> run what waited for this batch --> next batch
 *       failed --> putBack in front of what gathered meanwhile --> retry after a backoff
 *       fenced (another owner took the partition) --> nothing more is written; onFenced
 * </pre>
 *
 * <p>Member counts: a batch taken straight after the previous one committed (the writer is busy)
 * leaves its count deltas in the {@link PartitionCore}, summed with later ones, unless
 * {@link #COUNTS_EVERY_MS} passed since counts were last written; every other batch carries them
 * (one taken from idle, one something waits for: a reply, a sync, a stop), and when only counts
 * are left the writer writes them on their own before it idles. So a count is exact once the
 * partition is idle and at most about {@link #COUNTS_EVERY_MS} (plus a batch) behind its members
 * under load, and the statement runs about once a second instead of in every batch (12.6 s of
 * PostgreSQL's time per ~70 s at 1,000 events/s, bench/engine's twenty-fourth pass). Deltas not
 * written before a crash are made good at the next start: the first batch writes the partition's
 * counts recounted from the memberships it loaded ({@link #recount}).
 *
 * Runs on its partition's event loop only.
 */
final class BatchWriter {

  private static final Logger LOG = LoggerFactory.getLogger(BatchWriter.class);

  private final Vertx vertx;
  private final PartitionCore core;
  private final EvaluationStore db;
  private final NotificationLog notifications;
  /** The epoch this partition's owner took it over with; every batch names it. */
  private final long epoch;
  /** Runs once when a batch was refused because another owner took the partition over. */
  private final Runnable onFenced;

  private boolean flushing;
  private boolean fenced;
  /** The next batch is written even when nothing gathered: its checkpoint update proves the epoch. */
  private boolean force;
  /** A batch was not written and never will be by this owner (fenced, or failed while stopping). */
  private boolean lost;
  private long failures;
  /** While stopping, a failed batch is not retried: the log replay at the next start redoes it. */
  private boolean stopping;
  /** The stop's last batch is written: nothing more is. */
  private boolean closed;
  private final List<Runnable> afterFlush = new ArrayList<>();
  private final List<Runnable> afterTaken = new ArrayList<>();
  /** Told how many logged events each written batch held ({@link EvaluationBacklog}). */
  private final java.util.function.IntConsumer eventsWritten;
  /** Logged events taken since the last batch was handed over; then the batch's, until written. */
  private int eventsGathered;
  /**
   * Live work (a logged event off the event bus, a time check, a message waiting for its answer)
   * is in the batch gathering: bulk work then keeps that batch small ({@link #liveWaiting}).
   */
  private boolean live;
  /** When a logged event last came ({@link System#nanoTime}): bulk batches stay small while events flow. */
  private long liveSeenAt = System.nanoTime() - LIVE_RECENT_NANOS;
  /** How long after an event bulk work keeps its batches to the busy room ({@link #liveRecently}). */
  static final long LIVE_RECENT_NANOS = 10_000_000_000L;
  /** The longest a count waits behind its members while batches follow one another. */
  static final long COUNTS_EVERY_MS = 1_000;
  private final long countsEveryNanos;
  private long countsWrittenAt = System.nanoTime();
  /** The partition's recounted member counts, written by the next batch (then null). */
  private EvaluationStore.Recount recount;

  BatchWriter(Vertx vertx, PartitionCore core, EvaluationStore db, NotificationLog notifications, long epoch,
              Runnable onFenced, java.util.function.IntConsumer eventsWritten) {
    this(vertx, core, db, notifications, epoch, onFenced, eventsWritten, COUNTS_EVERY_MS);
  }

  BatchWriter(Vertx vertx, PartitionCore core, EvaluationStore db, NotificationLog notifications, long epoch,
              Runnable onFenced, java.util.function.IntConsumer eventsWritten, long countsEveryMs) {
    this.countsEveryNanos = countsEveryMs * 1_000_000L;
    this.eventsWritten = eventsWritten;
    this.vertx = vertx;
    this.core = core;
    this.db = db;
    this.notifications = notifications;
    this.epoch = epoch;
    this.onFenced = onFenced;
  }

  /** A logged event was taken off the event bus: it counts as written with the batch that holds it. */
  void eventTaken() {
    eventsGathered++;
    live = true;
    liveSeenAt = System.nanoTime();
  }

  /** Live work other than a logged event (time checks that came due) is in the batch gathering. */
  void liveTaken() {
    live = true;
  }

  /**
   * Whether live work waits in the batch gathering (since the last batch was handed over): bulk
   * work (backfills, recomputes) then gathers little more before that batch is taken, so a live
   * event does not wait in a bulk batch of {@code BATCH_ROOM} rows (bench/engine's eighteenth pass);
   * behind one already in flight it may, which is why that room is kept small.
   */
  boolean liveWaiting() {
    return live;
  }

  /**
   * Whether a logged event came in the last {@link #LIVE_RECENT_NANOS}: an event that comes while a
   * bulk batch is in flight waits behind it, so while events flow bulk batches are kept small
   * (SegmentEvaluatorVerticle.BUSY_ROOM). Time checks coming due do not count: with time-relative
   * segments they come all the time, and a lone broad backfill, which needs large batches, took
   * 1.6x as long at 100k with batches of 2,000 (bench/engine's twenty-eighth pass).
   */
  boolean liveRecently() {
    return System.nanoTime() - liveSeenAt < LIVE_RECENT_NANOS;
  }

  /**
   * The partition's member counts among the customers it loaded at start ({@link PartitionCore#takeRecount}),
   * for {@code partitions} partitions: the next batch writes them in place of its rows (and drops
   * the rows of writers that are no partition), before the deltas gathered since the load.
   */
  void recount(int partitions, List<Tuple> members) {
    recount = new EvaluationStore.Recount(partitions, members);
    requestFlush();
  }

  /** Starts a batch unless one is in flight (then the next one, started when it ends, takes these). */
  void requestFlush() {
    if (!flushing) {
      flushing = true;
      // let the events already queued on this loop join the batch first
      vertx.runOnContext(v -> flush(false));
    }
  }

  /** Runs {@code r} once everything gathered so far is written (or the writer stopped). */
  void whenFlushed(Runnable r) {
    afterFlush.add(r);
  }

  /**
   * Answers {@code m} once everything gathered so far is written under this owner's epoch; if
   * another owner took the partition over meanwhile (or the last batch failed while stopping),
   * fails it with {@link EvaluatorPartitions#MOVED} instead, so that the sender asks the new owner,
   * which re-reads the customer. A batch is written even when nothing gathered, so a message
   * that changed nothing here still learns whether this node still owns the partition.
   */
  void replyWhenWritten(Message<?> m, Object answer) {
    whenFlushed(() -> {
      if (lost) {
        m.fail(EvaluatorPartitions.MOVED, "evaluator partition " + core.partition() + " is no longer owned here");
      } else {
        m.reply(answer);
      }
    });
    force = true;
    live = true;
    requestFlush();
  }

  /**
   * Runs {@code r} once what gathered so far is taken into a batch (at once when nothing is
   * pending): bulk work (backfills, recomputes, the re-tests at start) gathers a batch, waits
   * here, and gathers the next while this one is written, so a batch stays bounded (building a
   * batch of a million customers held the event loop for seconds, and its transaction for a
   * minute) and one is always in flight.
   */
  void whenTaken(Runnable r) {
    afterTaken.add(r);
    requestFlush();
  }

  Future<Void> flushAndWait() {
    Promise<Void> done = Promise.promise();
    whenFlushed(done::complete);
    if (!flushing) {
      flushing = true;
      flush(false);
    }
    return done.future();
  }

  /**
   * Writes what gathered, without retrying a failure: for stop. Nothing is written after it (the
   * pool closes next): work gathered later, such as a backfill's next slice, is redone at the next
   * start, and a message waiting for a later batch is told the partition moved.
   */
  Future<Void> stop() {
    stopping = true;
    return flushAndWait().onComplete(v -> {
      closed = true;
      lost = true;
    });
  }

  /** {@code chained}: called as the previous batch committed (the writer is busy). */
  private void flush(boolean chained) {
    boolean work = core.hasWork() || force;
    if (!work && recount == null && !core.hasCounts() || fenced || closed) {
      flushing = false;
      wrote(eventsGathered); // events that changed nothing to write
      eventsGathered = 0;
      live = false;
      runTaken();
      if (!afterFlush.isEmpty()) {
        List<Runnable> waiting = new ArrayList<>(afterFlush);
        afterFlush.clear();
        waiting.forEach(Runnable::run);
      }
      return;
    }
    flushing = true;
    long now = System.nanoTime();
    // counts wait while batches follow one another, up to COUNTS_EVERY_MS
    boolean counts = !work || !chained || recount != null || stopping || !afterFlush.isEmpty()
        || now - countsWrittenAt >= countsEveryNanos;
    if (counts) {
      countsWrittenAt = now;
    }
    EvaluationStore.Recount recounted = recount;
    recount = null;
    force = false;
    PartitionCore.Pending pending = core.takePending(counts);
    int events = eventsGathered;
    eventsGathered = 0;
    live = false;
    List<EvaluationStore.CustomerWrite> writes = new ArrayList<>(pending.dirty().size());
    List<CustomerState> aggregated = new ArrayList<>();
    List<CustomerState> joinedOrLeft = new ArrayList<>();
    List<int[]> takenEdits = new ArrayList<>(); // joinedOrLeft's membership flips, put back if the write fails
    List<EvaluationStore.LeanWrite> lean = new ArrayList<>();
    for (CustomerState c : pending.dirty().keySet()) {
      if (c.aggregatesDirty) {
        aggregated.add(c);
      }
      if (!c.fullWrite && !c.aggregatesDirty && c.rowStored) {
        // changed only by backfills: what they changed, not the whole row (EvaluationStore.SQL_LEAN_STATES)
        PartitionCore.LeanMemberships changed = null;
        if (c.membershipsDirty) {
          int[] edits = c.takeMembershipEdits();
          joinedOrLeft.add(c);
          takenEdits.add(edits);
          changed = core.enteredAndLeft(c, edits);
        }
        String entered = changed == null ? null : changed.entered();
        String left = changed == null ? null : changed.left();
        if (c.checkMoved || entered != null || left != null) { // else flipped back: nothing to write
          lean.add(new EvaluationStore.LeanWrite(c.storeId, c.customerId, c.checkMoved ? c.toBytes() : null,
              entered, left, changed == null ? null : changed.enteredGaps()));
        }
        c.membershipsDirty = false;
        c.checkMoved = false;
        continue;
      }
      c.fullWrite = false;
      c.checkMoved = false;
      PartitionCore.Memberships memberships = null;
      if (c.membershipsDirty) {
        int[] edits = c.takeMembershipEdits();
        joinedOrLeft.add(c);
        takenEdits.add(edits);
        memberships = core.written(c, edits);
      }
      writes.add(new EvaluationStore.CustomerWrite(c.storeId, c.customerId, c.aggregatesDirty, c.totalOrders(),
          c.totalSpent(), c.firstOrderAt(), c.lastOrderAt(), c.lastSeenAt(), c.toBytes(), c.cartJson(),
          memberships == null ? null : memberships.nums(), memberships == null ? null : memberships.runs(),
          memberships == null ? null : memberships.packed()));
      c.aggregatesDirty = false;
      c.membershipsDirty = false;
    }
    List<Tuple> deltas = new ArrayList<>(pending.countDeltas().size());
    pending.countDeltas().forEach((k, v) -> {
      if (v[0] != 0) {
        deltas.add(Tuple.of(k.storeId(), k.segmentId(), v[0]));
      }
    });
    List<Runnable> waiting = new ArrayList<>(afterFlush);
    afterFlush.clear();
    EvaluationStore.Batch batch = new EvaluationStore.Batch(core.partition(), epoch, pending.checkpoint(), writes,
        pending.transitions(), deltas, recounted, lean);
    Future<List<Notification>> persisted = db.persist(batch);
    runTaken();
    persisted.onComplete(ar -> {
      if (ar.failed() && ar.cause() instanceof EvaluationStore.Fenced) {
        // another node owns the partition now and replays what this batch held from the log
        LOG.warn("Evaluator partition {}: {}; this owner stops", core.partition(), ar.cause().getMessage());
        fenced = true;
        lost = true;
        flushing = false;
        waiting.forEach(Runnable::run);
        onFenced.run();
        return;
      }
      if (ar.failed()) {
        failures++;
        if (stopping) {
          LOG.warn("Evaluator partition {} stopped without writing its last batch; it is replayed at start: {}",
              core.partition(), String.valueOf(ar.cause()));
          lost = true;
          flushing = false;
          waiting.forEach(Runnable::run);
          return;
        }
        LOG.error("Evaluator partition {} could not persist a batch ({} customers); retrying", core.partition(),
            writes.size(), ar.cause());
        aggregated.forEach(c -> c.aggregatesDirty = true);
        // retried as whole rows: what a lean write held is in the state and the memberships
        pending.dirty().keySet().forEach(c -> c.fullWrite = true);
        for (int i = 0; i < joinedOrLeft.size(); i++) {
          joinedOrLeft.get(i).membershipsDirty = true;
          joinedOrLeft.get(i).restoreMembershipEdits(takenEdits.get(i));
        }
        core.putBack(pending);
        if (recounted != null && recount == null) {
          recount = recounted;
        }
        eventsGathered += events;
        afterFlush.addAll(0, waiting);
        vertx.setTimer(Math.min(5_000, 100L << Math.min(6, failures)), t -> flush(false));
        return;
      }
      failures = 0;
      // their rows exist now (a customer deleted meanwhile is gone from memory too): later backfills may write lean
      pending.dirty().keySet().forEach(c -> c.rowStored = true);
      wrote(events);
      notifications.wake(ar.result());
      waiting.forEach(Runnable::run);
      flush(true);
    });
  }

  private void wrote(int events) {
    if (events > 0) {
      eventsWritten.accept(events);
    }
  }

  /** Lets the bulk work that waited for room gather again, on the next turn of the loop. */
  private void runTaken() {
    if (!afterTaken.isEmpty()) {
      List<Runnable> next = new ArrayList<>(afterTaken);
      afterTaken.clear();
      vertx.runOnContext(v -> next.forEach(Runnable::run));
    }
  }
}
