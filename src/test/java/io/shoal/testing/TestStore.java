package io.shoal.testing;

import io.vertx.core.json.JsonObject;

/** A store made for one test: its id, its first API key, and a client calling with that key. */
public record TestStore(String id, String apiKey, ApiClient api) {

  /** {@code /v1/stores/<id>} followed by {@code suffix}, e.g. {@code path("/customers")}. */
  public String path(String suffix) {
    return "/v1/stores/" + id + suffix;
  }

  public String customers() {
    return path("/customers");
  }

  public String customer(String customerId) {
    return path("/customers/" + customerId);
  }

  /** Creates a customer, asserting 201, and answers it. */
  public JsonObject createCustomer(JsonObject fields) {
    return api.post(customers(), fields).expect(201);
  }
}
