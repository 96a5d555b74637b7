package io.shoal.privacy;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shoal.engine.support.Poll;
import io.shoal.testing.ApiClient;
import io.shoal.testing.TestStore;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;

/** What the data-protection tests share: polling, a webhook receiver, submitting and awaiting requests. */
final class PrivacyTesting {

  private PrivacyTesting() {}

  /** Polls until {@code condition} holds; fails the test (showing what was awaited) after {@code seconds}. */
  static boolean eventually(double seconds, BooleanSupplier condition) {
    Poll.until("the awaited condition", Duration.ofMillis((long) (seconds * 1000)), condition::getAsBoolean, ok -> ok);
    return true;
  }

  /** Submits a request and waits until it is completed; answers it. */
  static JsonObject submitAndAwait(TestStore store, String customerId, JsonObject body) {
    JsonObject request = store.api().post(store.customer(customerId) + "/removal-request", body).expect(202);
    String url = store.path("/removal-requests/" + request.getString("id"));
    JsonObject[] last = new JsonObject[1];
    assertTrue(eventually(30, () -> {
      last[0] = store.api().get(url).expect(200);
      return "completed".equals(last[0].getString("status"));
    }), () -> "request not completed: " + last[0]);
    return last[0];
  }

  /** A store's webhook receiver on a loopback port: answers 200 and keeps every event. */
  static final class Receiver implements AutoCloseable {
    private final HttpServer server;
    final List<JsonObject> events = new CopyOnWriteArrayList<>();

    Receiver(Vertx vertx) {
      server = vertx.createHttpServer().requestHandler(req -> req.body().onSuccess(b -> {
        events.add(new JsonObject(b));
        req.response().setStatusCode(200).end("ok");
      }));
      ApiClient.await(server.listen(0, "127.0.0.1"));
    }

    String url() {
      return "http://127.0.0.1:" + server.actualPort() + "/hooks";
    }

    List<JsonObject> ofType(String type) {
      List<JsonObject> out = new ArrayList<>();
      events.forEach(e -> {
        if (type.equals(e.getString("type"))) {
          out.add(e);
        }
      });
      return out;
    }

    void subscribeAll(TestStore store) {
      store.api().post(store.path("/webhook-endpoints"),
          new JsonObject().put("url", url()).put("events", new JsonArray().add("*"))).expect(201);
    }

    @Override
    public void close() {
      ApiClient.await(server.close());
    }
  }
}
