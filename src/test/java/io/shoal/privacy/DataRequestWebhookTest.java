package io.shoal.privacy;

import static io.shoal.privacy.PrivacyTesting.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shoal.config.PrivacyConfig;
import io.shoal.config.WebhookConfig;
import io.shoal.testing.TestServer;
import io.shoal.testing.TestStore;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Seed 001: "When complete, a webhook fires: { "event": "data_request.completed",
 * "download_url": "..." }". A receiver written from the seed reads those two fields at the top
 * level; Shoal's own envelope (id, object, type, created_at, store_id, data) stays as it is.
 * Checked on a real HTTP receiver on a loopback port, for an export (the link downloads the
 * document) and an erasure (no link).
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class DataRequestWebhookTest {

  private static TestServer server;

  @BeforeAll
  static void start() {
    server = TestServer.start(Map.of(PrivacyConfig.SECRET, "test-privacy-secret-0123456789abcdef",
        WebhookConfig.POLL_INTERVAL_MS, "100"));
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void theCompletionWebhookCarriesTheSeedsTopLevelEventAndDownloadUrl() {
    TestStore store = server.createStore("Seed receiver");
    TestStore other = server.createStore("Other receiver");
    try (PrivacyTesting.Receiver receiver = new PrivacyTesting.Receiver(server.clientVertx());
         PrivacyTesting.Receiver otherReceiver = new PrivacyTesting.Receiver(server.clientVertx())) {
      receiver.subscribeAll(store);
      otherReceiver.subscribeAll(other);
      String ada = store.createCustomer(new JsonObject().put("email", "ada@seed.example")).getString("id");
      String bob = store.createCustomer(new JsonObject().put("email", "bob@seed.example")).getString("id");

      JsonObject export = PrivacyTesting.submitAndAwait(store, ada, new JsonObject().put("type", "export")
          .put("format", "json"));
      assertTrue(eventually(20, () -> receiver.ofType("data_request.completed").size() == 1));
      JsonObject hook = receiver.ofType("data_request.completed").get(0);
      // what the seed's receiver reads
      assertEquals("data_request.completed", hook.getString("event"));
      String url = hook.getString("download_url");
      assertNotNull(url, hook.encode());
      assertEquals(export.getString("download_url"), url);
      JsonObject document = server.anonymous().get(url).expect(200);
      assertEquals("data_export", document.getString("object"));
      assertEquals(ada, document.getString("customer_id"));
      // Shoal's envelope, unchanged
      assertTrue(hook.getString("id").startsWith("evt_"), hook.encode());
      assertEquals("event", hook.getString("object"));
      assertEquals("data_request.completed", hook.getString("type"));
      assertEquals(store.id(), hook.getString("store_id"));
      assertEquals(export.getString("id"), hook.getJsonObject("data").getString("id"));
      assertEquals(url, hook.getJsonObject("data").getString("download_url"));

      PrivacyTesting.submitAndAwait(store, bob, new JsonObject().put("type", "erasure"));
      assertTrue(eventually(20, () -> receiver.ofType("data_request.completed").size() == 2));
      JsonObject erased = receiver.ofType("data_request.completed").get(1);
      assertEquals("data_request.completed", erased.getString("event"));
      assertTrue(erased.containsKey("download_url"), "the field is there, empty: " + erased.encode());
      assertNull(erased.getString("download_url"), "an erasure has nothing to download");
      assertEquals("erasure", erased.getJsonObject("data").getString("type"));

      // the event list and the stream carry the same envelope
      JsonObject listed = store.api().get(store.path("/events?types=data_request.completed")).page().get(0);
      assertEquals(erased, listed);
      // other events keep Shoal's envelope alone
      JsonObject created = receiver.ofType("customer.created").get(0);
      assertNull(created.getValue("event"), created.encode());
      // the other store's receiver got none of it
      assertEquals(List.of(), otherReceiver.ofType("data_request.completed"));
    }
  }
}
