package io.shoal.testing;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.WebClient;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Calls the API of one test server as one caller: a bearer key, or none. {@link #send} answers
 * a future for tests that run requests concurrently; the short methods ({@link #get},
 * {@link #post}, ...) wait for the answer, which reads best in sequential scenarios.
 */
public final class ApiClient {

  /** How long a single request may take before the test fails. */
  public static final long REQUEST_TIMEOUT_SECONDS = 20;

  private final WebClient web;
  private final String bearer;

  ApiClient(WebClient web, String bearer) {
    this.web = web;
    this.bearer = bearer;
  }

  /** The same server, another key. */
  public ApiClient withKey(String key) {
    return new ApiClient(web, key);
  }

  public Future<ApiResponse> send(HttpMethod method, String uri, MultiMap headers, String contentType, Buffer body) {
    HttpRequest<Buffer> request = web.request(method, uri);
    if (bearer != null) {
      request.putHeader("Authorization", "Bearer " + bearer);
    }
    if (headers != null) {
      request.putHeaders(headers);
    }
    if (contentType != null) {
      request.putHeader("Content-Type", contentType);
    }
    String described = method + " " + uri;
    Future<io.vertx.ext.web.client.HttpResponse<Buffer>> sent = body == null ? request.send() : request.sendBuffer(body);
    return sent.map(r -> new ApiResponse(described, r.statusCode(), r.headers(), r.body()));
  }

  public Future<ApiResponse> sendJson(HttpMethod method, String uri, JsonObject body, String idempotencyKey) {
    MultiMap headers = MultiMap.caseInsensitiveMultiMap();
    if (idempotencyKey != null) {
      headers.add("Idempotency-Key", idempotencyKey);
    }
    return send(method, uri, headers, body == null ? null : "application/json",
        body == null ? null : body.toBuffer());
  }

  public ApiResponse get(String uri) {
    return await(send(HttpMethod.GET, uri, null, null, null));
  }

  public ApiResponse post(String uri, JsonObject body) {
    return await(sendJson(HttpMethod.POST, uri, body, null));
  }

  public ApiResponse post(String uri, JsonObject body, String idempotencyKey) {
    return await(sendJson(HttpMethod.POST, uri, body, idempotencyKey));
  }

  public ApiResponse patch(String uri, JsonObject body) {
    return await(sendJson(HttpMethod.PATCH, uri, body, null));
  }

  public ApiResponse put(String uri, JsonObject body) {
    return await(sendJson(HttpMethod.PUT, uri, body, null));
  }

  /** A request with extra headers (Accept-Language, X-Total-Count...), JSON body or none. */
  public ApiResponse withHeaders(HttpMethod method, String uri, MultiMap headers, JsonObject body) {
    return await(send(method, uri, headers, body == null ? null : "application/json",
        body == null ? null : body.toBuffer()));
  }

  public ApiResponse delete(String uri) {
    return await(send(HttpMethod.DELETE, uri, null, null, null));
  }

  /** A request with a body sent exactly as given, for malformed and oversize bodies. */
  public ApiResponse raw(HttpMethod method, String uri, String contentType, String body) {
    return await(send(method, uri, null, contentType, body == null ? null : Buffer.buffer(body)));
  }

  /** {@code ?name=value&...} with names and values URL-encoded; pairs alternate name, value. */
  public static String query(String... namesAndValues) {
    if (namesAndValues.length % 2 != 0) {
      throw new IllegalArgumentException("names and values must alternate");
    }
    StringBuilder q = new StringBuilder();
    for (int i = 0; i < namesAndValues.length; i += 2) {
      q.append(i == 0 ? '?' : '&').append(encode(namesAndValues[i])).append('=').append(encode(namesAndValues[i + 1]));
    }
    return q.toString();
  }

  public static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  /** Waits for a future from a test thread (never an event loop), failing the test on timeout. */
  public static <T> T await(Future<T> future) {
    return await(future, REQUEST_TIMEOUT_SECONDS);
  }

  /** The same with another timeout: a server start on a loaded machine may take longer than a request. */
  public static <T> T await(Future<T> future, long timeoutSeconds) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(timeoutSeconds, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw new AssertionError("request failed: " + e.getCause(), e.getCause());
    } catch (TimeoutException e) {
      throw new AssertionError("no answer within " + timeoutSeconds + " s", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }
}
