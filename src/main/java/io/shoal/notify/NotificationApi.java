package io.shoal.notify;

import io.shoal.outbox.NotificationLog;
import io.shoal.outbox.Notification;
import io.shoal.kernel.DomainException;
import io.shoal.http.ApiHandler;
import io.shoal.http.ApiOperation;
import io.shoal.http.ApiRequest;
import io.shoal.kernel.ListPage;
import io.shoal.http.Reply;
import io.shoal.kernel.Wire;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.openapi.router.RouterBuilder;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Shoal's own events read back: {@code GET .../events} (past notifications, newest first),
 * {@code GET .../events/stream} (live, as Server-Sent Events, resumable with Last-Event-ID) and
 * {@code POST .../events/{event_id}/redeliver} (queue its webhooks again).
 */
public final class NotificationApi {

  public static final long HEARTBEAT_MS = 15_000;

  private final Vertx vertx;
  private final DeliveryStore store;
  private final long heartbeatMs;

  public NotificationApi(Vertx vertx, DeliveryStore store) {
    this(vertx, store, HEARTBEAT_MS);
  }

  NotificationApi(Vertx vertx, DeliveryStore store, long heartbeatMs) {
    this.vertx = vertx;
    this.store = store;
    this.heartbeatMs = heartbeatMs;
  }

  public void mount(RouterBuilder rb) {
    ApiOperation.LIST_EVENTS.mount(rb, ApiHandler.route(this::list));
    ApiOperation.REDELIVER_EVENT.mount(rb, ApiHandler.route(this::redeliver));
    ApiOperation.STREAM_EVENTS.mount(rb, ApiHandler.streaming(this::stream));
  }

  private Future<Reply> list(ApiRequest req) {
    String storeId = req.storeId();
    int limit = req.queryInt("limit", 25);
    Set<String> types = types(req);
    String after = req.query("after");
    Instant afterTime = after == null ? null : Wire.parseInstant(after, "after");
    Long before = WebhookEndpointApi.cursorSeq(req.query("cursor"));
    return store.notifications(storeId, types == null ? null : List.copyOf(types), afterTime, before, limit + 1)
        .map(rows -> Reply.ok(ListPage.of(rows, limit, s -> s.notification().toJson(),
            s -> new JsonObject().put("seq", s.seq()))));
  }

  private Future<Reply> redeliver(ApiRequest req) {
    String storeId = req.storeId();
    String eventId = req.path("event_id");
    String endpointId = req.body().getString("endpoint_id");
    Future<WebhookEndpoint> endpoint = endpointId == null ? Future.succeededFuture()
        : store.endpoint(storeId, endpointId).map(e -> {
          if (e == null) {
            throw new DomainException(404, "invalid_request_error", "resource_missing",
                "No such webhook endpoint: '" + endpointId + "'", "endpoint_id");
          }
          return e;
        });
    return endpoint.compose(only -> store.notification(storeId, eventId).compose(n -> {
      if (n == null) {
        throw DomainException.notFound("event", eventId);
      }
      return store.redeliver(n, only);
    })).map(endpointIds -> {
      vertx.eventBus().publish(WebhookDispatcherVerticle.ENDPOINTS_CHANGED, storeId);
      vertx.eventBus().publish(NotificationLog.NEW_NOTIFICATIONS, storeId);
      return Reply.accepted(new JsonObject()
          .put("object", "redelivery")
          .put("event_id", eventId)
          .put("endpoint_ids", new JsonArray(endpointIds)));
    });
  }

  /**
   * Opens the stream: checks the store and the filters (a 4xx is still possible here), resolves
   * the resume position, then answers 200 with {@code text/event-stream}.
   */
  private Future<Void> stream(ApiRequest req) {
    String storeId = req.storeId();
    Set<String> types = types(req);
    String segmentId = req.query("segment_id");
    String lastEventId = req.header("Last-Event-ID");
    String named = "Last-Event-ID";
    if (lastEventId == null || lastEventId.isBlank()) {
      lastEventId = req.query("last_event_id");
      named = "last_event_id";
    }
    EventStream stream = new EventStream(vertx, store, req.response(), storeId, types, segmentId, heartbeatMs);
    // subscribed before the position is read, and the headers only once it is known: whatever
    // commits after the answer starts is after the position, and is woken for
    stream.subscribe();
    req.connection().shutdownHandler(v -> stream.end());
    Future<Long> resumeAfter = resumePosition(storeId, lastEventId, named);
    return resumeAfter.compose(after -> after != null ? Future.succeededFuture(after) : store.lastSeq(storeId))
        .onFailure(e -> stream.cancel())
        .map(after -> {
          stream.startAfter(after);
          return null;
        });
  }

  /** Last-Event-ID is the seq we sent as {@code id:}; an event id ({@code evt_...}) is accepted too. */
  private Future<Long> resumePosition(String storeId, String lastEventId, String named) {
    if (lastEventId == null || lastEventId.isBlank()) {
      return Future.succeededFuture(null);
    }
    String v = lastEventId.trim();
    if (v.chars().allMatch(Character::isDigit) && v.length() < 19) {
      return Future.succeededFuture(Long.parseLong(v));
    }
    return store.notification(storeId, v).map(n -> {
      if (n == null) {
        throw DomainException.invalidParam(named,
            named + " must be the id: of an event this stream sent (or an event id), got '" + v + "'");
      }
      return n.seq();
    });
  }

  private static Set<String> types(ApiRequest req) {
    List<String> raw = req.queryList("types");
    if (raw.isEmpty()) {
      return null;
    }
    Set<String> out = new LinkedHashSet<>();
    for (String t : raw) {
      if (!Notification.TYPES.contains(t)) {
        throw DomainException.invalidParam("types", "unknown event type '" + t + "'; known types are " + Notification.TYPES);
      }
      out.add(t);
    }
    return out;
  }
}
