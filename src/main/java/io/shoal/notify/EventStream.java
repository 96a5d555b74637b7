package io.shoal.notify;

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
 * woken (a new commit for its store, or the heartbeat), so order and completeness follow from
 * {@code seq} (which {@link NotificationLog} makes commit-ordered per store) and a slow reader
 * only lags behind, holding at most one page in memory.
 *
 * <pre>
 *   subscribe(NEW_NOTIFICATIONS) -> position (Last-Event-ID, or the newest seq) -> read
 *   read: page after position -> write the matching ones (id: seq) -> position = last seq of the page
 *         full page or woken meanwhile -> read again; write queue full -> wait for drain
 *   every 15 s: ": heartbeat" comment (and a read, in case a wake was missed)
 *   client gone or server shutting down -> unsubscribe, stop
 * </pre>
 */
final class EventStream {

  private static final Logger LOG = LoggerFactory.getLogger(EventStream.class);
  static final int PAGE = 200;

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

  /** Subscribes first, so nothing committed from now on can be missed, then answers the headers. */
  void subscribe() {
    consumer = vertx.eventBus().localConsumer(NotificationLog.NEW_NOTIFICATIONS, m -> {
      if (storeId.equals(m.body())) {
        read();
      }
    });
    response.closeHandler(v -> close());
    response.exceptionHandler(e -> close());
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
  }

  /** Starts reading after {@code seq}. */
  void startAfter(long seq) {
    position = seq;
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
      List<DeliveryStore.Stored> page = ar.result();
      if (!page.isEmpty()) {
        Buffer out = Buffer.buffer(page.size() * 400);
        for (DeliveryStore.Stored s : page) {
          if (matches(s.notification())) {
            out.appendString("id: ").appendString(Long.toString(s.seq())).appendString("\ndata: ")
                .appendString(s.notification().toJson().encode()).appendString("\n\n");
          }
        }
        position = page.get(page.size() - 1).seq();
        if (out.length() > 0) {
          response.write(out);
        }
      }
      if (page.size() == PAGE || again) {
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

  private void close() {
    if (closed) {
      return;
    }
    closed = true;
    vertx.cancelTimer(heartbeat);
    if (consumer != null) {
      consumer.unregister();
    }
  }
}
