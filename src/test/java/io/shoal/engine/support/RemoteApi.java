package io.shoal.engine.support;

import io.shoal.testing.ApiClient;
import io.shoal.testing.ApiResponse;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;

/**
 * HTTP calls to a Shoal on some local port with one bearer key: for a {@link ShoalProcess},
 * which the in-process harness does not reach. {@link #send} answers a future, for tests that
 * keep many requests in flight.
 */
public final class RemoteApi implements Api, AutoCloseable {

  private final WebClient web;
  private final String bearer;
  private final boolean owner;

  private RemoteApi(WebClient web, String bearer, boolean owner) {
    this.web = web;
    this.bearer = bearer;
    this.owner = owner;
  }

  public static RemoteApi connect(Vertx vertx, int port, String bearer, int connections) {
    WebClient web = WebClient.create(vertx, new WebClientOptions()
        .setDefaultHost("127.0.0.1")
        .setDefaultPort(port)
        .setConnectTimeout(5_000)
        .setIdleTimeout(30)
        .setUserAgent("shoal-engine-tests"), new PoolOptions().setHttp1MaxSize(connections));
    return new RemoteApi(web, bearer, true);
  }

  /** The same server with another key; closing it leaves the connections to this one. */
  public RemoteApi withKey(String key) {
    return new RemoteApi(web, key, false);
  }

  public Future<ApiResponse> send(HttpMethod method, String uri, JsonObject body, String idempotencyKey) {
    HttpRequest<Buffer> request = web.request(method, uri).timeout(20_000);
    if (bearer != null) {
      request.putHeader("Authorization", "Bearer " + bearer);
    }
    if (idempotencyKey != null) {
      request.putHeader("Idempotency-Key", idempotencyKey);
    }
    String described = method + " " + uri;
    Future<io.vertx.ext.web.client.HttpResponse<Buffer>> sent = body == null ? request.send()
        : request.putHeader("Content-Type", "application/json").sendBuffer(body.toBuffer());
    return sent.map(r -> new ApiResponse(described, r.statusCode(), r.headers(), r.body()));
  }

  @Override
  public ApiResponse get(String uri) {
    return ApiClient.await(send(HttpMethod.GET, uri, null, null));
  }

  @Override
  public ApiResponse post(String uri, JsonObject body) {
    return ApiClient.await(send(HttpMethod.POST, uri, body, null));
  }

  @Override
  public ApiResponse post(String uri, JsonObject body, String idempotencyKey) {
    return ApiClient.await(send(HttpMethod.POST, uri, body, idempotencyKey));
  }

  @Override
  public ApiResponse patch(String uri, JsonObject body) {
    return ApiClient.await(send(HttpMethod.PATCH, uri, body, null));
  }

  @Override
  public ApiResponse delete(String uri) {
    return ApiClient.await(send(HttpMethod.DELETE, uri, null, null));
  }

  @Override
  public void close() {
    if (owner) {
      web.close();
    }
  }
}
