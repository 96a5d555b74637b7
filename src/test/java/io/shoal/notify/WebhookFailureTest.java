package io.shoal.notify;

import static io.shoal.notify.WebhookReceiver.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shoal.config.WebhookConfig;
import io.shoal.testing.TestServer;
import io.shoal.testing.TestStore;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What happens to endpoints that do not come back: 410 Gone disables one at once; one failing
 * for the whole retry horizon (shortened here to 1.5 s) is marked failing with its events kept;
 * redelivery sends them again.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class WebhookFailureTest {

  private static TestServer server;

  @BeforeAll
  static void start() {
    server = TestServer.start(Map.of(
        WebhookConfig.TIMEOUT_MS, "500",
        WebhookConfig.RETRY_BASE_MS, "50",
        WebhookConfig.RETRY_MAX_MS, "200",
        WebhookConfig.RETRY_HORIZON_MS, "1500",
        WebhookConfig.POLL_INTERVAL_MS, "100"));
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static String subscribe(TestStore store, String url) {
    return store.api().post(store.path("/webhook-endpoints"),
        new JsonObject().put("url", url).put("events", new JsonArray().add("customer.created"))).expect(201)
        .getString("id");
  }

  private static JsonObject endpoint(TestStore store, String id) {
    return store.api().get(store.path("/webhook-endpoints/" + id)).expect(200);
  }

  private static List<JsonObject> deliveries(TestStore store, String endpointId) {
    return store.api().get(store.path("/webhook-endpoints/" + endpointId + "/deliveries?limit=100")).page();
  }

  @Test
  void goneDisablesTheEndpointAtOnceAndKeepsItsEvents() {
    TestStore store = server.createStore("Gone");
    try (WebhookReceiver gone = WebhookReceiver.answering(server.clientVertx(), 410)) {
      String id = subscribe(store, gone.url());
      store.createCustomer(new JsonObject().put("email", "first@gone.example"));
      assertTrue(eventually(10, () -> "disabled".equals(endpoint(store, id).getString("status"))),
          () -> endpoint(store, id).encode());
      assertEquals(false, endpoint(store, id).getBoolean("enabled"));
      store.createCustomer(new JsonObject().put("email", "second@gone.example"));
      sleep(600);
      assertEquals(1, gone.requestCount(), "nothing more is sent to an endpoint that said 410");
      JsonObject delivery = deliveries(store, id).get(0);
      assertEquals(410, delivery.getInteger("last_status_code"));

      assertEquals(1, deliveries(store, id).size(), "a disabled endpoint is not subscribed to new events");

      // enabling it again sends what was kept
      gone.answer(n -> 200);
      store.api().patch(store.path("/webhook-endpoints/" + id), new JsonObject().put("enabled", true)).expect(200);
      assertTrue(eventually(10, () -> gone.requestCount() == 2 && deliveries(store, id).stream()
          .allMatch(d -> d.getString("status").equals("succeeded"))), () -> deliveries(store, id).toString());
      assertEquals(1, gone.deduplicated().size());
      assertEquals("active", endpoint(store, id).getString("status"));
    }
  }

  @Test
  void afterTheRetryHorizonTheEndpointIsFailingItsEventsAreKeptAndRedeliverySendsThem() {
    TestStore store = server.createStore("Down");
    try (WebhookReceiver down = WebhookReceiver.answering(server.clientVertx(), 500)) {
      String id = subscribe(store, down.url());
      String customer = store.createCustomer(new JsonObject().put("email", "a@down.example")).getString("id");
      store.createCustomer(new JsonObject().put("email", "b@down.example"));
      assertTrue(eventually(15, () -> "failing".equals(endpoint(store, id).getString("status"))),
          () -> endpoint(store, id).encode());
      assertNotNull(endpoint(store, id).getString("failing_since"));
      // the endpoint's status and the last outcome are written separately: wait for both
      assertTrue(eventually(10, () -> deliveries(store, id).stream().anyMatch(d -> d.getString("status").equals("failed"))),
          () -> deliveries(store, id).toString());
      List<JsonObject> kept = deliveries(store, id);
      assertEquals(2, kept.size(), "both events are kept");
      JsonObject failed = kept.stream().filter(d -> d.getString("status").equals("failed")).findFirst().orElseThrow();
      assertTrue(failed.getInteger("attempts") > 3, failed.encode());
      assertEquals(500, failed.getInteger("last_status_code"));
      assertNotNull(failed.getInteger("last_latency_ms"));
      int requests = down.requestCount();
      sleep(500);
      assertEquals(requests, down.requestCount(), "a failing endpoint is not tried any more");

      // the receiver is fixed; redelivering one event brings the endpoint back, and the rest follows
      down.answer(n -> 200);
      String eventId = failed.getString("event_id");
      JsonObject redelivery = store.api().post(store.path("/events/" + eventId + "/redeliver"), new JsonObject())
          .expect(202);
      assertEquals(new JsonArray().add(id), redelivery.getJsonArray("endpoint_ids"));
      assertTrue(eventually(10, () -> down.all().stream().anyMatch(d -> d.id().equals(eventId)
          && d.receivedAtMs() > 0) && deliveries(store, id).stream()
          .allMatch(d -> d.getString("status").equals("succeeded"))), () -> deliveries(store, id).toString());
      assertEquals("active", endpoint(store, id).getString("status"));

      // redelivering a delivered event sends it again, to one endpoint when asked
      int before = down.requestCount();
      store.api().post(store.path("/events/" + eventId + "/redeliver"), new JsonObject().put("endpoint_id", id))
          .expect(202);
      assertTrue(eventually(10, () -> down.requestCount() == before + 1));
      store.api().post(store.path("/events/evt_unknown/redeliver"), new JsonObject())
          .expectError(404, "resource_missing");
      store.api().post(store.path("/events/" + eventId + "/redeliver"), new JsonObject().put("endpoint_id", "whep_x"))
          .expectError(404, "resource_missing");
      assertFalse(customer.isEmpty());
    }
  }

  private static void sleep(long ms) {
    try {
      TimeUnit.MILLISECONDS.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
