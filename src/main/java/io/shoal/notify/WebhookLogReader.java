package io.shoal.notify;

import io.shoal.outbox.Doubts;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads each store's notification log for the webhook dispatcher, once for all the store's
 * endpoints: a settled page after a position is read once and handed to every endpoint (lane) at
 * that position, each of which filters it by its own subscription. (Ten endpoints each reading
 * the same rows was most of PostgreSQL's webhook time.)
 *
 * <pre>
 *   lane at p asks next(store, p, its doubts)
 *     its doubts? the rows at their seqs, its own read (doubts are rare, and differ per lane)
 *     the range after p:
 *       kept (read for another lane at p) ---------------> shared, no read
 *       being read from p ------------------------------> joins that read
 *       read empty from p, no wake since ----------------> nothing new, no read
 *       p at or past the store's shared position (head) -> shared read from p; head = where it ends
 *       p behind head (new, re-enabled, after a backlog) -> its own read, cut at the start of the next
 *                                                          kept range (or head): it lands there and joins
 *     a shared range taken, full or woken meanwhile --> the next one is read at once (one ahead),
 *                                                       while the lanes send this one
 * </pre>
 *
 * Settled, as for the live streams and the Kafka relay: a read while a writer that could still
 * commit a smaller seq ran is read again once it ended, waited for up to {@link #SETTLE_LIMIT_MS};
 * past it, the range's absent seqs become doubts of every lane that takes the range (see
 * outbox.Doubts). A range is the same whoever reads it, so sharing one changes nothing a lane
 * sends: every position, delivery and resolve stays the lane's.
 *
 * One dispatcher's context; not thread-safe.
 */
final class WebhookLogReader {

  private static final Logger LOG = LoggerFactory.getLogger(WebhookLogReader.class);
  /** Notifications read from a store's log at once. */
  static final int PAGE = 5_000;
  /** A writer running longer than this is not waited for (as for the live streams and the relay). */
  static final long SETTLE_LIMIT_MS = 2_000;
  private static final long SETTLE_CHECK_MS = 3;
  /** Ranges kept per store for lanes a page or more behind the first. */
  static final int KEPT_RANGES = 4;

  /**
   * What a lane reads: the rows to send (late doubts first), up to which seq they settle the log,
   * and their bodies as sent, each encoded once for every lane that takes the range ({@code wire},
   * filled as lanes send; by identity of the row).
   */
  record Page(List<DeliveryStore.Stored> rows, long upTo, Doubts doubts, boolean full,
              Map<DeliveryStore.Stored, Buffer> wire) {}

  /** A settled range (from, upTo] of one store's log, and the seqs in it absent past the limit. */
  private static final class Range {
    final List<DeliveryStore.Stored> rows;
    final long upTo;
    final List<Long> missed;
    final long ref;
    /** More was read past it, or the page was full: read on at once. */
    final boolean full;
    /** A lane took it (a range read ahead is not until one does). */
    boolean taken;
    /** Its notifications' bodies, encoded by the first lane that sends each (see {@link Page}). */
    final Map<DeliveryStore.Stored, Buffer> wire = new IdentityHashMap<>();

    Range(List<DeliveryStore.Stored> rows, long upTo, List<Long> missed, long ref, boolean full) {
      this.rows = rows;
      this.upTo = upTo;
      this.missed = missed;
      this.ref = ref;
      this.full = full;
    }
  }

  /** One store's shared reading. */
  private static final class StoreLog {
    final String storeId;
    /** Where the next shared read starts (-1: none yet); only moves forward. */
    long head = -1;
    /** Ranges read, by where they start. */
    final TreeMap<Long, Range> kept = new TreeMap<>();
    Future<Range> reading;
    long readingFrom;
    boolean readingTaken;
    /** Woken since the current shared read started: read on after it. */
    boolean woken;
    /** Wakes so far; an empty read answers others only while no wake came after it started. */
    long wakes;
    long emptyFrom = -1;
    long emptyAtWake;

    StoreLog(String storeId) {
      this.storeId = storeId;
    }
  }

  /** A reader waiting for every transaction below {@code ref} to end, until its deadline. */
  private record HorizonWait(long ref, long deadlineNanos, Promise<Boolean> done) {}

  private final Vertx vertx;
  private final DeliveryStore store;
  private final int pageSize;
  private final Map<String, StoreLog> logs = new HashMap<>();
  private final List<HorizonWait> horizonWaits = new ArrayList<>();
  private boolean horizonPolling;
  private long reads;

  /** {@code pageSize}: notifications read at once ({@link #PAGE}; tests read less). */
  WebhookLogReader(Vertx vertx, DeliveryStore store, int pageSize) {
    this.vertx = vertx;
    this.store = store;
    this.pageSize = pageSize;
  }

  /** Pages of the log read from the database so far (shared and own, not counting re-reads to settle). */
  long pagesRead() {
    return reads;
  }

  /**
   * The store committed notifications: a shared read under way reads on once it is done, and a
   * read waiting for older writers looks again now (one of them may be the one that committed)
   * rather than at its next poll.
   */
  void woken(String storeId) {
    StoreLog log = logs.get(storeId);
    if (log != null) {
      log.wakes++;
      log.woken = true;
    }
    pollHorizon();
  }

  /** A tick (wakes from other nodes may be missed): no empty read answers for a later one. */
  void tick() {
    logs.values().forEach(log -> log.wakes++);
  }

  /**
   * The doubts visible now, then the settled range after {@code from}: null when there is
   * nothing new. {@code doubts} is not changed (the page has its own when they differ).
   */
  Future<Page> next(String storeId, long from, Doubts doubts) {
    StoreLog log = logs.computeIfAbsent(storeId, StoreLog::new);
    return lateDoubts(storeId, doubts).compose(late -> range(log, from).map(r -> {
      if (r == null) {
        return late.rows().isEmpty() && late.doubts() == doubts ? null
            : new Page(late.rows(), from, late.doubts(), false, new IdentityHashMap<>());
      }
      Doubts after = late.doubts();
      if (!r.missed.isEmpty()) {
        after = after.copy();
        after.add(r.missed, r.ref);
      }
      return new Page(concat(late.rows(), r.rows), r.upTo, after, r.full, r.wire);
    }));
  }

  private Future<Range> range(StoreLog log, long from) {
    Range kept = log.kept.get(from);
    if (kept != null) {
      take(log, kept);
      return Future.succeededFuture(kept);
    }
    if (log.reading != null) {
      if (log.readingFrom == from) {
        log.readingTaken = true;
        return log.reading;
      }
      if (from > log.readingFrom) {
        return log.reading.transform(ar -> range(log, from)); // ahead of it: decide once it is done
      }
    } else if (from == log.emptyFrom && log.emptyAtWake == log.wakes) {
      return Future.succeededFuture(); // read empty from here, and no wake since
    }
    if (from >= log.head) {
      return share(log, from, true);
    }
    Long next = log.kept.higherKey(from);
    return read(log.storeId, from, next != null ? next : log.head); // behind: its own read, up to where the others are
  }

  /** A lane took the range: marks it, and reads the next one ahead when there is more. */
  private void take(StoreLog log, Range r) {
    if (r.taken) {
      return;
    }
    r.taken = true;
    if ((r.full || log.woken) && log.reading == null && log.head == r.upTo && !log.kept.containsKey(r.upTo)) {
      share(log, r.upTo, false);
    }
  }

  /** The store's shared read from {@code from} (its head); {@code taken}: a lane asked for it. */
  private Future<Range> share(StoreLog log, long from, boolean taken) {
    log.head = from;
    log.readingFrom = from;
    log.readingTaken = taken;
    log.woken = false;
    long atWake = log.wakes;
    Future<Range> reading = read(log.storeId, from, Long.MAX_VALUE);
    log.reading = reading;
    reading.onComplete(ar -> {
      log.reading = null;
      if (ar.failed()) {
        return;
      }
      Range r = ar.result();
      if (r == null) {
        log.emptyFrom = from;
        log.emptyAtWake = atWake;
        return;
      }
      log.kept.put(from, r);
      log.head = Math.max(log.head, r.upTo);
      while (log.kept.size() > KEPT_RANGES) {
        log.kept.pollFirstEntry();
      }
      if (log.readingTaken) {
        take(log, r);
      }
    });
    return reading;
  }

  /**
   * The settled range after {@code from}, ending at {@code cut} at the latest (a lane behind lands
   * where the shared reading is); null when the store has nothing after {@code from}.
   */
  private Future<Range> read(String storeId, long from, long cut) {
    reads++;
    return store.readAfter(storeId, from, pageSize).compose(page -> {
      List<DeliveryStore.Stored> rows = page.rows();
      if (rows.isEmpty()) {
        return Future.succeededFuture();
      }
      long last = rows.get(rows.size() - 1).seq();
      if (page.xmin() >= page.ref()) { // nothing older than the read was running: all final
        return Future.succeededFuture(cutAt(rows, last, rows.size() == pageSize, cut, List.of(), 0));
      }
      return settled(page.ref(), System.nanoTime() + SETTLE_LIMIT_MS * 1_000_000)
          // past the limit: what is absent, asked before the page is read again (a row that
          // commits in between is in that page)
          .compose(ended -> ended ? Future.<List<Long>>succeededFuture() : store.absentSeqs(from, last))
          .compose(absent -> store.readAfter(storeId, from, pageSize).map(again -> {
            List<DeliveryStore.Stored> all = again.rows();
            long upTo = Math.min(cut, all.size() == pageSize ? Math.min(last, all.get(pageSize - 1).seq()) : last);
            List<DeliveryStore.Stored> settled = all.stream().filter(r -> r.seq() <= upTo).toList();
            List<Long> missed = absent == null ? List.of()
                : new Doubts().missed(absent, DeliveryStore.seqs(settled), upTo, page.ref());
            if (!missed.isEmpty()) {
              LOG.info("Webhooks of store {}: notifications {} not committed after {} ms; sent when they are",
                  storeId, missed, SETTLE_LIMIT_MS);
            }
            return new Range(settled, upTo, missed, page.ref(), all.size() == pageSize || upTo < last);
          }));
    });
  }

  private static Range cutAt(List<DeliveryStore.Stored> rows, long last, boolean full, long cut, List<Long> missed,
                             long ref) {
    if (last <= cut) {
      return new Range(rows, last, missed, ref, full);
    }
    return new Range(rows.stream().filter(r -> r.seq() <= cut).toList(), cut, missed, ref, true);
  }

  private static List<DeliveryStore.Stored> concat(List<DeliveryStore.Stored> a, List<DeliveryStore.Stored> b) {
    if (a.isEmpty()) {
      return b;
    }
    List<DeliveryStore.Stored> out = new ArrayList<>(a);
    out.addAll(b);
    return out;
  }

  /** A lane's doubts that are visible now, and the doubts left after them. */
  private record Late(List<DeliveryStore.Stored> rows, Doubts doubts) {}

  private Future<Late> lateDoubts(String storeId, Doubts doubts) {
    if (doubts.isEmpty()) {
      return Future.succeededFuture(new Late(List.of(), doubts));
    }
    return store.readAt(doubts.seqs(), storeId).map(read -> {
      Doubts after = doubts.copy();
      after.settle(read.seen(), read.xmin());
      return new Late(read.rows(), after);
    });
  }

  /** Completes with true once every transaction below {@code ref} has ended, false at the deadline. */
  private Future<Boolean> settled(long ref, long deadlineNanos) {
    Promise<Boolean> done = Promise.promise();
    horizonWaits.add(new HorizonWait(ref, deadlineNanos, done));
    pollHorizon();
    return done.future();
  }

  /** One poll of the horizon for every read waiting on it. */
  private void pollHorizon() {
    if (horizonPolling || horizonWaits.isEmpty()) {
      return;
    }
    horizonPolling = true;
    store.horizon().onComplete(ar -> {
      horizonPolling = false;
      long now = System.nanoTime();
      horizonWaits.removeIf(w -> {
        if (ar.failed()) {
          w.done().fail(ar.cause());
        } else if (ar.result() >= w.ref()) {
          w.done().complete(true);
        } else if (now > w.deadlineNanos()) {
          w.done().complete(false);
        } else {
          return false;
        }
        return true;
      });
      if (!horizonWaits.isEmpty()) {
        vertx.setTimer(SETTLE_CHECK_MS, t -> pollHorizon());
      }
    });
  }
}
