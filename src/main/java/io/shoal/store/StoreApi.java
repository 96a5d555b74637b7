package io.shoal.store;

import io.shoal.kernel.DomainException;
import io.shoal.http.ApiHandler;
import io.shoal.http.ApiOperation;
import io.shoal.http.ApiRequest;
import io.shoal.kernel.Cursor;
import io.shoal.kernel.Ids;
import io.shoal.kernel.ListPage;
import io.shoal.http.Reply;
import io.shoal.kernel.Wire;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.openapi.router.RouterBuilder;
import java.time.OffsetDateTime;

/** Stores (tenants) and their API keys. Creating and listing stores needs the admin key. */
public final class StoreApi {

  private final StoreRepository repository;
  private final StoreKeys keys;

  public StoreApi(StoreRepository repository, StoreKeys keys) {
    this.repository = repository;
    this.keys = keys;
  }

  public void mount(RouterBuilder rb) {
    ApiOperation.CREATE_STORE.mount(rb, ApiHandler.route(this::createStore));
    ApiOperation.LIST_STORES.mount(rb, ApiHandler.route(this::listStores));
    ApiOperation.GET_STORE.mount(rb, ApiHandler.route(this::getStore));
    ApiOperation.CREATE_API_KEY.mount(rb, ApiHandler.route(this::createKey));
    ApiOperation.LIST_API_KEYS.mount(rb, ApiHandler.route(this::listKeys));
    ApiOperation.REVOKE_API_KEY.mount(rb, ApiHandler.route(this::revokeKey));
  }

  private Future<Reply> createStore(ApiRequest req) {
    req.requireAdmin();
    String name = req.body().getString("name").trim();
    if (name.isEmpty()) {
      throw DomainException.invalidParam("name", "name must not be blank");
    }
    String key = ApiKeys.generate("live");
    return repository.createStore(Ids.newId("store"), name, Ids.newId("key"), key, "live")
        .map(store -> Reply.created(render(store).put("api_key", key)));
  }

  private Future<Reply> listStores(ApiRequest req) {
    req.requireAdmin();
    int limit = req.queryInt("limit", 25);
    JsonObject after = after(req);
    return repository.listStores(afterTime(after), after == null ? null : after.getString("id"), limit + 1)
        .map(rows -> Reply.ok(ListPage.of(rows, limit, StoreApi::render,
            s -> position(s.createdAt(), s.id()))));
  }

  private Future<Reply> getStore(ApiRequest req) {
    String storeId = req.storeId();
    return repository.findStore(storeId).map(store -> {
      if (store == null) {
        throw DomainException.notFound("store", storeId);
      }
      return Reply.ok(render(store));
    });
  }

  private Future<Reply> createKey(ApiRequest req) {
    String storeId = req.storeId();
    JsonObject body = req.body();
    String mode = body.getString("mode", "live");
    String key = ApiKeys.generate(mode);
    return repository.findStore(storeId).compose(store -> {
      if (store == null) {
        throw DomainException.notFound("store", storeId);
      }
      return repository.createKey(Ids.newId("key"), storeId, key, mode, body.getString("name"));
    }).map(created -> Reply.created(render(created).put("key", key)));
  }

  private Future<Reply> listKeys(ApiRequest req) {
    String storeId = req.storeId();
    int limit = req.queryInt("limit", 25);
    JsonObject after = after(req);
    return repository.listKeys(storeId, afterTime(after), after == null ? null : after.getString("id"), limit + 1)
        .map(rows -> Reply.ok(ListPage.of(rows, limit, StoreApi::render, k -> position(k.createdAt(), k.id()))));
  }

  private Future<Reply> revokeKey(ApiRequest req) {
    String storeId = req.storeId();
    String keyId = req.path("key_id");
    return repository.revokeKey(storeId, keyId).map(key -> {
      if (key == null) {
        throw DomainException.notFound("api_key", keyId);
      }
      keys.forget(keyId);
      return Reply.ok(render(key));
    });
  }

  private static JsonObject after(ApiRequest req) {
    String cursor = req.query("cursor");
    if (cursor == null) {
      return null;
    }
    JsonObject pos = Cursor.decode(cursor);
    if (pos.getString("t") == null || pos.getString("id") == null) {
      throw Cursor.invalid();
    }
    return pos;
  }

  private static OffsetDateTime afterTime(JsonObject after) {
    if (after == null) {
      return null;
    }
    try {
      return OffsetDateTime.parse(after.getString("t"));
    } catch (RuntimeException e) {
      throw Cursor.invalid();
    }
  }

  private static JsonObject position(OffsetDateTime t, String id) {
    return new JsonObject().put("t", t.toString()).put("id", id);
  }

  static JsonObject render(StoreRepository.Store s) {
    return new JsonObject()
        .put("object", "store")
        .put("id", s.id())
        .put("name", s.name())
        .put("created_at", Wire.time(s.createdAt()));
  }

  static JsonObject render(StoreRepository.Key k) {
    return new JsonObject()
        .put("object", "api_key")
        .put("id", k.id())
        .put("store_id", k.storeId())
        .put("prefix", k.prefix())
        .put("mode", k.mode())
        .put("name", k.name())
        .put("created_at", Wire.time(k.createdAt()))
        .put("revoked_at", Wire.time(k.revokedAt()));
  }
}
