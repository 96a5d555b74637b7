package io.shoal.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shoal.testing.ApiClient;
import io.shoal.testing.ApiResponse;
import io.shoal.testing.TestServer;
import io.shoal.testing.TestStore;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Stores, their API keys, and the wall between stores. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class StoresAndKeysTest {

  private static TestServer server;

  @BeforeAll
  static void start() {
    server = TestServer.start();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void creatingAStoreNeedsTheAdminKey() {
    JsonObject body = new JsonObject().put("name", "Nobody's store");

    server.anonymous().post("/v1/stores", body).expectError(401, "unauthorized");
    server.withKey("wk_live_thisisnotakeyofanystore0000000").post("/v1/stores", body).expectError(401, "unauthorized");
    server.withKey("Basic something").post("/v1/stores", body).expectError(401, "unauthorized");

    TestStore other = server.createStore("A store");
    other.api().post("/v1/stores", body).expectError(403, "forbidden");
    other.api().get("/v1/stores").expectError(403, "forbidden");
  }

  @Test
  void createdStoreAnswers201WithItsFirstLiveKey() {
    ApiResponse created = server.admin().post("/v1/stores", new JsonObject().put("name", "  Acme Outdoor  "));
    JsonObject store = created.expect(201);

    assertTrue(store.getString("id").startsWith("store_"), store::encode);
    assertEquals("store", store.getString("object"));
    assertEquals("Acme Outdoor", store.getString("name"));
    assertNotNull(store.getString("created_at"));
    String key = store.getString("api_key");
    assertTrue(key.startsWith("wk_live_") && key.length() > 20, key);

    JsonObject fetched = server.withKey(key).get("/v1/stores/" + store.getString("id")).expect(200);
    assertEquals(store.getString("id"), fetched.getString("id"));
    assertEquals("Acme Outdoor", fetched.getString("name"));
    assertFalse(fetched.containsKey("api_key"), "the key is shown only once: " + fetched.encode());

    assertEquals(fetched, server.admin().get("/v1/stores/" + store.getString("id")).expect(200));
    server.admin().get("/v1/stores/store_doesnotexist").expectError(404, "resource_missing");
  }

  @Test
  void adminListsStoresInCreationOrder() {
    TestStore first = server.createStore("List one");
    TestStore second = server.createStore("List two");

    List<String> ids = new java.util.ArrayList<>();
    String cursor = null;
    do {
      ApiResponse page = server.admin().get("/v1/stores" + ApiClient.query("limit", "2")
          + (cursor == null ? "" : "&cursor=" + ApiClient.encode(cursor)));
      page.page().forEach(s -> ids.add(s.getString("id")));
      cursor = page.nextCursor();
    } while (cursor != null);

    assertTrue(ids.indexOf(first.id()) >= 0 && ids.indexOf(first.id()) < ids.indexOf(second.id()), ids::toString);
    assertEquals(ids.size(), ids.stream().distinct().count(), "a store listed twice: " + ids);
  }

  @Test
  void anotherKeyIsShownOnceAndListedOnlyByItsPrefix() {
    TestStore store = server.createStore("Keys");

    JsonObject created = store.api().post(store.path("/api-keys"), new JsonObject().put("name", "backend"))
        .expect(201);
    String key = created.getString("key");
    assertTrue(key.startsWith("wk_live_"), key);
    assertEquals("api_key", created.getString("object"));
    assertEquals(store.id(), created.getString("store_id"));
    assertEquals(key.substring(0, 12), created.getString("prefix"));
    assertEquals("live", created.getString("mode"));
    assertEquals("backend", created.getString("name"));
    assertNull(created.getString("revoked_at"));

    JsonObject test = store.api().post(store.path("/api-keys"), new JsonObject().put("mode", "test")).expect(201);
    assertTrue(test.getString("key").startsWith("wk_test_"), test::encode);

    // The new keys work.
    server.withKey(key).get(store.path("")).expect(200);
    server.withKey(test.getString("key")).get(store.path("")).expect(200);

    ApiResponse listed = store.api().get(store.path("/api-keys"));
    List<JsonObject> keys = listed.page();
    assertEquals(3, keys.size(), listed::text);
    for (String secret : List.of(store.apiKey(), key, test.getString("key"))) {
      assertFalse(listed.text().contains(secret), "a key's secret is listed: " + listed.text());
    }
    keys.forEach(k -> assertFalse(k.containsKey("key"), k::encode));
    assertEquals(List.of(store.apiKey().substring(0, 12), key.substring(0, 12), test.getString("key").substring(0, 12)),
        keys.stream().map(k -> k.getString("prefix")).toList(), "oldest first, by prefix");
  }

  @Test
  void aRevokedKeyGets401AtOnceWhileOtherKeysKeepWorking() {
    TestStore store = server.createStore("Revocation");
    JsonObject second = store.api().post(store.path("/api-keys"), null).expect(201);
    ApiClient secondClient = server.withKey(second.getString("key"));
    secondClient.get(store.customers()).expect(200); // now cached as a valid key

    JsonObject revoked = store.api().delete(store.path("/api-keys/" + second.getString("id"))).expect(200);
    assertEquals(second.getString("id"), revoked.getString("id"));
    assertNotNull(revoked.getString("revoked_at"));

    secondClient.get(store.customers()).expectError(401, "unauthorized");
    secondClient.get(store.path("")).expectError(401, "unauthorized");
    store.api().get(store.customers()).expect(200);

    JsonObject listed = store.api().get(store.path("/api-keys")).page().stream()
        .filter(k -> k.getString("id").equals(second.getString("id"))).findFirst().orElseThrow();
    assertNotNull(listed.getString("revoked_at"));

    store.api().delete(store.path("/api-keys/key_doesnotexist")).expectError(404, "resource_missing");
  }

  @Test
  void aKeyOfOneStoreGets404OnEveryPathOfAnother() {
    TestStore a = server.createStore("Store A");
    TestStore b = server.createStore("Store B");
    JsonObject bCustomer = b.createCustomer(new JsonObject()
        .put("email", "secret.customer@b.example").put("first_name", "Bea").put("last_name", "Secret"));
    String bCust = bCustomer.getString("id");
    b.api().post(b.customer(bCust) + "/notes", new JsonObject().put("body", "B's private note")).expect(201);
    String bKeyId = b.api().get(b.path("/api-keys")).page().get(0).getString("id");

    ApiClient asA = a.api();
    List<ApiResponse> answers = List.of(
        asA.get(b.path("")),
        asA.get(b.customers()),
        asA.get(b.customers() + ApiClient.query("search", "secret")),
        asA.post(b.customers(), new JsonObject().put("email", "intruder@a.example")),
        asA.get(b.customer(bCust)),
        asA.patch(b.customer(bCust), new JsonObject().put("first_name", "Hacked")),
        asA.delete(b.customer(bCust)),
        asA.get(b.customer(bCust) + "/notes"),
        asA.post(b.customer(bCust) + "/notes", new JsonObject().put("body", "graffiti")),
        asA.get(b.customer(bCust) + "/activity"),
        asA.get(b.path("/api-keys")),
        asA.post(b.path("/api-keys"), new JsonObject()),
        asA.delete(b.path("/api-keys/" + bKeyId)));
    for (ApiResponse answer : answers) {
      answer.expectError(404, "resource_missing");
      for (String secret : List.of("secret.customer", "Bea", "private note", b.apiKey().substring(8))) {
        assertFalse(answer.text().contains(secret), () -> answer.request() + " leaked B's data: " + answer.text());
      }
    }

    // Nothing A tried changed B.
    JsonObject after = b.api().get(b.customer(bCust)).expect(200);
    assertEquals("Bea", after.getString("first_name"));
    assertEquals(1, b.api().get(b.customers()).page().size());
    assertEquals(1, b.api().get(b.customer(bCust) + "/notes").page().size());
    assertEquals(1, b.api().get(b.path("/api-keys")).page().size());
    b.api().get(b.path("")).expect(200);
    assertNull(b.api().get(b.path("/api-keys")).page().get(0).getString("revoked_at"));
  }
}
