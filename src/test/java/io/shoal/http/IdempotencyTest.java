package io.shoal.http;

import static io.shoal.testing.ApiClient.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shoal.testing.ApiResponse;
import io.shoal.testing.TestServer;
import io.shoal.testing.TestStore;
import io.vertx.core.Future;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Idempotency-Key on POSTs: a retried request is answered again, not done again. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class IdempotencyTest {

  private static TestServer server;

  @BeforeAll
  static void start() {
    server = TestServer.start();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static JsonObject customer(String email) {
    return new JsonObject().put("email", email).put("first_name", "Retry");
  }

  @Test
  void theSameKeyAndBodyReplaysTheFirstAnswerAndCreatesNothingNew() {
    TestStore store = server.createStore("Idempotent");
    ApiResponse first = store.api().post(store.customers(), customer("once@example.com"), "order-123-customer");
    JsonObject created = first.expect(201);
    assertNull(first.header("Idempotent-Replayed"), "the first answer is not a replay");

    for (int i = 0; i < 2; i++) {
      ApiResponse again = store.api().post(store.customers(), customer("once@example.com"), "order-123-customer");
      assertEquals(created, again.expect(201), "same status, same customer");
      assertEquals("true", again.header("Idempotent-Replayed"));
    }
    assertEquals(1, store.api().get(store.customers()).page().size());
    assertEquals(1, store.api().get(store.customer(created.getString("id")) + "/activity").page().size());
  }

  @Test
  void theSameKeyWithAnotherRequestIs409AndDoesNothing() {
    TestStore store = server.createStore("Reused key");
    String id = store.api().post(store.customers(), customer("first@example.com"), "key-1").expect(201).getString("id");

    JsonObject error = store.api().post(store.customers(), customer("second@example.com"), "key-1")
        .expectError(409, "idempotency_key_reused");
    assertEquals("Idempotency-Key", error.getString("param"));
    store.api().post(store.customer(id) + "/notes", new JsonObject().put("body", "hi"), "key-1")
        .expectError(409, "idempotency_key_reused");

    assertEquals(1, store.api().get(store.customers()).page().size());
    assertEquals(0, store.api().get(store.customer(id) + "/notes").page().size());
  }

  @Test
  void keysBelongToTheirStore() {
    TestStore a = server.createStore("Key owner A");
    TestStore b = server.createStore("Key owner B");
    JsonObject inA = a.api().post(a.customers(), customer("a@example.com"), "shared-key").expect(201);

    ApiResponse inB = b.api().post(b.customers(), customer("b@example.com"), "shared-key");
    JsonObject created = inB.expect(201);
    assertNull(inB.header("Idempotent-Replayed"));
    assertEquals("b@example.com", created.getString("email"));
    assertEquals(List.of(inA.getString("id")), a.api().get(a.customers()).page().stream().map(c -> c.getString("id")).toList());
    assertEquals(List.of(created.getString("id")), b.api().get(b.customers()).page().stream().map(c -> c.getString("id")).toList());
  }

  @Test
  void concurrentRetriesCreateOneCustomer() {
    TestStore store = server.createStore("Concurrent retries");
    List<Future<ApiResponse>> sent = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      sent.add(store.api().sendJson(HttpMethod.POST, store.customers(), customer("race@example.com"), "race-key"));
    }
    Set<String> ids = sent.stream().map(f -> await(f)).filter(r -> r.status() == 201)
        .map(r -> r.json().getString("id")).collect(Collectors.toSet());
    sent.stream().map(f -> await(f)).filter(r -> r.status() != 201)
        .forEach(r -> r.expectError(409, "idempotency_key_in_use"));

    assertEquals(1, ids.size(), ids::toString);
    assertEquals(1, store.api().get(store.customers()).page().size());
    assertEquals(ids, Set.of(store.api().post(store.customers(), customer("race@example.com"), "race-key")
        .expect(201).getString("id")));
  }

  @Test
  void storeCreationWithTheAdminKeyIsIdempotentToo() {
    JsonObject body = new JsonObject().put("name", "Created once");
    JsonObject first = server.admin().post("/v1/stores", body, "create-store-1").expect(201);
    ApiResponse again = server.admin().post("/v1/stores", body, "create-store-1");
    assertEquals(first, again.expect(201));
    assertEquals("true", again.header("Idempotent-Replayed"));
    // The replay is the first answer, with the first (still valid) key.
    server.withKey(first.getString("api_key")).get("/v1/stores/" + first.getString("id")).expect(200);
  }

  @Test
  void anOverlongKeyIs400() {
    TestStore store = server.createStore("Long key");
    store.api().post(store.customers(), customer("long@example.com"), "k".repeat(256)).expectError(400, null);
    assertTrue(store.api().get(store.customers()).page().isEmpty());
  }
}
