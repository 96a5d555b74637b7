package io.shoal.event;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.shoal.event.platform.Platform;
import io.shoal.event.platform.PlatformPayloadException;
import io.shoal.event.platform.WebhookSignature;
import io.shoal.event.platform.WooCommerceMapper;
import io.shoal.kernel.DomainException;
import io.shoal.http.ApiHandler;
import io.shoal.http.ApiOperation;
import io.shoal.http.ApiRequest;
import io.shoal.http.Reply;
import io.shoal.kernel.Wire;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.openapi.router.RouterBuilder;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Shopify and WooCommerce webhooks, delivered straight to Shoal. A delivery carries no API key:
 * it is authenticated by the platform's HMAC signature with the store's secret for that
 * platform. See docs/platform-webhooks.md for the flow and the mapping.
 */
public final class PlatformWebhookApi {

  private static final Duration SECRET_TTL = Duration.ofSeconds(30);

  private final Pool pool;
  private final EventIngestion ingestion;
  private final EventLog log;
  private final Cache<String, Optional<String>> secrets = Caffeine.newBuilder()
      .maximumSize(100_000).expireAfterWrite(SECRET_TTL).build();

  private final List<PlatformTopicHandler> topicHandlers;

  public PlatformWebhookApi(Pool pool, EventIngestion ingestion, EventLog log) {
    this(pool, ingestion, log, List.of());
  }

  /** With handlers for topics that are not events (the catalog's products). */
  public PlatformWebhookApi(Pool pool, EventIngestion ingestion, EventLog log, List<PlatformTopicHandler> topicHandlers) {
    this.pool = pool;
    this.ingestion = ingestion;
    this.log = log;
    this.topicHandlers = List.copyOf(topicHandlers);
  }

  public void mount(RouterBuilder rb) {
    rb.getRoute(ApiOperation.RECEIVE_PLATFORM_WEBHOOK.operationId()).setDoValidation(false);
    ApiOperation.PUT_WEBHOOK_SECRET.mount(rb, ApiHandler.route(this::putSecret));
    ApiOperation.RECEIVE_PLATFORM_WEBHOOK.mount(rb, ApiHandler.route(this::receive));
  }

  private Future<Reply> putSecret(ApiRequest req) {
    String storeId = req.storeId();
    Platform platform = platform(req.path("platform"));
    String secret = req.body().getString("secret");
    return pool.preparedQuery("INSERT INTO webhook_secrets (store_id, platform, secret) VALUES ($1, $2, $3)"
            + " ON CONFLICT (store_id, platform) DO UPDATE SET secret = EXCLUDED.secret, updated_at = clock_timestamp()"
            + " RETURNING updated_at")
        .execute(Tuple.of(storeId, platform.pathSegment(), secret))
        .map(rows -> {
          secrets.invalidate(storeId + "/" + platform.pathSegment());
          return Reply.ok(new JsonObject()
              .put("object", "webhook_secret")
              .put("platform", platform.pathSegment())
              .put("configured", true)
              .put("endpoint", "/v1/stores/" + storeId + "/webhooks/" + platform.pathSegment())
              .put("updated_at", Wire.time(rows.iterator().next().getOffsetDateTime("updated_at"))));
        });
  }

  private Future<Reply> receive(ApiRequest req) {
    String storeId = req.path("store_id");
    Platform platform = platform(req.path("platform"));
    byte[] body = req.rawBytes();
    if (platform == Platform.WOOCOMMERCE && WooCommerceMapper.isPing(body)) {
      return Future.succeededFuture(Reply.ok(new JsonObject().put("object", "webhook_delivery").put("events", new JsonArray())));
    }
    return secret(storeId, platform).compose(secret -> {
      if (secret.isEmpty() || !WebhookSignature.verify(secret.get(), body, req.header(platform.signatureHeader()))) {
        throw DomainException.unauthorized("the " + platform.signatureHeader() + " signature does not match this store's "
            + platform.pathSegment() + " webhook secret");
      }
      String topic = req.header(platform.topicHeader());
      if (topic == null || topic.isBlank()) {
        throw DomainException.invalid("parameter_missing", "missing the " + platform.topicHeader() + " header",
            platform.topicHeader());
      }
      for (PlatformTopicHandler handler : topicHandlers) {
        if (handler.handles(platform.pathSegment(), topic)) {
          JsonObject payload;
          try {
            payload = new JsonObject(io.vertx.core.buffer.Buffer.buffer(body));
          } catch (RuntimeException e) {
            throw DomainException.invalid(PlatformPayloadException.CODE, topic + ": the body is not a JSON object", "body");
          }
          return handler.handle(storeId, platform.pathSegment(), topic, payload);
        }
      }
      List<JsonObject> mapped;
      try {
        mapped = platform.mapper().mapBody(topic, body, req.header(platform.deliveryIdHeader()));
      } catch (PlatformPayloadException e) {
        throw DomainException.invalid(PlatformPayloadException.CODE, e.getMessage(), e.field());
      }
      return withCustomers(storeId, mapped).compose(events -> ingest(storeId, events));
    }).map(Reply::ok);
  }

  /** Refund deliveries name only the order: attach the customer of that order, or drop the event. */
  private Future<List<JsonObject>> withCustomers(String storeId, List<JsonObject> events) {
    List<Future<JsonObject>> resolved = new ArrayList<>();
    for (JsonObject e : events) {
      if (e.getValue("customer") != null || e.getValue("customer_id") != null) {
        resolved.add(Future.succeededFuture(e));
        continue;
      }
      String orderId = e.getJsonObject("data", new JsonObject()).getString("order_id");
      resolved.add(orderId == null ? Future.succeededFuture(null)
          : log.customerOfOrder(storeId, orderId).map(c -> c == null ? null : e.copy().put("customer_id", c)));
    }
    return Future.all(resolved).map(all -> {
      List<JsonObject> out = new ArrayList<>();
      resolved.forEach(f -> {
        if (f.result() != null) {
          out.add(f.result());
        }
      });
      return out;
    });
  }

  private Future<JsonObject> ingest(String storeId, List<JsonObject> events) {
    Instant now = Instant.now();
    List<Object> parsed = new ArrayList<>();
    for (int i = 0; i < events.size(); i++) {
      try {
        parsed.add(EventParser.parse(events.get(i), now, ""));
      } catch (DomainException e) {
        throw DomainException.invalid(PlatformPayloadException.CODE,
            "the delivery maps to an event Shoal cannot accept: " + e.getMessage(), e.param());
      }
    }
    Future<List<EventIngestion.Outcome>> outcomes = parsed.isEmpty()
        ? Future.succeededFuture(List.of()) : ingestion.ingest(storeId, parsed);
    return outcomes.map(list -> {
      JsonArray results = new JsonArray();
      for (EventIngestion.Outcome o : list) {
        if (o.error() != null && o.error().status() >= 500) {
          throw o.error();
        }
        results.add(o.toJson());
      }
      return new JsonObject().put("object", "webhook_delivery").put("events", results);
    });
  }

  private Future<Optional<String>> secret(String storeId, Platform platform) {
    String key = storeId + "/" + platform.pathSegment();
    Optional<String> cached = secrets.getIfPresent(key);
    if (cached != null) {
      return Future.succeededFuture(cached);
    }
    return pool.preparedQuery("SELECT secret FROM webhook_secrets WHERE store_id = $1 AND platform = $2")
        .execute(Tuple.of(storeId, platform.pathSegment()))
        .map(rows -> {
          Optional<String> secret = rows.size() == 0 ? Optional.empty()
              : Optional.of(rows.iterator().next().getString(0));
          secrets.put(key, secret);
          return secret;
        });
  }

  private static Platform platform(String segment) {
    return Platform.fromPathSegment(segment).orElseThrow(() -> DomainException.notFound("platform", segment));
  }
}
