package io.shoal.delivery;

import io.shoal.testing.ApiClient;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;

/**
 * A real loopback HTTP server speaking the providers' formats: Twilio's Messages API (form
 * POST, answers a {@code sid}), a JSON push provider and Lob's letters (both answer an id and,
 * like Lob, treat a repeated {@code Idempotency-Key} as the same request). {@code failures}
 * decides, by the request's number (1-based), an error to answer instead: 429 with
 * Retry-After, 503, {@link #HANG} (take the request, never answer: the provider may have acted
 * on it), or 0 for none.
 */
final class ProviderStub implements AutoCloseable {

  record Request(int number, String method, String path, MultiMap headers, String body, int status) {
    JsonObject json() {
      return new JsonObject(body);
    }

    MultiMap form() {
      MultiMap form = MultiMap.caseInsensitiveMultiMap();
      for (String pair : body.split("&")) {
        String[] kv = pair.split("=", 2);
        form.add(java.net.URLDecoder.decode(kv[0], java.nio.charset.StandardCharsets.UTF_8),
            kv.length < 2 ? "" : java.net.URLDecoder.decode(kv[1], java.nio.charset.StandardCharsets.UTF_8));
      }
      return form;
    }
  }

  static final int HANG = -1;

  private final HttpServer server;
  private final List<Request> requests = new ArrayList<>();
  /** Idempotency-Key -> the id first answered: a repeat is the same letter / push, not a new one. */
  private final Map<String, String> byKey = new ConcurrentHashMap<>();
  private final AtomicInteger count = new AtomicInteger();
  private volatile IntFunction<Integer> failures = n -> 0;

  private ProviderStub(Vertx vertx) {
    server = vertx.createHttpServer().requestHandler(req -> req.body().onSuccess(body -> {
      int n = count.incrementAndGet();
      int fail = failures.apply(n);
      if (fail == HANG) {
        String key = req.getHeader("Idempotency-Key");
        if (key != null) {
          byKey.computeIfAbsent(key, k -> "push_" + n);
        }
        record(new Request(n, req.method().name(), req.path(), req.headers(), body.toString(), 0));
        return;
      }
      if (fail != 0) {
        record(new Request(n, req.method().name(), req.path(), req.headers(), body.toString(), fail));
        var resp = req.response().setStatusCode(fail);
        if (fail == 429) {
          resp.putHeader("Retry-After", "1");
        }
        resp.end("{\"message\":\"try later\"}");
        return;
      }
      String key = req.getHeader("Idempotency-Key");
      String id;
      if (req.path().endsWith("/Messages.json")) {
        id = "SM" + n;
      } else if (req.path().equals("/v1/letters")) {
        id = key != null ? byKey.computeIfAbsent(key, k -> "ltr_" + n) : "ltr_" + n;
      } else {
        id = key != null ? byKey.computeIfAbsent(key, k -> "push_" + n) : "push_" + n;
      }
      record(new Request(n, req.method().name(), req.path(), req.headers(), body.toString(), 201));
      req.response().setStatusCode(201).putHeader("Content-Type", "application/json")
          .end(new JsonObject().put("id", id).put("sid", id).encode());
    }));
  }

  static ProviderStub start(Vertx vertx) {
    ProviderStub stub = new ProviderStub(vertx);
    ApiClient.await(stub.server.listen(0, "127.0.0.1"));
    return stub;
  }

  String url() {
    return "http://127.0.0.1:" + server.actualPort();
  }

  void failing(IntFunction<Integer> failures) {
    this.failures = failures;
  }

  private synchronized void record(Request r) {
    requests.add(r);
  }

  synchronized List<Request> all() {
    return new ArrayList<>(requests);
  }

  /** Requests to this path that the provider accepted (2xx). */
  synchronized List<Request> accepted(String path) {
    return requests.stream().filter(r -> r.path().equals(path) && r.status() >= 200 && r.status() < 300).toList();
  }

  /** Idempotency-Key -> what the provider created for it (once per key, however often it is sent). */
  Map<String, String> created() {
    return Map.copyOf(byKey);
  }

  int requestCount() {
    return count.get();
  }

  synchronized void clear() {
    requests.clear();
  }

  @Override
  public void close() {
    ApiClient.await(server.close());
  }
}
