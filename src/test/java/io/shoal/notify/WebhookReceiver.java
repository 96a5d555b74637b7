package io.shoal.notify;

import io.shoal.testing.ApiClient;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.IntFunction;

/**
 * A store's webhook receiver, for tests: a real HTTP server on a free loopback port that
 * records every delivery it gets (body, headers, time) and answers as the test says — a status
 * code, or {@link #HANG} for no answer at all. It processes on receipt, as real receivers do,
 * so a delivery whose answer was lost shows up twice and must be deduplicated by event id.
 */
final class WebhookReceiver implements AutoCloseable {

  /** Answer nothing; the sender's timeout fires. */
  static final int HANG = -1;

  record Delivery(JsonObject event, String signature, String attempt, long receivedAtMs, byte[] body) {
    String id() {
      return event.getString("id");
    }
  }

  private final HttpServer server;
  private final List<Delivery> received = new CopyOnWriteArrayList<>();
  private final AtomicInteger requests = new AtomicInteger();
  private volatile IntFunction<Integer> answer;
  /** When set, answers by what was received instead of by the request's number. */
  private volatile java.util.function.Function<Delivery, Integer> answerByDelivery;
  private volatile long delayMs;

  private WebhookReceiver(Vertx vertx, IntFunction<Integer> answer) {
    this.answer = answer;
    this.server = vertx.createHttpServer().requestHandler(this::handle);
  }

  /** {@code answer} maps the 1-based number of the request to the status to answer (or HANG). */
  static WebhookReceiver start(Vertx vertx, IntFunction<Integer> answer) {
    WebhookReceiver r = new WebhookReceiver(vertx, answer);
    ApiClient.await(r.server.listen(0, "127.0.0.1"));
    return r;
  }

  static WebhookReceiver answering(Vertx vertx, int status) {
    return start(vertx, n -> status);
  }

  String url() {
    return "http://127.0.0.1:" + server.actualPort() + "/hooks/shoal";
  }

  void answer(IntFunction<Integer> next) {
    this.answer = next;
  }

  void answerEach(java.util.function.Function<Delivery, Integer> next) {
    this.answerByDelivery = next;
  }

  void delay(long ms) {
    this.delayMs = ms;
  }

  private void handle(HttpServerRequest req) {
    req.body().onSuccess(body -> {
      int n = requests.incrementAndGet();
      // a batch (a JSON array) is recorded as its events, each with the request's body and signature
      Object parsed = io.vertx.core.json.Json.decodeValue(body);
      List<JsonObject> events = new ArrayList<>();
      if (parsed instanceof io.vertx.core.json.JsonArray array) {
        array.forEach(e -> events.add((JsonObject) e));
      } else {
        events.add((JsonObject) parsed);
      }
      long at = System.currentTimeMillis();
      Delivery d = null;
      for (JsonObject event : events) {
        d = new Delivery(event, req.getHeader("Shoal-Signature"), req.getHeader("Shoal-Delivery-Attempt"), at,
            body.getBytes());
        received.add(d);
      }
      java.util.function.Function<Delivery, Integer> byDelivery = answerByDelivery;
      int status = byDelivery != null ? byDelivery.apply(d) : answer.apply(n);
      if (status == HANG) {
        return;
      }
      if (delayMs > 0) {
        req.response().exceptionHandler(e -> { });
        Vertx.currentContext().owner().setTimer(delayMs, id -> req.response().setStatusCode(status).end());
      } else {
        req.response().setStatusCode(status).end(Buffer.buffer("ok"));
      }
    });
  }

  /** Every request received, in order of arrival. */
  List<Delivery> all() {
    return new ArrayList<>(received);
  }

  int requestCount() {
    return requests.get();
  }

  /** The first receipt of each event id, in order of arrival: what a deduplicating receiver keeps. */
  Map<String, Delivery> deduplicated() {
    Map<String, Delivery> out = new LinkedHashMap<>();
    for (Delivery d : received) {
      out.putIfAbsent(d.id(), d);
    }
    return out;
  }

  /** How many times each event id was received. */
  Map<String, Integer> receipts() {
    Map<String, Integer> out = new java.util.HashMap<>();
    received.forEach(d -> out.merge(d.id(), 1, Integer::sum));
    return out;
  }

  /** The event ids one customer's deliveries were received in ({@code data.customer_id}), first receipt each. */
  List<String> orderOf(String customer) {
    return deduplicated().values().stream()
        .filter(d -> customer.equals(d.event().getJsonObject("data").getString("customer_id")))
        .map(Delivery::id).toList();
  }

  @Override
  public void close() {
    ApiClient.await(server.close());
  }

  /** Polls {@code condition} every 20 ms until it holds or {@code seconds} pass. */
  static boolean eventually(double seconds, BooleanSupplier condition) {
    long deadline = System.nanoTime() + (long) (seconds * 1e9);
    while (System.nanoTime() < deadline) {
      if (condition.getAsBoolean()) {
        return true;
      }
      try {
        TimeUnit.MILLISECONDS.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
    return condition.getAsBoolean();
  }
}
