package io.shoal.engine.support;

import io.shoal.testing.ApiClient;
import io.shoal.testing.ApiResponse;
import io.vertx.core.json.JsonObject;

/**
 * The calls a {@link StoreDriver} makes, whoever carries them: the in-process harness's
 * {@link ApiClient}, or {@link RemoteApi} for a Shoal running as its own process.
 */
public interface Api {

  ApiResponse get(String uri);

  ApiResponse post(String uri, JsonObject body);

  ApiResponse post(String uri, JsonObject body, String idempotencyKey);

  ApiResponse patch(String uri, JsonObject body);

  ApiResponse delete(String uri);

  static Api of(ApiClient client) {
    return new Api() {
      @Override
      public ApiResponse get(String uri) {
        return client.get(uri);
      }

      @Override
      public ApiResponse post(String uri, JsonObject body) {
        return client.post(uri, body);
      }

      @Override
      public ApiResponse post(String uri, JsonObject body, String idempotencyKey) {
        return client.post(uri, body, idempotencyKey);
      }

      @Override
      public ApiResponse patch(String uri, JsonObject body) {
        return client.patch(uri, body);
      }

      @Override
      public ApiResponse delete(String uri) {
        return client.delete(uri);
      }
    };
  }
}
