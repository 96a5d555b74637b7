package io.shoal.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shoal.testing.ApiClient;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.openapi.contract.OpenAPIContract;
import io.vertx.openapi.validation.RequestParameter;
import io.vertx.openapi.validation.RequestValidator;
import io.vertx.openapi.validation.ValidatableRequest;
import io.vertx.openapi.validation.impl.RequestParameterImpl;
import io.vertx.openapi.validation.impl.ValidatableRequestImpl;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Requests are validated against Shoal's contract with validators built once per schema, and
 * they decide exactly as the validators vertx-openapi builds afresh for every request.
 */
class ReusedValidatorsTest {

  private static Vertx vertx;
  private static OpenAPIContract contract;

  @BeforeAll
  static void load() throws Exception {
    vertx = Vertx.vertx();
    Buffer text = Buffer.buffer(Files.readString(Path.of(ApiVerticle.CONTRACT)));
    contract = ApiClient.await(OpenAPIContract.from(vertx, ApiVerticle.routable(text)));
  }

  @AfterAll
  static void close() {
    ApiClient.await(vertx.close());
  }

  private static ValidatableRequest createCustomer(JsonObject body) {
    Map<String, RequestParameter> path = Map.of("store_id", new RequestParameterImpl("store_1"));
    return new ValidatableRequestImpl(Map.of(), Map.of(), path, Map.of(), new RequestParameterImpl(body.toBuffer()),
        "application/json");
  }

  @Test
  void aSchemasValidatorIsBuiltOnceAndReused() {
    ReusedValidators reused = ReusedValidators.of(contract);
    RequestValidator validator = RequestValidator.create(vertx, reused);
    ApiClient.await(validator.validate(createCustomer(new JsonObject().put("email", "a@example.com")), "createCustomer"));
    long built = reused.built();
    assertTrue(built >= 2, "the body's and the store_id's validators: " + built);
    for (int i = 0; i < 20; i++) {
      ApiClient.await(validator.validate(createCustomer(new JsonObject().put("email", i + "@example.com")),
          "createCustomer"));
    }
    assertEquals(built, reused.built(), "no validator built again for the same operation");
    assertTrue(reused.reused() >= 20 * built, "kept ones answered: " + reused.reused());
  }

  @Test
  void theKeptValidatorsDecideAsFreshOnes() {
    RequestValidator fresh = RequestValidator.create(vertx, contract);
    RequestValidator kept = RequestValidator.create(vertx, ReusedValidators.of(contract));
    JsonObject[] bodies = {
        new JsonObject().put("email", 5),
        new JsonObject().put("email", "x@example.com").put("tags", "not-a-list"),
        new JsonObject().put("email", "x@example.com").put("email_consent", "yes"),
        new JsonObject().put("email", "ok@example.com").put("first_name", "Ada"),
    };
    for (JsonObject body : bodies) {
      for (int round = 0; round < 2; round++) { // the second round runs on kept validators
        String a = outcome(fresh, body);
        String b = outcome(kept, body);
        assertEquals(a, b, body.encode());
      }
    }
    assertTrue(outcome(kept, bodies[0]).startsWith("invalid"), "a number for email is refused");
    assertEquals("valid", outcome(kept, bodies[3]));
  }

  private static String outcome(RequestValidator validator, JsonObject body) {
    try {
      validator.validate(createCustomer(body), "createCustomer").toCompletionStage().toCompletableFuture().get();
      return "valid";
    } catch (ExecutionException e) {
      return "invalid: " + e.getCause().getMessage();
    } catch (InterruptedException e) {
      throw new IllegalStateException(e);
    }
  }
}
