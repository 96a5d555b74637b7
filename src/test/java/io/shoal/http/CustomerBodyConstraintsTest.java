package io.shoal.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shoal.testing.ApiResponse;
import io.shoal.testing.TestServer;
import io.shoal.testing.TestStore;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Creating and updating a customer, the hot POST/PATCH whose bodies are now checked by
 * {@link BodyValidation}: every constraint the contract states for the body (read from
 * {@code openapi/shoal.yaml} here, not copied) still answers its 400 naming the field, and a
 * body at each limit is accepted. Nothing refused is written.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class CustomerBodyConstraintsTest {

  private static TestServer server;
  private static TestStore store;
  private static String customer;
  private static JsonObject contract;

  /** One request that breaks one constraint: the body, the field the answer must name, and why. */
  private record Violation(JsonObject body, String param, String code, String what) {}

  @BeforeAll
  static void start() throws Exception {
    server = TestServer.start();
    store = server.createStore("Constraints");
    customer = store.customer(store.createCustomer(new JsonObject().put("email", "c@example.com")).getString("id"));
    contract = ApiVerticle.routable(Buffer.buffer(Files.readString(Path.of(ApiVerticle.CONTRACT))));
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static JsonObject schema(String name) {
    return contract.getJsonObject("components").getJsonObject("schemas").getJsonObject(name);
  }

  private static JsonObject deref(JsonObject s) {
    String ref = s.getString("$ref");
    return ref == null ? s : schema(ref.substring(ref.lastIndexOf('/') + 1));
  }

  /** Each constraint of each field of CustomerFields (and of the nested address), broken once. */
  private static List<Violation> violations() {
    List<Violation> out = new ArrayList<>();
    JsonObject fields = schema("CustomerFields").getJsonObject("properties");
    for (String name : fields.fieldNames()) {
      addViolations(out, name, deref(fields.getJsonObject(name)), v -> new JsonObject().put(name, v));
    }
    return out;
  }

  private static void addViolations(List<Violation> out, String param, JsonObject s,
                                    java.util.function.Function<Object, JsonObject> bodyWith) {
    List<String> types = types(s);
    out.add(new Violation(bodyWith.apply(types.contains("string") ? (Object) 42 : "text"), param, "parameter_invalid",
        "type " + types));
    if (s.containsKey("maxLength")) {
      out.add(new Violation(bodyWith.apply("x".repeat(s.getInteger("maxLength") + 1)), param, "parameter_invalid",
          "maxLength"));
    }
    if (s.containsKey("minLength")) {
      out.add(new Violation(bodyWith.apply("x".repeat(s.getInteger("minLength") - 1)), param, "parameter_invalid",
          "minLength"));
    }
    if (s.containsKey("maxItems")) {
      JsonArray many = new JsonArray();
      for (int i = 0; i <= s.getInteger("maxItems"); i++) {
        many.add("t" + i);
      }
      out.add(new Violation(bodyWith.apply(many), param, "parameter_invalid", "maxItems"));
    }
    if (s.getValue("items") instanceof JsonObject items) {
      addViolations(out, param + ".0", deref(items), v -> bodyWith.apply(new JsonArray().add(v)));
    }
    if (s.containsKey("maxProperties")) {
      JsonObject many = new JsonObject();
      for (int i = 0; i <= s.getInteger("maxProperties"); i++) {
        many.put("k" + i, "v");
      }
      out.add(new Violation(bodyWith.apply(many), param, "parameter_invalid", "maxProperties"));
    }
    if (s.getValue("additionalProperties") instanceof JsonObject values) {
      addViolations(out, param + ".k", deref(values), v -> bodyWith.apply(new JsonObject().put("k", v)));
    }
    if (Boolean.FALSE.equals(s.getValue("additionalProperties"))) {
      out.add(new Violation(bodyWith.apply(new JsonObject().put("planet", "Mars")), param + ".planet",
          "parameter_unknown", "additionalProperties"));
    }
    if (s.getValue("properties") instanceof JsonObject props) {
      for (String name : props.fieldNames()) {
        addViolations(out, param + "." + name, deref(props.getJsonObject(name)),
            v -> bodyWith.apply(new JsonObject().put(name, v)));
      }
    }
  }

  private static List<String> types(JsonObject s) {
    Object t = s.getValue("type");
    List<String> out = new ArrayList<>();
    if (t instanceof String one) {
      out.add(one);
    } else if (t instanceof JsonArray many) {
      many.forEach(x -> out.add((String) x));
    }
    return out;
  }

  @Test
  void everyConstraintOfTheBodyAnswers400NamingTheField() {
    List<Violation> violations = violations();
    int before = store.api().get(store.customers()).page().size();
    assertTrue(violations.size() >= 30, "constraints found in the contract: " + violations.size());
    int n = 0;
    for (Violation v : violations) {
      n++;
      // an identity, so the only fault is the one under test
      JsonObject create = v.body.copy();
      if (!create.containsKey("email")) {
        create.put("email", "constraint" + n + "@example.com");
      } else {
        create.put("external_id", "ext-constraint-" + n);
      }
      JsonObject error = store.api().post(store.customers(), create).expectError(400, v.code);
      assertEquals(v.param, error.getString("param"), () -> v.what + ": " + create.encode() + " -> " + error.encode());
      JsonObject patched = store.api().patch(customer, v.body).expectError(400, v.code);
      assertEquals(v.param, patched.getString("param"), () -> v.what + ": " + v.body.encode() + " -> " + patched.encode());
    }
    assertEquals(before, store.api().get(store.customers()).page().size(), "nothing refused was created");
  }

  @Test
  void anUnknownFieldAndAnEmptyPatchAreRefusedAsBefore() {
    assertEquals("nickname", store.api().post(store.customers(), new JsonObject().put("email", "u@example.com")
        .put("nickname", "Bob")).expectError(400, "parameter_unknown").getString("param"));
    store.api().patch(customer, new JsonObject()).expectError(400, null);
  }

  @Test
  void aBodyAtEveryLimitIsAccepted() {
    JsonObject fields = schema("CustomerFields").getJsonObject("properties");
    JsonObject body = new JsonObject();
    for (String name : fields.fieldNames()) {
      JsonObject s = deref(fields.getJsonObject(name));
      List<String> types = types(s);
      if (types.contains("boolean")) {
        body.put(name, true);
      } else if (types.contains("array")) {
        JsonArray tags = new JsonArray();
        for (int i = 0; i < s.getInteger("maxItems"); i++) {
          tags.add(("t" + i + "x".repeat(64)).substring(0, 64));
        }
        body.put(name, tags);
      } else if (types.contains("object") && s.getValue("properties") instanceof JsonObject props) {
        JsonObject address = new JsonObject();
        props.fieldNames().forEach(p -> address.put(p, p.equals("country") ? "US"
            : "A".repeat(props.getJsonObject(p).getInteger("maxLength"))));
        body.put(name, address);
      } else if (types.contains("object")) {
        JsonObject metadata = new JsonObject();
        for (int i = 0; i < s.getInteger("maxProperties"); i++) {
          metadata.put("k" + i, "v".repeat(500));
        }
        body.put(name, metadata);
      } else if (List.of("first_name", "last_name", "external_id").contains(name)) {
        body.put(name, "x".repeat(s.getInteger("maxLength"))); // at the limit
      } else {
        body.put(name, switch (name) { // formats the handler checks: plain values
          case "email" -> "limit@example.com";
          case "phone" -> "+14155550134";
          default -> "Europe/Paris";
        });
      }
    }
    ApiResponse created = store.api().post(store.customers(), body);
    assertEquals(201, created.status(), created::text);
  }
}
