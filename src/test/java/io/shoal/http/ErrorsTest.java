package io.shoal.http;

import static io.shoal.testing.ApiClient.query;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shoal.config.ShoalConfig;
import io.shoal.testing.ApiResponse;
import io.shoal.testing.TestServer;
import io.shoal.testing.TestStore;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Client mistakes answer a 4xx in the one error shape, naming the problem; none is a 500.
 * ({@link io.shoal.testing.ApiResponse#expectError} checks the shape on every call.)
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ErrorsTest {

  private static final int BODY_LIMIT = 4096;

  private static TestServer server;
  private static TestStore store;
  private static String customer;

  @BeforeAll
  static void start() {
    server = TestServer.start(Map.of(ShoalConfig.BODY_LIMIT, String.valueOf(BODY_LIMIT)));
    store = server.createStore("Errors");
    customer = store.customer(store.createCustomer(new JsonObject().put("email", "err@example.com")).getString("id"));
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static ApiResponse postRaw(String path, String contentType, String body) {
    return store.api().raw(HttpMethod.POST, path, contentType, body);
  }

  @Test
  void malformedJsonIs400BodyInvalidJson() {
    for (String body : List.of("{", "{\"email\": }", "not json at all", "{\"email\":\"a@b.c\"} trailing", "\u0000")) {
      postRaw(store.customers(), "application/json", body).expectError(400, "body_invalid_json");
    }
    store.api().raw(HttpMethod.PATCH, customer, "application/json", "{'first_name': 'single quotes'}")
        .expectError(400, "body_invalid_json");
    server.admin().raw(HttpMethod.POST, "/v1/stores", "application/json", "{\"name\":").expectError(400, "body_invalid_json");
  }

  @Test
  void aBodyThatIsNotAnObjectIs400() {
    for (String body : List.of("[]", "\"text\"", "42", "null")) {
      ApiResponse answer = postRaw(store.customers(), "application/json", body);
      assertEquals(400, answer.status(), () -> body + " -> " + answer.text());
      answer.expectError(400, null);
    }
  }

  @Test
  void aMissingBodyIs400() {
    postRaw(store.customers(), "application/json", null).expectError(400, null);
    postRaw(store.customers(), "application/json", "").expectError(400, null);
  }

  @Test
  void aWrongTypeIs400NamingTheField() {
    Map<String, Object> wrong = Map.of(
        "email", 42,
        "first_name", true,
        "tags", "vip",
        "metadata", "plain",
        "email_consent", "yes",
        "address", List.of("street"));
    wrong.forEach((field, value) -> {
      // A valid field with a longer name alongside must not be blamed instead.
      JsonObject body = new JsonObject().put("external_id", "ext-" + field).put(field, value);
      JsonObject error = store.api().post(store.customers(), body).expectError(400, "parameter_invalid");
      assertEquals(field, error.getString("param"), error::encode);
      assertEquals(field, store.api().patch(customer, body).expectError(400, "parameter_invalid").getString("param"));
    });
    JsonObject nested = store.api().post(store.customers(), new JsonObject().put("email", "n@example.com")
        .put("address", new JsonObject().put("city", 12))).expectError(400, "parameter_invalid");
    assertEquals("address.city", nested.getString("param"), nested::encode);
    JsonObject item = store.api().post(store.customers(), new JsonObject().put("email", "n@example.com")
        .put("tags", List.of("ok", 5))).expectError(400, "parameter_invalid");
    assertTrue(item.getString("param").startsWith("tags"), item::encode);
    JsonObject tooLong = store.api().post(store.customers(), new JsonObject().put("email", "n@example.com")
        .put("first_name", "x".repeat(101))).expectError(400, "parameter_invalid");
    assertEquals("first_name", tooLong.getString("param"), tooLong::encode);
    assertEquals("name", server.admin().post("/v1/stores", new JsonObject().put("name", 7))
        .expectError(400, "parameter_invalid").getString("param"));
    assertEquals(1, store.api().get(store.customers()).page().size(), "nothing was created");
  }

  @Test
  void anUnknownFieldIs400ParameterUnknown() {
    JsonObject error = store.api().post(store.customers(), new JsonObject().put("email", "u@example.com").put("nickname", "Bob"))
        .expectError(400, "parameter_unknown");
    assertEquals("nickname", error.getString("param"));
    assertTrue(error.getString("message").contains("nickname"), error::encode);
    assertEquals("nickname", store.api().patch(customer, new JsonObject().put("nickname", "Bob"))
        .expectError(400, "parameter_unknown").getString("param"));
    assertEquals("address.planet", store.api().patch(customer, new JsonObject().put("address", new JsonObject().put("planet", "Mars")))
        .expectError(400, "parameter_unknown").getString("param"));
    assertEquals("color", server.admin().post("/v1/stores", new JsonObject().put("name", "S").put("color", "red"))
        .expectError(400, "parameter_unknown").getString("param"));
    store.api().post(store.path("/api-keys"), new JsonObject().put("scope", "all")).expectError(400, "parameter_unknown");
    store.api().post(customer + "/notes", new JsonObject().put("body", "b").put("pinned", true)).expectError(400, "parameter_unknown");
  }

  @Test
  void anEmptyPatchIs400() {
    store.api().patch(customer, new JsonObject()).expectError(400, null);
  }

  @Test
  void aBodyThatIsNotJsonIs415() {
    postRaw(store.customers(), "text/plain", "email=a@b.c").expectError(415, null);
    postRaw(store.customers(), "application/x-www-form-urlencoded", "email=a%40b.c").expectError(415, null);
    store.api().raw(HttpMethod.PATCH, customer, "text/plain", "{\"first_name\":\"X\"}").expectError(415, null);
  }

  @Test
  void aBodyOverTheLimitIs413() {
    String big = new JsonObject().put("email", "big@example.com").put("first_name", "x".repeat(BODY_LIMIT)).encode();
    postRaw(store.customers(), "application/json", big).expectError(413, "body_too_large");
    store.api().raw(HttpMethod.PATCH, customer, "application/json", big).expectError(413, "body_too_large");
    // Just under the limit is fine as far as size goes (the contract then rejects the long name).
    String under = new JsonObject().put("email", "big@example.com").put("first_name", "x".repeat(BODY_LIMIT - 100)).encode();
    assertNotEquals(413, postRaw(store.customers(), "application/json", under).status());
  }

  @Test
  void anUnknownPathIs404InTheErrorShape() {
    for (String path : List.of("/nope", "/v1/nope", "/v1/stores/" + store.id() + "/orders", "/v2/stores",
        "/v1/stores/" + store.id() + "/customers/x/y/z")) {
      store.api().get(path).expectError(404, null);
    }
  }

  @Test
  void aWrongMethodIs405() {
    ApiResponse put = store.api().raw(HttpMethod.PUT, customer, "application/json", "{\"first_name\":\"X\"}");
    put.expectError(405, "method_not_allowed");
    assertTrue(put.header("Allow") != null, "405 says what is allowed");
    store.api().delete(store.customers()).expectError(405, "method_not_allowed");
    server.admin().delete("/v1/stores").expectError(405, "method_not_allowed");
    store.api().raw(HttpMethod.POST, store.path(""), "application/json", "{}").expectError(405, "method_not_allowed");
  }

  @Test
  void badQueryParametersAre400NamingThem() {
    assertEquals("limit", store.api().get(store.customers() + query("limit", "many")).expectError(400, null).getString("param"));
    assertEquals("search", store.api().get(store.customers() + query("search", "x".repeat(201)))
        .expectError(400, null).getString("param"));
    store.api().get(store.customers() + query("metadata", "x")).expectError(400, null);
    store.api().get(store.customers() + query("search", "caf\u00e9 \ud83d\ude00")).expect(200);
  }

  @Test
  void textWithANulCharacterIs400() {
    store.api().get(store.customers() + query("search", "nul\u0000byte")).expectError(400, "parameter_invalid");
    store.api().post(store.customers(), new JsonObject().put("email", "nul@example.com").put("first_name", "a\u0000b"))
        .expectError(400, "parameter_invalid");
    store.api().post(store.customers(), new JsonObject().put("email", "nul@example.com")
        .put("metadata", new JsonObject().put("k", "a\u0000b"))).expectError(400, "parameter_invalid");
    store.api().patch(customer, new JsonObject().put("last_name", "a\u0000b")).expectError(400, "parameter_invalid");
    store.api().post(customer + "/notes", new JsonObject().put("body", "a\u0000b")).expectError(400, "parameter_invalid");
    assertEquals(1, store.api().get(store.customers()).page().size(), "nothing was created");
  }

  @Test
  void anOversizedOrOddIdIsAnErrorNotA500() {
    store.api().get(store.customer("x".repeat(101))).expectError(400, null);
    assertEquals("id", store.api().get(store.customer("%00")).expectError(400, "parameter_invalid").getString("param"));
    store.api().get(store.customer(io.shoal.testing.ApiClient.encode("'; select 1; --"))).expectError(404, null);
  }

  @Test
  void unauthenticatedCallsAre401WhateverTheBody() {
    server.anonymous().raw(HttpMethod.POST, store.customers(), "application/json", "{").expectError(401, "unauthorized");
    server.anonymous().get(store.customers()).expectError(401, "unauthorized");
    server.withKey("wk_live_").get(store.customers()).expectError(401, "unauthorized");
  }
}
