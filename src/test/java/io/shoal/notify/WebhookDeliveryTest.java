package io.shoal.notify;

import static io.shoal.notify.WebhookReceiver.HANG;
import static io.shoal.notify.WebhookReceiver.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shoal.config.WebhookConfig;
import io.shoal.testing.TestServer;
import io.shoal.testing.TestStore;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Webhooks as a receiver experiences them: every event arrives, signed, in order per customer,
 * despite a receiver that fails and hangs for a while; and one bad receiver does not hold up a
 * good one.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class WebhookDeliveryTest {

  private static TestServer server;

  @BeforeAll
  static void start() {
    server = TestServer.start(Map.of(
        WebhookConfig.TIMEOUT_MS, "600",
        WebhookConfig.RETRY_BASE_MS, "50",
        WebhookConfig.RETRY_MAX_MS, "300",
        WebhookConfig.POLL_INTERVAL_MS, "100",
        WebhookConfig.CONCURRENCY, "4"));
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static String subscribe(TestStore store, String url, String... events) {
    return store.api().post(store.path("/webhook-endpoints"),
        new JsonObject().put("url", url).put("events", new JsonArray(List.of(events)))).expect(201).getString("secret");
  }

  @Test
  void aReceiverThatFailsThenHangsThenRecoversGetsEveryEventOnceInCustomerOrderAndSigned() {
    TestStore store = server.createStore("Flaky receiver");
    // requests 1-6 answer 500, 7-9 never answer (timeouts), then all is well
    try (WebhookReceiver receiver = WebhookReceiver.start(server.clientVertx(),
        n -> n <= 6 ? 500 : n <= 9 ? HANG : 200)) {
      String secret = subscribe(store, receiver.url(), "customer.created", "customer.updated");

      int customers = 5;
      int updates = 4;
      List<String> ids = new ArrayList<>();
      for (int c = 0; c < customers; c++) {
        ids.add(store.createCustomer(new JsonObject().put("email", "c" + c + "@flaky.example")).getString("id"));
      }
      for (int u = 1; u <= updates; u++) {
        for (String id : ids) {
          store.api().patch(store.customer(id), new JsonObject().put("metadata", new JsonObject().put("n", "" + u)))
              .expect(200);
        }
      }
      int expected = customers * (1 + updates);
      assertTrue(eventually(30, () -> receiver.deduplicated().size() >= expected
              && allSucceeded(store)),
          () -> "received " + receiver.deduplicated().size() + " of " + expected + " distinct events");

      List<WebhookReceiver.Delivery> all = receiver.all();
      assertTrue(all.size() > expected, "the receiver failed some, so some came more than once: " + all.size());
      long now = System.currentTimeMillis() / 1000;
      for (WebhookReceiver.Delivery d : all) {
        assertTrue(DeliverySignature.verify(d.signature(), d.body(), secret, now, 300),
            () -> "bad signature " + d.signature() + " on " + d.event().encode());
        assertEquals("event", d.event().getString("object"));
        assertEquals(store.id(), d.event().getString("store_id"));
      }
      Map<String, WebhookReceiver.Delivery> unique = receiver.deduplicated();
      assertEquals(expected, unique.size());
      // the same event ids the API lists, no more, no less
      List<String> listed = new ArrayList<>();
      for (JsonObject e : store.api().get(store.path("/events?limit=100&types=customer.created,customer.updated"))
          .page()) {
        listed.add(e.getString("id"));
      }
      assertEquals(new java.util.TreeSet<>(listed), new java.util.TreeSet<>(unique.keySet()));

      // per customer: created first, then updates 1, 2, 3, 4 in order of first receipt
      Map<String, List<String>> seen = new HashMap<>();
      for (WebhookReceiver.Delivery d : unique.values()) {
        JsonObject customer = d.event().getJsonObject("data").getJsonObject("customer");
        String step = d.event().getString("type").equals("customer.created") ? "0"
            : customer.getJsonObject("metadata").getString("n");
        seen.computeIfAbsent(customer.getString("id"), k -> new ArrayList<>()).add(step);
      }
      for (String id : ids) {
        assertEquals(List.of("0", "1", "2", "3", "4"), seen.get(id), "order of customer " + id);
      }
      // retried deliveries carry the attempt number
      assertTrue(all.stream().anyMatch(d -> Integer.parseInt(d.attempt()) > 1));
    }
  }

  private static boolean allSucceeded(TestStore store) {
    String endpoint = store.api().get(store.path("/webhook-endpoints")).page().get(0).getString("id");
    return store.api().get(store.path("/webhook-endpoints/" + endpoint + "/deliveries?limit=100")).page().stream()
        .allMatch(d -> d.getString("status").equals("succeeded"));
  }

  @Test
  void aHangingAndAFailingEndpointDoNotDelayAHealthyOne() {
    TestStore store = server.createStore("Isolation");
    try (WebhookReceiver healthy = WebhookReceiver.answering(server.clientVertx(), 204);
         WebhookReceiver hanging = WebhookReceiver.answering(server.clientVertx(), HANG);
         WebhookReceiver failing = WebhookReceiver.answering(server.clientVertx(), 503)) {
      subscribe(store, hanging.url(), "*");
      subscribe(store, failing.url(), "*");
      subscribe(store, healthy.url(), "customer.created");

      Map<String, Long> createdAt = new HashMap<>();
      for (int i = 0; i < 30; i++) {
        String id = store.createCustomer(new JsonObject().put("email", "p" + i + "@iso.example")).getString("id");
        createdAt.put(id, System.currentTimeMillis());
      }
      assertTrue(eventually(10, () -> healthy.deduplicated().size() >= 30),
          () -> "healthy endpoint got " + healthy.deduplicated().size() + " of 30");
      for (WebhookReceiver.Delivery d : healthy.deduplicated().values()) {
        String customer = d.event().getJsonObject("data").getJsonObject("customer").getString("id");
        long lag = d.receivedAtMs() - createdAt.get(customer);
        assertTrue(lag < 2_000, "the healthy endpoint got " + customer + " after " + lag + " ms");
      }
      assertTrue(hanging.requestCount() > 0 && failing.requestCount() > 0, "the others were tried meanwhile");
      assertEquals(0, healthy.all().size() - healthy.deduplicated().size(), "nothing twice to a healthy receiver");
    }
  }
}
