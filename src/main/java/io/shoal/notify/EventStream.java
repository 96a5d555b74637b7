package io.shoal.notify;

import io.shoal.outbox.Doubts;
import io.shoal.outbox.NotificationLog;
import io.shoal.outbox.Notification;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.http.HttpServerResponse;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One live stream of a store's notifications as Server-Sent Events, resumable by position.
 * The database is the buffer: the stream reads by {@code seq} after its position whenever it is
 * woken (a new commit for its store, or the heartbeat), and a slow reader only lags behind,
 * holding at most one page in memory.
 *
 * <p>No gaps: {@code seq} is allocated at insert, so a transaction still running may hold a
 * smaller {@code seq} than rows already visible. Such a transaction took its id before its
 * {@code seq} (NotificationLog sees to it), so before the page was read, and its id is below the
 * {@code ref} the page read takes after its snapshot. Rows seen in a page are therefore written
 * only once a later snapshot's {@code xmin} has reached that {@code ref} (every transaction
 * older has ended), or at once when the page's own xmin already had. A transaction running
 * longer than {@link #SETTLE_LIMIT_MS} is not waited for beyond that: the seqs of the range not
 * visible then are kept as {@link Doubts}, read again at each read, and a row that commits
 * later is written then, out of order and without an {@code id:} line (the client's
 * Last-Event-ID stays the position; a row still in doubt when the client reconnects is lost
 * to that stream, as the events list and webhooks still have it).
 *
 * <pre>
 *   subscribe(NEW_NOTIFICATIONS) -> position (Last-Event-ID, or the newest seq) -> read
 *   read: doubts? rows at their seqs -> write the ones that came (late) -> settle
 *         page after position, with the snapshot's xmin and a ref id taken after it
 *         rows up to the settled seq -> write the matching ones (id: seq) -> position = last of them
 *         newer rows -> settle when xmin reaches this ref (re-read in RECHECK_MS)
 *                       past SETTLE_LIMIT_MS: settle, the range's absent seqs become doubts
 *         full page or woken meanwhile -> read again; write queue full -> wait for drain
 *   every 15 s: ": heartbeat" comment (and a read, in case a wake was missed)
 *   client gone or server shutting down -> unsubscribe, stop
 * </pre>
 */
final class EventStream {

  private static final Logger LOG = LoggerFactory.getLogger(EventStream.class);
  static final int PAGE = 200;
  static final long RECHECK_MS = 3;
  static final long SETTLE_LIMIT_MS = 2_000;

  private final Vertx vertx;
  private final DeliveryStore store;
  private final HttpServerResponse response;
  private final String storeId;
  private final Set<String> types;
  private final String segmentId;
  private final long heartbeatMs;

  private MessageConsumer<String> consumer;
  private long heartbeat = -1;
  private long position = -1;
  /** Every row up to here is final: no transaction that could still add one below it is running. */
  private long settled = -1;
  /** Rows up to {@code waitingSeq} become final once xmin reaches {@code waitingRef}; -1: none. */
  private long waitingSeq = -1;
  private long waitingRef;
  private long waitingSinceMs;
  /** Seqs passed over while a writer older than their reference ran; see {@link Doubts}. */
  private final Doubts doubts = new Doubts();
  private long recheck = -1;
  private boolean reading;
  private boolean again;
  private boolean closed;

  EventStream(Vertx vertx, DeliveryStore store, HttpServerResponse response, String storeId, Set<String> types,
              String segmentId, long heartbeatMs) {
    this.vertx = vertx;
    this.store = store;
    this.response = response;
    this.storeId = storeId;
    this.types = types;
    this.segmentId = segmentId;
    this.heartbeatMs = heartbeatMs;
  }

  /** Subscribes first, so that nothing committed from now on can be missed; nothing is written yet. */
  void subscribe() {
    consumer = vertx.eventBus().localConsumer(NotificationLog.NEW_NOTIFICATIONS, m -> {
      if (storeId.equals(m.body())) {
        read();
      }
    });
    response.closeHandler(v -> close());
    response.exceptionHandler(e -> close());
  }

  /** Answers the headers and starts reading after {@code seq}, once the position is known. */
  void startAfter(long seq) {
    if (closed) {
      return;
    }
    response.setChunked(true)
        .putHeader("Content-Type", "text/event-stream; charset=utf-8")
        .putHeader("Cache-Control", "no-cache")
        .putHeader("Content-Encoding", "identity") // never compressed: gzip would hold events back
        .putHeader("X-Accel-Buffering", "no");
    response.write("retry: 2000\n: connected\n\n");
    heartbeat = vertx.setPeriodic(heartbeatMs, id -> {
      if (!closed && !response.writeQueueFull()) {
        response.write(": heartbeat\n\n");
      }
      read();
    });
    position = seq;
    settled = seq;
    read();
  }

  private void read() {
    if (closed || position < 0) {
      return;
    }
    if (reading) {
      again = true;
      return;
    }
    if (response.writeQueueFull()) {
      response.drainHandler(v -> read());
      return;
    }
    reading = true;
    again = false;
    readDoubts()
        .compose(v -> absentIfPastTheLimit())
        .compose(absent -> store.readAfter(storeId, position, PAGE).map(page -> new Read(page, absent)))
        .onComplete(ar -> {
          reading = false;
          if (closed) {
            return;
          }
          if (ar.failed()) {
            LOG.warn("Event stream of store {} could not read; retrying at the next heartbeat", storeId, ar.cause());
            return;
          }
          written(ar.result().page(), ar.result().absent());
        });
  }

  /** A page, and the seqs of the range waited for that were absent just before it was read (null: not asked). */
  private record Read(DeliveryStore.Page page, List<Long> absent) {}

  /**
   * Past {@link #SETTLE_LIMIT_MS}, the seqs of the range waited for that no store has a visible
   * row at, asked before the page is read: one that commits in between is in the page.
   */
  private Future<List<Long>> absentIfPastTheLimit() {
    if (waitingSeq < 0 || System.currentTimeMillis() - waitingSinceMs <= SETTLE_LIMIT_MS) {
      return Future.succeededFuture();
    }
    return store.absentSeqs(settled, waitingSeq);
  }

  /** Writes what of the page is settled, and decides when to read again. */
  private void written(DeliveryStore.Page page, List<Long> absent) {
    List<DeliveryStore.Stored> rows = page.rows();
    long now = System.currentTimeMillis();
    if (waitingSeq >= 0 && page.xmin() >= waitingRef) {
      settled = Math.max(settled, waitingSeq);
      waitingSeq = -1;
    } else if (waitingSeq >= 0 && absent != null) {
      giveUpWaiting(rows, absent);
    }
    if (!rows.isEmpty() && page.xmin() >= page.ref()) {
      settled = Math.max(settled, rows.get(rows.size() - 1).seq()); // nothing older was running: all final
    }
    Buffer out = Buffer.buffer();
    int processed = 0;
    for (DeliveryStore.Stored s : rows) {
      if (s.seq() > settled) {
        break;
      }
      processed++;
      position = s.seq();
      if (matches(s.notification())) {
        out.appendString("id: ").appendString(Long.toString(s.seq())).appendString("\n");
        event(out, s.notification());
      }
    }
    if (processed < rows.size() || rows.size() < PAGE) {
      // every visible row up to the settled seq was in the page: none is left behind the position
      position = Math.max(position, settled);
    }
    if (out.length() > 0) {
      response.write(out);
    }
    if (processed < rows.size() && waitingSeq < 0) {
      waitingSeq = rows.get(rows.size() - 1).seq();
      waitingRef = page.ref();
      waitingSinceMs = now;
    }
    if ((waitingSeq >= 0 || !doubts.isEmpty()) && recheck < 0) {
      long since = waitingSeq >= 0 ? waitingSinceMs : now - 400; // doubts: every 100 ms
      long delay = Math.max(RECHECK_MS, Math.min(100, (now - since) / 4)); // back off if it takes long
      recheck = vertx.setTimer(delay, id -> {
        recheck = -1;
        read();
      });
    }
    if ((processed == rows.size() && rows.size() == PAGE) || again) {
      read();
    }
  }

  /**
   * The range waited for is settled anyway, as far as the page reaches; its seqs absent before
   * the read and not in the page become doubts.
   */
  private void giveUpWaiting(List<DeliveryStore.Stored> rows, List<Long> absent) {
    long upTo = rows.size() == PAGE ? Math.min(waitingSeq, rows.get(PAGE - 1).seq()) : waitingSeq;
    List<Long> doubtful = doubts.missed(absent, DeliveryStore.seqs(rows), upTo, waitingRef);
    settled = Math.max(settled, upTo);
    if (upTo == waitingSeq) {
      waitingSeq = -1;
    }
    if (!doubtful.isEmpty()) {
      LOG.info("Event stream of store {}: seqs {} not committed after {} ms; written when they are",
          storeId, doubtful, SETTLE_LIMIT_MS);
    }
  }

  /** Writes the doubts that came since (late, without an id), and ends those that never will. */
  private Future<Void> readDoubts() {
    if (doubts.isEmpty()) {
      return Future.succeededFuture();
    }
    return store.readAt(doubts.seqs(), storeId).map(page -> {
      Buffer out = Buffer.buffer();
      for (DeliveryStore.Stored s : page.rows()) {
        if (matches(s.notification())) {
          event(out, s.notification());
        }
      }
      if (out.length() > 0 && !closed) {
        response.write(out);
      }
      doubts.settle(page.seen(), page.xmin());
      return null;
    });
  }

  private static void event(Buffer out, Notification n) {
    out.appendString("data: ").appendString(n.toJson().encode()).appendString("\n\n");
  }

  private boolean matches(Notification n) {
    if (types != null && !types.contains(n.type())) {
      return false;
    }
    return segmentId == null || segmentId.equals(n.data().getString("segment_id"));
  }

  /** Ends the stream from our side (server shutting down); the client reconnects with Last-Event-ID. */
  void end() {
    if (!closed) {
      close();
      response.end();
    }
  }

  /** Stops without answering: the request failed before the stream started (the error is rendered). */
  void cancel() {
    close();
  }

  private void close() {
    if (closed) {
      return;
    }
    closed = true;
    vertx.cancelTimer(heartbeat);
    vertx.cancelTimer(recheck);
    if (consumer != null) {
      consumer.unregister();
    }
  }
}
