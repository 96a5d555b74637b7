package io.shoal.tracking;

import io.shoal.customer.AnonymousVisitors;
import io.shoal.event.EventIngestion;
import io.shoal.event.EventParser;
import io.shoal.kernel.DomainException;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What a shopper's browser talks to, outside the secret-key API (public routes, checked here):
 * <pre>
 *   GET  /js/shoal.js, /js/shoal-VERSION.js   the snippet (short cache; the versioned file forever)
 *   GET  /v1/browser/config?key=pk_live_...   the key's consent setting, for the snippet
 *   POST /v1/browser/events?key=pk_live_...   a batch of browser events (text/plain or JSON body,
 *                                             as sendBeacon and fetch keepalive send it)
 *   OPTIONS on both                           CORS preflight, answered per origin
 * </pre>
 * A batch goes: key active? -> Origin allowed? (else 403, no CORS headers: the browser shows the
 * page nothing) -> consent given when the key requires it? -> every event a browser type, valid?
 * (else the whole batch is refused, nothing stored) -> per-key, then per-visitor token bucket
 * (else 429 + Retry-After) -> the visitor's customer (anonymous until identified) -> events into
 * the log in order, an {@code identify} merging or identifying the visitor where it stands.
 */
public final class BrowserApi {

  public static final String SNIPPET_VERSION = "1.0.0";
  static final int MAX_EVENTS = 50;
  static final int BODY_LIMIT = 65_536;
  /** Browser clocks drift and offline batches arrive late: times outside this window become now. */
  static final Duration MAX_PAST = Duration.ofDays(7);
  static final Duration MAX_FUTURE = Duration.ofMinutes(5);

  /** The event types a publishable key may send (and identify). Orders, refunds, profiles stay server-side. */
  static final Set<String> BROWSER_TYPES = Set.of("page.viewed", "product.viewed", "cart.updated",
      "checkout.started", "search");
  private static final Pattern CUSTOM = Pattern.compile("custom\\.[a-z0-9_][a-z0-9_.-]{0,63}");
  private static final Pattern ANONYMOUS_ID = Pattern.compile("[A-Za-z0-9_-]{8,64}");
  private static final Set<String> BATCH_FIELDS = Set.of("key", "anonymous_id", "consent", "events");
  private static final Set<String> EVENT_FIELDS = Set.of("id", "type", "occurred_at", "data");

  private final PublishableKeys keys;
  private final AnonymousVisitors visitors;
  private final VisitorIdentification identification;
  private final EventIngestion ingestion;
  private final RateLimiter limiter = new RateLimiter(500_000);
  private final Buffer snippet;
  private final String snippetEtag;

  public BrowserApi(PublishableKeys keys, AnonymousVisitors visitors, VisitorIdentification identification,
                    EventIngestion ingestion) {
    this.keys = keys;
    this.visitors = visitors;
    this.identification = identification;
    this.ingestion = ingestion;
    byte[] js = readSnippet();
    this.snippet = Buffer.buffer(js);
    this.snippetEtag = "\"" + HexFormat.of().formatHex(sha256(js), 0, 12) + "\"";
  }

  public void mount(Router root) {
    root.get("/js/shoal.js").handler(ctx -> serveSnippet(ctx, "public, max-age=300"));
    root.get("/js/shoal-" + SNIPPET_VERSION + ".js").handler(ctx -> serveSnippet(ctx, "public, max-age=31536000, immutable"));
    root.options("/v1/browser/events").handler(this::preflight);
    root.options("/v1/browser/config").handler(this::preflight);
    root.get("/v1/browser/config").handler(this::config);
    root.post("/v1/browser/events").handler(BodyHandler.create(false).setBodyLimit(BODY_LIMIT)).handler(this::collect);
  }

  // --- the snippet -----------------------------------------------------------------------------

  private void serveSnippet(RoutingContext ctx, String cacheControl) {
    HttpServerResponse res = ctx.response()
        .putHeader(HttpHeaders.CACHE_CONTROL, cacheControl)
        .putHeader(HttpHeaders.ETAG, snippetEtag)
        .putHeader("X-Content-Type-Options", "nosniff")
        .putHeader("X-Shoal-Snippet-Version", SNIPPET_VERSION);
    if (snippetEtag.equals(ctx.request().getHeader(HttpHeaders.IF_NONE_MATCH))) {
      res.setStatusCode(304).end();
      return;
    }
    res.putHeader(HttpHeaders.CONTENT_TYPE, "text/javascript; charset=utf-8").end(snippet);
  }

  private static byte[] readSnippet() {
    try (InputStream in = BrowserApi.class.getClassLoader().getResourceAsStream("tracking/shoal.js")) {
      if (in == null) {
        throw new IllegalStateException("tracking/shoal.js is not on the classpath");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8).replace("__SHOAL_VERSION__", SNIPPET_VERSION)
          .getBytes(StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  // --- CORS ------------------------------------------------------------------------------------

  private void preflight(RoutingContext ctx) {
    String origin = ctx.request().getHeader(HttpHeaders.ORIGIN);
    withKey(ctx, ctx.queryParams().get("key"), origin).onSuccess(key -> {
      if (key == null) {
        return;
      }
      ctx.response().setStatusCode(204)
          .putHeader(HttpHeaders.ACCESS_CONTROL_ALLOW_METHODS, "GET, POST")
          .putHeader(HttpHeaders.ACCESS_CONTROL_ALLOW_HEADERS, "Content-Type")
          .putHeader(HttpHeaders.ACCESS_CONTROL_MAX_AGE, "600")
          .end();
    });
  }

  /**
   * The active key allowing this origin, with the CORS headers for that origin set; or null
   * after answering 401 (unknown key) or 403 (origin not allowed), without CORS headers.
   */
  private Future<PublishableKey> withKey(RoutingContext ctx, String presented, String origin) {
    ctx.response().putHeader(HttpHeaders.VARY, "Origin");
    if (presented == null || !presented.startsWith(PublishableKey.PREFIX) || presented.length() > 100) {
      fail(ctx, new DomainException(401, "authentication_error", "unauthorized",
          "send a publishable key (pk_live_...) as ?key=", "key"));
      return Future.succeededFuture(null);
    }
    return keys.active(presented).map(key -> {
      if (key == null) {
        fail(ctx, new DomainException(401, "authentication_error", "unauthorized",
            "this publishable key is unknown or has been revoked", "key"));
        return null;
      }
      if (!key.allows(origin)) {
        fail(ctx, new DomainException(403, "permission_error", "origin_not_allowed",
            "this key does not allow the origin '" + origin + "'; add it to the key's allowed_origins", null));
        return null;
      }
      ctx.response().putHeader(HttpHeaders.ACCESS_CONTROL_ALLOW_ORIGIN, origin);
      return key;
    }).onFailure(e -> fail(ctx, unavailable()));
  }

  private void config(RoutingContext ctx) {
    String origin = ctx.request().getHeader(HttpHeaders.ORIGIN);
    withKey(ctx, ctx.queryParams().get("key"), origin).onSuccess(key -> {
      if (key != null) {
        ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
            .putHeader(HttpHeaders.CACHE_CONTROL, "private, max-age=60")
            .end(new JsonObject().put("object", "browser_config").put("consent", key.consent())
                .put("max_events", MAX_EVENTS).encode());
      }
    });
  }

  // --- events ----------------------------------------------------------------------------------

  private void collect(RoutingContext ctx) {
    JsonObject body;
    try {
      Buffer raw = ctx.body().buffer();
      body = raw == null || raw.length() == 0 ? null : new JsonObject(raw);
    } catch (DecodeException | ClassCastException e) {
      body = null;
    }
    JsonObject batch = body;
    String presented = ctx.queryParams().get("key") != null ? ctx.queryParams().get("key")
        : batch == null ? null : batch.getValue("key") instanceof String s ? s : null;
    String origin = ctx.request().getHeader(HttpHeaders.ORIGIN);
    withKey(ctx, presented, origin).onSuccess(key -> {
      if (key == null) {
        return;
      }
      try {
        Batch checked = check(key, batch);
        long retryAfter = admit(key, checked, System.nanoTime());
        if (retryAfter > 0) {
          ctx.response().putHeader(HttpHeaders.RETRY_AFTER, Long.toString(retryAfter));
          throw new DomainException(429, "rate_limit_error", "rate_limited",
              "too many events from this key or visitor; retry after " + retryAfter + " s", null);
        }
        record(key.storeId(), checked).onComplete(ar -> {
          if (ar.succeeded()) {
            ctx.response().setStatusCode(202).putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                .end(ar.result().encode());
          } else {
            fail(ctx, ar.cause() instanceof DomainException d ? d : unavailable());
          }
        });
      } catch (DomainException e) {
        fail(ctx, e);
      }
    });
  }

  /** A checked batch: its visitor and events (each parsed, or an identify with its identity). */
  record Batch(String anonymousId, List<Object> events) {}

  record Identify(String clientId, JsonObject identity) {}

  /** Checks the whole batch before anything is stored: one bad event refuses all (the browser's bug to fix). */
  static Batch check(PublishableKey key, JsonObject batch) {
    if (batch == null) {
      throw DomainException.invalid("body_invalid", "send a JSON object {anonymous_id, consent, events: [...]}", null);
    }
    for (String f : batch.fieldNames()) {
      if (!BATCH_FIELDS.contains(f)) {
        throw DomainException.invalid("parameter_unknown", "unknown field '" + f + "'", f);
      }
    }
    if (key.consentRequired() && !Boolean.TRUE.equals(batch.getValue("consent"))) {
      throw new DomainException(403, "permission_error", "consent_required",
          "this store tracks visitors only with their consent; the page has not given it (consent: true)", "consent");
    }
    if (!(batch.getValue("anonymous_id") instanceof String anon) || !ANONYMOUS_ID.matcher(anon).matches()) {
      throw DomainException.invalidParam("anonymous_id", "anonymous_id must be 8 to 64 letters, digits, - or _");
    }
    if (!(batch.getValue("events") instanceof JsonArray events) || events.isEmpty() || events.size() > MAX_EVENTS) {
      throw DomainException.invalidParam("events", "events must be an array of 1 to " + MAX_EVENTS + " events");
    }
    Instant now = Instant.now();
    List<Object> out = new ArrayList<>(events.size());
    for (int i = 0; i < events.size(); i++) {
      String p = "events[" + i + "]";
      if (!(events.getValue(i) instanceof JsonObject e)) {
        throw DomainException.invalidParam(p, "an event must be an object");
      }
      for (String f : e.fieldNames()) {
        if (!EVENT_FIELDS.contains(f)) {
          throw new DomainException(f.equals("customer") || f.equals("customer_id") ? 403 : 400,
              f.equals("customer") || f.equals("customer_id") ? "permission_error" : "invalid_request_error",
              f.equals("customer") || f.equals("customer_id") ? "publishable_key_forbidden" : "parameter_unknown",
              "a browser event has id, type, occurred_at and data only; '" + f + "' is not sent from a browser",
              p + "." + f);
        }
      }
      if (!(e.getValue("id") instanceof String id) || id.isBlank() || id.length() > 64) {
        throw DomainException.invalidParam(p + ".id", "id must be the event's own id (1 to 64 characters), so a"
            + " retried batch is stored once");
      }
      String clientId = "browser:" + anon + ":" + id;
      String type = e.getValue("type") instanceof String t ? t : null;
      if ("identify".equals(type)) {
        JsonObject data = e.getValue("data") instanceof JsonObject d ? d : new JsonObject();
        out.add(new Identify(clientId, AnonymousVisitors.identity(data)));
        continue;
      }
      if (type == null || !(BROWSER_TYPES.contains(type) || CUSTOM.matcher(type).matches())) {
        throw new DomainException(403, "permission_error", "publishable_key_forbidden",
            "a publishable key sends only " + String.join(", ", BROWSER_TYPES.stream().sorted().toList())
                + ", custom.<name> and identify; '" + type + "' is sent from the store's backend with a secret key",
            p + ".type");
      }
      Instant at = now;
      if (e.getValue("occurred_at") instanceof String s) {
        try {
          Instant given = Instant.parse(s);
          if (given.isAfter(now.minus(MAX_PAST)) && given.isBefore(now.plus(MAX_FUTURE))) {
            at = given;
          }
        } catch (java.time.format.DateTimeParseException ignored) {
          // a browser's broken clock: now
        }
      }
      JsonObject envelope = new JsonObject().put("id", clientId).put("type", type)
          .put("customer_id", "visitor").put("occurred_at", at.toString())
          .put("data", e.getValue("data") == null ? new JsonObject() : e.getValue("data"));
      String prefix = p + ".";
      try {
        out.add(EventParser.parse(envelope, now, prefix));
      } catch (DomainException bad) {
        throw bad;
      }
    }
    return new Batch(anon, out);
  }

  /** Takes the batch's events from the key's bucket, then the visitor's; 0 or the seconds to wait. */
  long admit(PublishableKey key, Batch batch, long nowNanos) {
    int cost = batch.events().size();
    String keyBucket = "k|" + key.id();
    long wait = limiter.take(keyBucket, key.ratePerSecond(), 1_000_000_000L, cost, nowNanos);
    if (wait > 0) {
      return wait;
    }
    wait = limiter.take("v|" + key.id() + "|" + batch.anonymousId(), key.visitorRatePerMinute(), 60_000_000_000L,
        cost, nowNanos);
    if (wait > 0) {
      limiter.giveBack(keyBucket, key.ratePerSecond(), cost);
    }
    return wait;
  }

  /** Logs the events in order, the visitor's customer changing where an identify merges or identifies it. */
  private Future<JsonObject> record(String storeId, Batch batch) {
    int[] counts = new int[2]; // accepted, duplicates
    String[] visitor = new String[1];
    return visitors.customerOf(storeId, batch.anonymousId())
        .compose(customerId -> {
          visitor[0] = customerId;
          return recordFrom(storeId, batch, 0, customerId, counts);
        })
        .recover(e -> {
          if (e instanceof DomainException d && d.status() == 404 && visitor[0] != null) {
            // the visitor's customer was deleted or erased meanwhile: forget it; the retry starts a new visitor
            visitors.forget(storeId, visitor[0]);
            return Future.failedFuture(unavailable());
          }
          return Future.failedFuture(e);
        })
        .map(v -> new JsonObject().put("object", "browser_batch").put("accepted", counts[0])
            .put("duplicates", counts[1]));
  }

  private Future<Void> recordFrom(String storeId, Batch batch, int from, String customerId, int[] counts) {
    List<Object> run = new ArrayList<>();
    int i = from;
    while (i < batch.events().size() && batch.events().get(i) instanceof EventParser.Parsed p) {
      run.add(new EventParser.Parsed(p.clientId(), p.type(), customerId, null, p.occurredAt(), p.data()));
      i++;
    }
    int next = i;
    Future<Void> logged = run.isEmpty() ? Future.succeededFuture() : ingestion.ingest(storeId, run).compose(outcomes -> {
      for (EventIngestion.Outcome o : outcomes) {
        if (o.error() != null) {
          return Future.failedFuture(o.error());
        }
        counts[o.duplicate() ? 1 : 0]++;
      }
      return Future.succeededFuture();
    });
    return logged.compose(v -> {
      if (next >= batch.events().size()) {
        return Future.succeededFuture();
      }
      Identify id = (Identify) batch.events().get(next);
      return identification.identify(storeId, batch.anonymousId(), id.identity()).compose(outcome -> {
        JsonObject data = new JsonObject().put("source", "storefront").put("anonymous_id", batch.anonymousId())
            .put("identification", outcome.action());
        if (outcome.mergedFrom() != null) {
          data.put("merged_from", outcome.mergedFrom());
        }
        // the identify itself, in the person's history (and the evaluator re-reads the profile)
        return ingestion.ingest(storeId, List.of(new EventParser.Parsed(id.clientId(), "customer.updated",
                outcome.customerId(), null, Instant.now(), data)))
            .compose(outcomes -> {
              EventIngestion.Outcome o = outcomes.get(0);
              if (o.error() != null) {
                return Future.failedFuture(o.error());
              }
              counts[o.duplicate() ? 1 : 0]++;
              return recordFrom(storeId, batch, next + 1, outcome.customerId(), counts);
            });
      });
    });
  }

  // --- answers ---------------------------------------------------------------------------------

  private static DomainException unavailable() {
    return new DomainException(503, "api_error", "unavailable", "the events could not be stored; retry them", null);
  }

  private static void fail(RoutingContext ctx, DomainException e) {
    if (ctx.response().ended()) {
      return;
    }
    HttpServerResponse res = ctx.response().setStatusCode(e.status()).putHeader(HttpHeaders.CONTENT_TYPE, "application/json");
    if (e.status() == 503) {
      res.putHeader(HttpHeaders.RETRY_AFTER, "5");
    }
    res.end(new JsonObject().put("error", e.toJson()).encode());
  }

  private static byte[] sha256(byte[] b) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(b);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
