package io.shoal.privacy;

import static io.shoal.privacy.PrivacyTesting.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shoal.config.PrivacyConfig;
import io.shoal.config.WebhookConfig;
import io.shoal.testing.TestDatabase;
import io.shoal.testing.TestServer;
import io.shoal.testing.TestStore;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * An export is one JSON document with everything Shoal holds about the person, checked here
 * against what was seeded, served by a signed link that cannot be altered and expires.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class ExportTest {

  private static final String SECRET = "test-privacy-secret-0123456789abcdef";
  private static TestServer server;

  @BeforeAll
  static void start() {
    server = TestServer.start(Map.of(PrivacyConfig.SECRET, SECRET, WebhookConfig.POLL_INTERVAL_MS, "100"));
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void theExportDocumentHoldsEverythingSeededAndItsLinkIsSignedAndExpires() {
    TestStore store = server.createStore("Export store");
    try (PrivacyTesting.Receiver receiver = new PrivacyTesting.Receiver(server.clientVertx())) {
      receiver.subscribeAll(store);
      String dynamic = store.api().post(store.path("/segments"), new JsonObject().put("name", "Buyers")
          .put("is_dynamic", true).put("rules", new JsonArray().add(new JsonObject().put("field", "total_orders")
              .put("operator", "gte").put("value", 1)))).expect(201).getString("id");
      JsonObject created = store.createCustomer(new JsonObject().put("email", "ada@export.example")
          .put("first_name", "Ada").put("last_name", "Lovelace").put("phone", "+44 20 0000 1815")
          .put("tags", new JsonArray().add("vip")).put("address", new JsonObject().put("city", "London"))
          .put("metadata", new JsonObject().put("source", "fair")));
      String id = created.getString("id");
      String statics = store.api().post(store.path("/customer-segments"), new JsonObject().put("name", "Picked")
          .put("type", "static").put("customer_ids", new JsonArray().add(id))).expect(201).getString("id");
      store.api().post(store.customer(id) + "/notes", new JsonObject().put("body", "prefers email")).expect(201);
      store.api().post(store.customer(id) + "/notes", new JsonObject().put("body", "asked for an invoice")).expect(201);
      JsonObject who = new JsonObject().put("customer_id", id);
      store.api().post(store.path("/events"), who.copy().put("type", "order.completed").put("data", new JsonObject()
          .put("order_id", "A-1").put("total", 30.00).put("items", new JsonArray()
              .add(new JsonObject().put("product_id", "p1").put("quantity", 2).put("price", 15.00))))).expect(202);
      String viewedAt = store.api().post(store.path("/events"), who.copy().put("type", "page.viewed")
          .put("data", new JsonObject().put("url", "/engines"))).expect(202).getString("occurred_at");
      TestDatabase.execute(server.databaseUrl(), "INSERT INTO messages (store_id, id, customer_id, channel, source,"
          + " source_id, dedupe_key, template_id, variables) VALUES ('" + store.id() + "', 'msg_x1', '" + id
          + "', 'email', 'automation', 'auto_1', 'auto_1:x1', 'tmpl_welcome', '{\"coupon\": \"ADA10\"}')");
      assertTrue(eventually(20, () -> store.api().get(store.path("/segments/" + dynamic)).expect(200)
          .getInteger("customer_count") == 1 && receiver.ofType("order.completed").size() == 1));
      // last_seen_at is written when the evaluator applies the page view; compare once both events are in
      assertTrue(eventually(20, () -> viewedAt.equals(store.api().get(store.customer(id)).expect(200)
          .getString("last_seen_at"))));
      JsonObject profile = store.api().get(store.customer(id)).expect(200);

      JsonObject request = PrivacyTesting.submitAndAwait(store, id, new JsonObject().put("type", "export")
          .put("format", "json"));
      assertEquals("json", request.getString("format"));
      String url = request.getString("download_url");
      assertNotNull(url, request.encode());
      assertTrue(url.startsWith(store.path("/removal-requests/" + request.getString("id") + "/download?")), url);
      assertNotNull(request.getString("download_expires_at"));

      JsonObject doc = server.anonymous().get(url).expect(200);
      assertEquals("data_export", doc.getString("object"));
      assertEquals(id, doc.getString("customer_id"));
      assertEquals(request.getString("id"), doc.getString("request_id"));
      JsonObject customer = doc.getJsonObject("customer");
      assertEquals(profile, customer.getJsonObject("profile"));
      assertEquals(Set.of("prefers email", "asked for an invoice"), bodies(customer.getJsonArray("notes"), "body"));
      assertTrue(bodies(customer.getJsonArray("activity"), "type").containsAll(Set.of("profile", "note")));
      JsonArray events = doc.getJsonObject("events").getJsonArray("events");
      assertEquals(List.of("order.completed", "page.viewed"),
          events.stream().map(e -> ((JsonObject) e).getString("type")).toList());
      assertEquals("A-1", events.getJsonObject(0).getJsonObject("data").getString("order_id"));
      assertEquals(Set.of(dynamic, statics), bodies(doc.getJsonObject("segments").getJsonArray("memberships"), "segment_id"));
      assertEquals(Set.of("entered"), bodies(doc.getJsonObject("segments").getJsonArray("transitions"), "kind"));
      JsonObject notifications = doc.getJsonObject("notifications");
      assertTrue(bodies(notifications.getJsonArray("events"), "type")
          .containsAll(Set.of("customer.created", "order.completed", "customer.segment.entered")));
      assertTrue(notifications.getJsonArray("webhook_deliveries").size() >= 3);
      JsonArray messages = doc.getJsonObject("messages").getJsonArray("messages");
      assertEquals(1, messages.size());
      assertEquals("ADA10", messages.getJsonObject(0).getJsonObject("variables").getString("coupon"));
      assertEquals(Set.of(request.getString("id")), bodies(doc.getJsonArray("data_requests"), "id"));
      assertEquals(0, doc.getJsonObject("campaigns").getJsonArray("recipient_of").size());
      assertEquals(0, doc.getJsonObject("automations").getJsonArray("runs").size());
      assertEquals(0, doc.getJsonObject("messages").getJsonArray("unsubscribes").size());

      // the webhook carries the same link
      assertTrue(eventually(20, () -> receiver.ofType("data_request.completed").size() == 1));
      assertEquals(url, receiver.ofType("data_request.completed").get(0).getJsonObject("data").getString("download_url"));

      // the link is the credential: altered, it is refused; past its time, it is gone
      int at = url.indexOf("signature=") + "signature=".length();
      String altered = url.substring(0, at) + (url.charAt(at) == '0' ? '1' : '0') + url.substring(at + 1);
      server.anonymous().get(altered).expectError(403, "signature_invalid");
      server.anonymous().get(url.replaceAll("expires=\\d+", "expires=9999999999")).expectError(403, "signature_invalid");
      long past = Instant.now().getEpochSecond() - 10;
      String expired = store.path("/removal-requests/" + request.getString("id") + "/download?expires=" + past
          + "&signature=" + new PrivacyKeys(SECRET).linkSignature(store.id(), request.getString("id"), past));
      server.anonymous().get(expired).expectError(410, "link_expired");
      TestStore other = server.createStore("Someone else");
      other.api().get(store.path("/removal-requests/" + request.getString("id"))).expectError(404, "resource_missing");

      List<String> actions = store.api().get(store.path("/data-request-audit?request_id=" + request.getString("id")))
          .page().stream().map(a -> a.getString("action")).toList();
      assertEquals(List.of("requested", "completed", "export_downloaded"), actions);
    }
  }

  private static Set<String> bodies(JsonArray items, String field) {
    return items.stream().map(o -> ((JsonObject) o).getString(field)).collect(Collectors.toSet());
  }
}
