package io.shoal.notify;

import io.shoal.outbox.NotificationLog;
import io.shoal.outbox.Notification;
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
 * longer than {@link #SETTLE_LIMIT_MS} is not waited for beyond that.
 *
 * <pre>
 *   subscribe(NEW_NOTIFICATIONS) -> position (Last-Event-ID, or the newest seq) -> read
 *   read: page after position, with the snapshot's xmin and a ref id taken after it
 *         rows up to the settled seq -> write the matching ones (id: seq) -> position = last of them
 *         newer rows -> settle when xmin reaches this ref (re-read in RECHECK_MS)
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
    store.readAfter(storeId, position, PAGE).onComplete(ar -> {
      reading = false;
      if (closed) {
        return;
      }
      if (ar.failed()) {
        LOG.warn("Event stream of store {} could not read; retrying at the next heartbeat", storeId, ar.cause());
        return;
      }
      DeliveryStore.Page page = ar.result();
      List<DeliveryStore.Stored> rows = page.rows();
      long now = System.currentTimeMillis();
      if (waitingSeq >= 0 && (page.xmin() >= waitingRef || now - waitingSinceMs > SETTLE_LIMIT_MS)) {
        settled = Math.max(settled, waitingSeq);
        waitingSeq = -1;
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
          out.appendString("id: ").appendString(Long.toString(s.seq())).appendString("\ndata: ")
              .appendString(s.notification().toJson().encode()).appendString("\n\n");
        }
      }
      if (out.length() > 0) {
        response.write(out);
      }
      if (processed < rows.size() && waitingSeq < 0) {
        waitingSeq = rows.get(rows.size() - 1).seq();
        waitingRef = page.ref();
        waitingSinceMs = now;
      }
      if (waitingSeq >= 0 && recheck < 0) {
        long delay = Math.max(RECHECK_MS, Math.min(100, (now - waitingSinceMs) / 4)); // back off if it takes long
        recheck = vertx.setTimer(delay, id -> {
          recheck = -1;
          read();
        });
      }
      if ((processed == rows.size() && rows.size() == PAGE) || again) {
        read();
      }
    });
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
