package io.shoal.tracking;

import io.shoal.testing.ApiClient;
import io.shoal.testing.ApiResponse;
import io.shoal.testing.TestServer;
import io.shoal.testing.TestStore;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.UUID;

/** A browser as the tracking endpoint sees it, without a browser: a key, an origin, an anonymous id. */
final class Storefront {

  final TestServer server;
  final String key;
  final String origin;
  final String anonymousId;
  boolean consent = true;

  Storefront(TestServer server, String key, String origin, String anonymousId) {
    this.server = server;
    this.key = key;
    this.origin = origin;
    this.anonymousId = anonymousId;
  }

  static String newVisitor() {
    return UUID.randomUUID().toString().replace("-", "");
  }

  /** Creates a publishable key for these origins through the API; answers the key object. */
  static JsonObject createKey(TestStore store, JsonObject body) {
    return store.api().post(store.path("/publishable-keys"), body).expect(201);
  }

  static JsonObject event(String type, JsonObject data) {
    return new JsonObject().put("id", UUID.randomUUID().toString()).put("type", type).put("data", data);
  }

  ApiResponse send(JsonObject... events) {
    JsonArray a = new JsonArray();
    for (JsonObject e : events) {
      a.add(e);
    }
    return sendBody(new JsonObject().put("anonymous_id", anonymousId).put("consent", consent).put("events", a));
  }

  /** As sendBeacon and fetch keepalive send it: text/plain, with the Origin header of the page. */
  ApiResponse sendBody(JsonObject body) {
    MultiMap headers = MultiMap.caseInsensitiveMultiMap();
    if (origin != null) {
      headers.add("Origin", origin);
    }
    return ApiClient.await(server.anonymous().send(HttpMethod.POST, "/v1/browser/events?key=" + key, headers,
        "text/plain;charset=UTF-8", Buffer.buffer(body.encode())));
  }

  ApiResponse preflight(String path) {
    MultiMap headers = MultiMap.caseInsensitiveMultiMap();
    headers.add("Origin", origin);
    headers.add("Access-Control-Request-Method", "POST");
    headers.add("Access-Control-Request-Headers", "content-type");
    return ApiClient.await(server.anonymous().send(HttpMethod.OPTIONS, path + "?key=" + key, headers, null, null));
  }
}
