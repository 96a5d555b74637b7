package io.shoal.tracking;

import io.shoal.http.ApiHandler;
import io.shoal.http.ApiOperation;
import io.shoal.http.ApiRequest;
import io.shoal.http.Reply;
import io.shoal.kernel.Cursor;
import io.shoal.kernel.DomainException;
import io.shoal.kernel.ListPage;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.openapi.router.RouterBuilder;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;

/** {@code /v1/stores/{store_id}/publishable-keys}: create, list and revoke a store's browser keys (secret key or admin). */
public final class PublishableKeyApi {

  static final int DEFAULT_RATE_PER_SECOND = 50;
  static final int DEFAULT_VISITOR_PER_MINUTE = 120;

  private final PublishableKeys keys;

  public PublishableKeyApi(PublishableKeys keys) {
    this.keys = keys;
  }

  public void mount(RouterBuilder rb) {
    ApiOperation.CREATE_PUBLISHABLE_KEY.mount(rb, ApiHandler.route(this::create));
    ApiOperation.LIST_PUBLISHABLE_KEYS.mount(rb, ApiHandler.route(this::list));
    ApiOperation.REVOKE_PUBLISHABLE_KEY.mount(rb, ApiHandler.route(this::revoke));
  }

  private Future<Reply> create(ApiRequest req) {
    String storeId = req.storeId();
    JsonObject body = req.body();
    JsonArray given = body.getJsonArray("allowed_origins");
    LinkedHashSet<String> origins = new LinkedHashSet<>();
    for (int i = 0; i < given.size(); i++) {
      String o = PublishableKey.normalizeOrigin(given.getValue(i) instanceof String s ? s : null);
      if (o == null) {
        throw DomainException.invalidParam("allowed_origins[" + i + "]", "an origin is scheme://host[:port]"
            + " (http or https, no path), or https://*.example.com for any subdomain; got '" + given.getValue(i) + "'");
      }
      origins.add(o);
    }
    return keys.create(storeId, body.getString("name"), new ArrayList<>(origins),
            body.getInteger("rate_limit_per_second", DEFAULT_RATE_PER_SECOND),
            body.getInteger("visitor_rate_limit_per_minute", DEFAULT_VISITOR_PER_MINUTE),
            body.getString("consent", "required"))
        .map(k -> Reply.created(k.toJson()));
  }

  private Future<Reply> list(ApiRequest req) {
    int limit = req.queryInt("limit", 25);
    String cursor = req.query("cursor");
    Cursor.TimeAndId after = Cursor.TimeAndId.decode(cursor);
    return keys.list(req.storeId(), after.time(), after.id(), limit + 1)
        .map(rows -> Reply.ok(ListPage.of(rows, limit, PublishableKey::toJson,
            k -> Cursor.TimeAndId.of(k.createdAt(), k.id()))));
  }

  private Future<Reply> revoke(ApiRequest req) {
    String keyId = req.path("key_id");
    return keys.revoke(req.storeId(), keyId).map(k -> {
      if (k == null) {
        throw DomainException.notFound("publishable_key", keyId);
      }
      return Reply.ok(k.toJson());
    });
  }

  static List<String> asList(JsonArray a) {
    List<String> out = new ArrayList<>();
    a.forEach(v -> out.add(String.valueOf(v)));
    return out;
  }
}
