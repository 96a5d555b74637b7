package io.shoal.notify;

import io.shoal.outbox.Notification;
import io.shoal.kernel.DomainException;
import io.shoal.http.ApiHandler;
import io.shoal.http.ApiOperation;
import io.shoal.http.ApiRequest;
import io.shoal.kernel.Cursor;
import io.shoal.kernel.Ids;
import io.shoal.kernel.ListPage;
import io.shoal.http.Reply;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.openapi.router.RouterBuilder;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;

/**
 * {@code /webhook-endpoints}: create (the signing secret is in that answer only), list, get,
 * update, delete, roll the secret, and each endpoint's delivery log. Every change wakes the
 * dispatcher ({@link WebhookDispatcherVerticle#ENDPOINTS_CHANGED}).
 */
public final class WebhookEndpointApi {

  static final String ALL_TYPES = "*";
  private static final long MAX_GRACE_SECONDS = 7 * 24 * 3600;
  private static final List<String> DELIVERY_STATUSES = List.of("pending", "in_flight", "succeeded", "failed");

  private final Vertx vertx;
  private final DeliveryStore store;

  public WebhookEndpointApi(Vertx vertx, DeliveryStore store) {
    this.vertx = vertx;
    this.store = store;
  }

  public void mount(RouterBuilder rb) {
    ApiOperation.CREATE_WEBHOOK_ENDPOINT.mount(rb, ApiHandler.route(this::create));
    ApiOperation.LIST_WEBHOOK_ENDPOINTS.mount(rb, ApiHandler.route(this::list));
    ApiOperation.GET_WEBHOOK_ENDPOINT.mount(rb, ApiHandler.route(this::get));
    ApiOperation.UPDATE_WEBHOOK_ENDPOINT.mount(rb, ApiHandler.route(this::update));
    ApiOperation.DELETE_WEBHOOK_ENDPOINT.mount(rb, ApiHandler.route(this::delete));
    ApiOperation.ROLL_WEBHOOK_ENDPOINT_SECRET.mount(rb, ApiHandler.route(this::rollSecret));
    ApiOperation.LIST_WEBHOOK_DELIVERIES.mount(rb, ApiHandler.route(this::deliveries));
  }

  private Future<Reply> create(ApiRequest req) {
    String storeId = req.storeId();
    JsonObject body = req.body();
    String url = url(body.getString("url"));
    List<String> events = events(body.getJsonArray("events"));
    return store.createEndpoint(storeId, Ids.newId("whep"), url, events, body.getString("description"),
            body.getBoolean("enabled", true), newSecret(), body.getInteger("max_batch_size", 1))
        .map(e -> {
          changed(storeId);
          return Reply.created(e.toJson(true));
        });
  }

  private Future<Reply> get(ApiRequest req) {
    String storeId = req.storeId();
    return found(storeId, req.path("id")).map(e -> Reply.ok(e.toJson(false)));
  }

  private Future<Reply> list(ApiRequest req) {
    String storeId = req.storeId();
    int limit = req.queryInt("limit", 25);
    Cursor.TimeAndId after = Cursor.TimeAndId.decode(req.query("cursor"));
    return store.endpoints(storeId, after.time(), after.id(), limit + 1)
        .map(rows -> Reply.ok(ListPage.of(rows, limit, e -> e.toJson(false),
            e -> Cursor.TimeAndId.of(e.createdAt(), e.id()))));
  }

  private Future<Reply> update(ApiRequest req) {
    String storeId = req.storeId();
    String id = req.path("id");
    JsonObject body = req.body();
    String url = body.containsKey("url") ? url(body.getString("url")) : null;
    List<String> events = body.containsKey("events") ? events(body.getJsonArray("events")) : null;
    return found(storeId, id).compose(current -> {
      boolean enabled = body.containsKey("enabled") ? body.getBoolean("enabled") : current.enabled();
      boolean resume = body.containsKey("enabled") && enabled && !WebhookEndpoint.ACTIVE.equals(current.status());
      WebhookEndpoint next = new WebhookEndpoint(storeId, id, url != null ? url : current.url(),
          events != null ? events : current.events(),
          body.containsKey("description") ? body.getString("description") : current.description(),
          enabled, current.status(), current.secret(), null, null, null, null, null,
          body.getInteger("max_batch_size", current.maxBatchSize()));
      return store.updateEndpoint(next, resume);
    }).map(e -> {
      if (e == null) {
        throw DomainException.notFound("webhook endpoint", id);
      }
      changed(storeId);
      return Reply.ok(e.toJson(false));
    });
  }

  private Future<Reply> delete(ApiRequest req) {
    String storeId = req.storeId();
    String id = req.path("id");
    return store.deleteEndpoint(storeId, id).map(deleted -> {
      if (!deleted) {
        throw DomainException.notFound("webhook endpoint", id);
      }
      changed(storeId);
      return Reply.ok(new JsonObject().put("object", "webhook_endpoint").put("id", id).put("deleted", true));
    });
  }

  /** A new secret at once; the old one may keep signing alongside for {@code grace_period_seconds}. */
  private Future<Reply> rollSecret(ApiRequest req) {
    String storeId = req.storeId();
    String id = req.path("id");
    long grace = req.body().getLong("grace_period_seconds", 0L);
    if (grace < 0 || grace > MAX_GRACE_SECONDS) {
      throw DomainException.invalidParam("grace_period_seconds", "grace_period_seconds must be 0 to " + MAX_GRACE_SECONDS);
    }
    return store.rollSecret(storeId, id, newSecret(), grace).map(e -> {
      if (e == null) {
        throw DomainException.notFound("webhook endpoint", id);
      }
      changed(storeId);
      return Reply.ok(e.toJson(true));
    });
  }

  private Future<Reply> deliveries(ApiRequest req) {
    String storeId = req.storeId();
    String id = req.path("id");
    int limit = req.queryInt("limit", 25);
    String status = req.query("status");
    if (status != null && !DELIVERY_STATUSES.contains(status)) {
      throw DomainException.invalidParam("status", "status must be one of " + DELIVERY_STATUSES);
    }
    Long before = cursorSeq(req.query("cursor"));
    return found(storeId, id)
        .compose(e -> store.deliveries(storeId, id, status, before, limit + 1))
        .map(rows -> Reply.ok(ListPage.of(rows, limit, DeliveryStore.DeliveryRow::json,
            r -> new JsonObject().put("seq", r.seq()))));
  }

  // --- helpers ---------------------------------------------------------------------------------

  private Future<WebhookEndpoint> found(String storeId, String id) {
    return store.endpoint(storeId, id).map(e -> {
      if (e == null) {
        throw DomainException.notFound("webhook endpoint", id);
      }
      return e;
    });
  }

  private void changed(String storeId) {
    vertx.eventBus().publish(WebhookDispatcherVerticle.ENDPOINTS_CHANGED, storeId);
  }

  static Long cursorSeq(String cursor) {
    if (cursor == null) {
      return null;
    }
    Long seq = Cursor.decode(cursor).getLong("seq");
    if (seq == null) {
      throw Cursor.invalid();
    }
    return seq;
  }

  private static String newSecret() {
    return "whsec_" + Ids.random(32);
  }

  /** An absolute http or https URL with a host; anything else is a 400 naming {@code url}. */
  static String url(String raw) {
    if (raw == null || raw.isBlank()) {
      throw DomainException.invalid("parameter_missing", "url is required: the http(s) address to POST events to", "url");
    }
    try {
      URI uri = new URI(raw.trim());
      String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
      if (!uri.isAbsolute() || !(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null) {
        throw DomainException.invalidParam("url", "url must be an absolute http:// or https:// URL with a host, got '"
            + raw + "'");
      }
      if (uri.getRawFragment() != null) {
        throw DomainException.invalidParam("url", "url must not have a #fragment");
      }
      return uri.toString();
    } catch (URISyntaxException e) {
      throw DomainException.invalidParam("url", "url is not a valid URL: " + e.getReason() + " ('" + raw + "')");
    }
  }

  /** Known event types or {@code *}; duplicates removed, order kept. */
  static List<String> events(JsonArray raw) {
    if (raw == null || raw.isEmpty()) {
      throw DomainException.invalid("parameter_missing",
          "events is required: a list of event types, or [\"*\"] for all of them", "events");
    }
    LinkedHashSet<String> out = new LinkedHashSet<>();
    for (int i = 0; i < raw.size(); i++) {
      Object v = raw.getValue(i);
      if (!(v instanceof String type) || !(type.equals(ALL_TYPES) || Notification.TYPES.contains(type))) {
        throw DomainException.invalidParam("events[" + i + "]", "events[" + i + "]: unknown event type '" + v
            + "'; known types are " + Notification.TYPES + ", or \"*\" for all");
      }
      out.add(type);
    }
    return new ArrayList<>(out);
  }
}
