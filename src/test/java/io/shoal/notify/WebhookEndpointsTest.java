package io.shoal.notify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shoal.testing.TestServer;
import io.shoal.testing.TestStore;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Webhook endpoints as a store manages them: create, read, change, delete, roll the secret. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class WebhookEndpointsTest {

  private static TestServer server;
  private TestStore store;

  @BeforeAll
  static void start() {
    server = TestServer.start();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @BeforeEach
  void freshStore() {
    store = server.createStore("Hooks");
  }

  private static JsonObject endpoint(String url, String... events) {
    return new JsonObject().put("url", url).put("events", new JsonArray(List.of(events)));
  }

  @Test
  void createShowsTheSecretOnceAndTheEndpointCanBeReadListedChangedAndDeleted() {
    JsonObject created = store.api().post(store.path("/webhook-endpoints"),
        endpoint("https://hooks.example.com/shoal", "customer.segment.entered", "order.completed")
            .put("description", "CRM sync")).expect(201);
    String id = created.getString("id");
    assertTrue(id.startsWith("whep_"), id);
    assertEquals("webhook_endpoint", created.getString("object"));
    assertTrue(created.getString("secret").startsWith("whsec_"), created.encode());
    assertEquals(true, created.getBoolean("enabled"));
    assertEquals("active", created.getString("status"));
    assertEquals(new JsonArray().add("customer.segment.entered").add("order.completed"), created.getJsonArray("events"));

    JsonObject got = store.api().get(store.path("/webhook-endpoints/" + id)).expect(200);
    assertNull(got.getString("secret"), "the secret is shown at creation only");
    assertEquals("CRM sync", got.getString("description"));

    JsonObject patched = store.api().patch(store.path("/webhook-endpoints/" + id),
        new JsonObject().put("events", new JsonArray().add("*")).put("enabled", false)).expect(200);
    assertEquals(new JsonArray().add("*"), patched.getJsonArray("events"));
    assertEquals(false, patched.getBoolean("enabled"));
    assertEquals("disabled", patched.getString("status"));
    assertEquals("https://hooks.example.com/shoal", patched.getString("url"), "fields not sent are kept");

    store.api().post(store.path("/webhook-endpoints"), endpoint("http://127.0.0.1:9/other", "*")).expect(201);
    List<JsonObject> first = store.api().get(store.path("/webhook-endpoints?limit=1")).page();
    assertEquals(id, first.get(0).getString("id"));
    String cursor = store.api().get(store.path("/webhook-endpoints?limit=1")).nextCursor();
    List<JsonObject> second = store.api().get(store.path("/webhook-endpoints?limit=1&cursor=" + cursor)).page();
    assertEquals(1, second.size());
    assertNotEquals(id, second.get(0).getString("id"));

    store.api().delete(store.path("/webhook-endpoints/" + id)).expect(200);
    store.api().get(store.path("/webhook-endpoints/" + id)).expectError(404, "resource_missing");
    store.api().delete(store.path("/webhook-endpoints/" + id)).expectError(404, "resource_missing");
  }

  @Test
  void rollingTheSecretAnswersANewOneOnce() {
    JsonObject created = store.api().post(store.path("/webhook-endpoints"), endpoint("https://a.example/h", "*"))
        .expect(201);
    String id = created.getString("id");
    JsonObject rolled = store.api().post(store.path("/webhook-endpoints/" + id + "/roll-secret"),
        new JsonObject().put("grace_period_seconds", 3600)).expect(200);
    assertTrue(rolled.getString("secret").startsWith("whsec_"));
    assertNotEquals(created.getString("secret"), rolled.getString("secret"));
    assertNull(store.api().get(store.path("/webhook-endpoints/" + id)).expect(200).getString("secret"));
    store.api().post(store.path("/webhook-endpoints/whep_nope/roll-secret"), new JsonObject())
        .expectError(404, "resource_missing");
  }

  @Test
  void aBadUrlOrAnUnknownEventTypeIsA400NamingTheField() {
    for (String bad : List.of("not a url", "/relative/path", "ftp://files.example.com/x", "mailto:a@b.c", "http://")) {
      JsonObject error = store.api().post(store.path("/webhook-endpoints"), endpoint(bad, "*"))
          .expectError(400, "parameter_invalid");
      assertEquals("url", error.getString("param"), bad + " -> " + error.encode());
    }
    JsonObject unknown = store.api().post(store.path("/webhook-endpoints"),
        endpoint("https://a.example/h", "customer.created", "customer.exploded")).expectError(400, "parameter_invalid");
    assertTrue(unknown.getString("param").startsWith("events"), unknown.encode());
    assertTrue(unknown.getString("message").contains("customer.exploded"), unknown.encode());

    JsonObject empty = store.api().post(store.path("/webhook-endpoints"),
        new JsonObject().put("url", "https://a.example/h").put("events", new JsonArray())).expectError(400, null);
    assertTrue(empty.getString("param").startsWith("events"), empty.encode());
    JsonObject missing = store.api().post(store.path("/webhook-endpoints"),
        new JsonObject().put("events", new JsonArray().add("*"))).expectError(400, null);
    assertTrue(missing.getString("param").contains("url"), missing.encode());

    String id = store.api().post(store.path("/webhook-endpoints"), endpoint("https://a.example/h", "*"))
        .expect(201).getString("id");
    JsonObject badPatch = store.api().patch(store.path("/webhook-endpoints/" + id),
        new JsonObject().put("url", "gopher://old.example")).expectError(400, "parameter_invalid");
    assertEquals("url", badPatch.getString("param"));
    assertEquals("https://a.example/h", store.api().get(store.path("/webhook-endpoints/" + id)).expect(200)
        .getString("url"), "a rejected change writes nothing");
    store.api().post(store.path("/webhook-endpoints"), endpoint("https://a.example/h", "*").put("secret", "mine"))
        .expectError(400, "parameter_unknown");
  }

  @Test
  void aBatchSizeOutsideOneToAHundredIsA400NamingItAndWritesNothing() {
    for (Object bad : List.of(0, 101, -5, "ten", 2.5)) {
      JsonObject error = store.api().post(store.path("/webhook-endpoints"),
          endpoint("https://a.example/h", "*").put("max_batch_size", bad)).expectError(400, null);
      assertTrue(error.getString("param", "").contains("max_batch_size"), bad + " -> " + error.encode());
    }
    JsonObject made = store.api().post(store.path("/webhook-endpoints"),
        endpoint("https://a.example/h", "*").put("max_batch_size", 100)).expect(201);
    assertEquals(100, made.getInteger("max_batch_size"));
    String id = made.getString("id");
    JsonObject badPatch = store.api().patch(store.path("/webhook-endpoints/" + id),
        new JsonObject().put("max_batch_size", 0)).expectError(400, null);
    assertTrue(badPatch.getString("param", "").contains("max_batch_size"), badPatch.encode());
    assertEquals(100, store.api().get(store.path("/webhook-endpoints/" + id)).expect(200).getInteger("max_batch_size"),
        "a rejected change writes nothing");
    assertEquals(1, store.api().post(store.path("/webhook-endpoints"), endpoint("https://b.example/h", "*"))
        .expect(201).getInteger("max_batch_size"), "one event per request unless asked");
  }

  @Test
  void anotherStoresKeySeesNothing() {
    String id = store.api().post(store.path("/webhook-endpoints"), endpoint("https://a.example/h", "*"))
        .expect(201).getString("id");
    TestStore other = server.createStore("Other");
    other.api().get(store.path("/webhook-endpoints")).expectError(404, "resource_missing");
    other.api().get(store.path("/webhook-endpoints/" + id)).expectError(404, "resource_missing");
    other.api().patch(store.path("/webhook-endpoints/" + id), new JsonObject().put("enabled", false))
        .expectError(404, "resource_missing");
    other.api().delete(store.path("/webhook-endpoints/" + id)).expectError(404, "resource_missing");
    other.api().get(store.path("/webhook-endpoints/" + id + "/deliveries")).expectError(404, "resource_missing");
    other.api().post(store.path("/webhook-endpoints/" + id + "/roll-secret"), new JsonObject())
        .expectError(404, "resource_missing");
    // and through its own store path, the endpoint does not exist
    other.api().get(other.path("/webhook-endpoints/" + id)).expectError(404, "resource_missing");
    assertFalse(other.api().get(other.path("/webhook-endpoints")).page().stream()
        .anyMatch(e -> e.getString("id").equals(id)));
    server.anonymous().get(store.path("/webhook-endpoints")).expectError(401, "unauthorized");
  }
}
