package io.shoal.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.shoal.testing.ApiClient;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.openapi.router.RequestExtractor;
import io.vertx.json.schema.Validator;
import io.vertx.openapi.contract.OpenAPIContract;
import io.vertx.openapi.contract.Operation;
import io.vertx.openapi.validation.RequestValidator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The compiled body checks ({@link CompiledSchema}, used by {@link BodyValidation}) never let
 * through a body that vertx-json-schema refuses: for every operation of the contract whose body
 * compiles, bodies generated from its own schema, and every single-field mutation of them (wrong
 * types, lengths at and over each limit in chars and in code points, bad dates, unknown and
 * missing fields, out-of-range numbers), are given to both. Whatever the compiled check accepts,
 * the library accepts too; and the valid bodies of the hot operations are accepted by the
 * compiled checks (the fast path is taken).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class BodyValidationTest {

  private static Vertx vertx;
  private static OpenAPIContract contract;
  private static JsonObject written;

  @BeforeAll
  static void load() throws Exception {
    vertx = Vertx.vertx();
    Buffer text = Buffer.buffer(Files.readString(Path.of(ApiVerticle.CONTRACT)));
    contract = ApiClient.await(OpenAPIContract.from(vertx, ApiVerticle.routable(text)));
    written = ApiVerticle.routable(text);
  }

  @AfterAll
  static void close() {
    ApiClient.await(vertx.close());
  }

  private static BodyValidation compiled(Operation op) {
    return BodyValidation.of(written, op, RequestExtractor.withBodyHandler(), RequestValidator.create(vertx, contract));
  }

  @Test
  void theHotOperationsCompile() {
    for (String id : List.of("ingestEvent", "ingestEventBatch", "createCustomer", "updateCustomer")) {
      assertNotNull(compiled(contract.operation(id)), id + " should be validated by compiled checks");
    }
  }

  @Test
  void whatTheCompiledChecksAcceptTheLibraryAccepts() {
    TreeSet<String> compiledOps = new TreeSet<>();
    TreeSet<String> left = new TreeSet<>();
    int accepted = 0;
    int refused = 0;
    for (Operation op : contract.operations()) {
      if (op.getRequestBody() == null) {
        continue;
      }
      BodyValidation check = compiled(op);
      if (check == null) {
        left.add(op.getOperationId());
        continue;
      }
      compiledOps.add(op.getOperationId());
      Validator library = contract.getSchemaRepository()
          .validator(op.getRequestBody().getContent().get("application/json").getSchema());
      Object schema = rawBodySchema(op.getOperationId());
      Object valid = generate(schema, 0);
      List<Object> bodies = new ArrayList<>();
      bodies.add(valid);
      mutations(valid, bodies::add);
      for (Object body : bodies) {
        // through JSON text, as a request body arrives
        Object decoded = Json.decodeValue(Json.encode(body));
        boolean fast = check.accepts(decoded);
        boolean slow = library.validate(decoded).getValid();
        if (fast && !slow) {
          fail(op.getOperationId() + ": the compiled check accepts what the library refuses: " + Json.encode(body)
              + " -> " + library.validate(decoded).toString());
        }
        if (fast) {
          accepted++;
        } else {
          refused++;
        }
      }
      if (List.of("ingestEvent", "ingestEventBatch", "createCustomer", "updateCustomer").contains(op.getOperationId())) {
        assertTrue(check.accepts(Json.decodeValue(Json.encode(valid))),
            op.getOperationId() + ": a valid body takes the fast path: " + Json.encode(valid));
      }
    }
    System.out.println("compiled: " + compiledOps + "\nleft to the library: " + left
        + "\nbodies accepted by both: " + accepted + ", sent to the library: " + refused);
    assertTrue(accepted > 100 && refused > 100, accepted + " / " + refused);
  }

  @Test
  void anUnusualRequestIsLeftToTheLibrary() {
    // content types with parameters, values the library reads as JSON: not decided here
    BodyValidation check = compiled(contract.operation("createCustomer"));
    assertTrue(check.accepts(new JsonObject().put("email", "a@example.com")));
    assertTrue(!check.accepts(new JsonObject().put("email", 42)));
    assertTrue(!check.accepts(new JsonObject().put("unknown", "x")));
  }

  // --- bodies from the contract's own schemas ---------------------------------------------------

  private static Object rawBodySchema(String operationId) {
    JsonObject paths = written.getJsonObject("paths");
    for (String name : paths.fieldNames()) {
      JsonObject item = paths.getJsonObject(name);
      for (String method : item.fieldNames()) {
        if (item.getValue(method) instanceof JsonObject op && operationId.equals(op.getString("operationId"))) {
          return op.getJsonObject("requestBody").getJsonObject("content").getJsonObject("application/json")
              .getValue("schema");
        }
      }
    }
    throw new IllegalArgumentException(operationId);
  }

  private static JsonObject deref(Object schema) {
    JsonObject s = schema instanceof JsonObject o ? o : new JsonObject();
    while (s.getValue("$ref") instanceof String ref) {
      JsonObject target = (JsonObject) BodyValidation.resolve(written, ref);
      JsonObject merged = target.copy();
      for (String k : s.fieldNames()) {
        if (!k.equals("$ref")) {
          merged.put(k, s.getValue(k));
        }
      }
      s = merged;
    }
    return s;
  }

  /** A valid instance of a schema, as far as one can be made without search (patterns use the examples). */
  private static Object generate(Object schemaValue, int depth) {
    JsonObject s = deref(schemaValue);
    if (s.containsKey("allOf")) {
      JsonObject out = new JsonObject();
      for (Object part : s.getJsonArray("allOf")) {
        if (generate(part, depth) instanceof JsonObject o) {
          out.mergeIn(o);
        }
      }
      JsonObject rest = s.copy();
      rest.remove("allOf");
      if (generate(rest, depth) instanceof JsonObject o) {
        out.mergeIn(o);
      }
      return out;
    }
    if (s.containsKey("const")) {
      return s.getValue("const");
    }
    if (s.getValue("enum") instanceof JsonArray values) {
      return values.getValue(0);
    }
    String type = firstType(s);
    switch (type) {
      case "string" -> {
        if (s.containsKey("format") && s.getString("format").equals("date-time")) {
          return "2026-03-08T14:30:00.000Z";
        }
        if (s.containsKey("pattern")) {
          Object example = s.getValue("example", s.getValue("examples") instanceof JsonArray e ? e.getValue(0) : null);
          return example == null ? "a" : example;
        }
        return "a".repeat(Math.max(1, s.getInteger("minLength", 1)));
      }
      case "integer" -> {
        return s.getValue("minimum") instanceof Number n ? n.longValue()
            : s.getValue("exclusiveMinimum") instanceof Number n ? n.longValue() + 1 : 1;
      }
      case "number" -> {
        return s.getValue("minimum") instanceof Number n ? n.doubleValue() + 0.5
            : s.getValue("exclusiveMinimum") instanceof Number n ? n.doubleValue() + 1.5 : 1.5;
      }
      case "boolean" -> {
        return true;
      }
      case "array" -> {
        JsonArray out = new JsonArray();
        int n = Math.max(1, s.getInteger("minItems", 1));
        if (depth < 5 && s.containsKey("items")) {
          for (int i = 0; i < n; i++) {
            out.add(generate(s.getValue("items"), depth + 1));
          }
        }
        return out;
      }
      case "object" -> {
        JsonObject out = new JsonObject();
        if (depth < 5 && s.getValue("properties") instanceof JsonObject props) {
          for (String name : props.fieldNames()) {
            out.put(name, generate(props.getValue(name), depth + 1));
          }
        }
        return out;
      }
      default -> {
        return null;
      }
    }
  }

  private static String firstType(JsonObject s) {
    Object t = s.getValue("type");
    if (t instanceof String one) {
      return one;
    }
    if (t instanceof JsonArray many) {
      for (Object each : many) {
        if (!"null".equals(each)) {
          return (String) each;
        }
      }
      return "null";
    }
    return s.containsKey("properties") ? "object" : "string";
  }

  private static final Object[] REPLACEMENTS = {
      null, true, false, 0, -1, 1, 2.5, -0.5, 1e12, 99999999999L, "", "x", "2026-13-45T00:00:00Z", "2026-03-08",
      "2026-03-08T14:30:00Z", "not a date", "a".repeat(64), "a".repeat(65), "a".repeat(100), "a".repeat(101),
      "a".repeat(200), "a".repeat(201), "a".repeat(254), "a".repeat(255), "a".repeat(500), "a".repeat(501),
      "\uD83D\uDE00".repeat(32), "\uD83D\uDE00".repeat(33), "\uD83D\uDE00".repeat(50), "\uD83D\uDE00".repeat(51),
      "\uD83D\uDE00".repeat(100), "\uD83D\uDE00".repeat(101), new JsonObject(), new JsonObject().put("zz", 1),
      new JsonArray(), new JsonArray().add("a"), new JsonArray().add(1), new JsonArray().add(new JsonObject()),
      "USD", "order.completed", "page.viewed", "dynamic", "static", "active", "draft", "email", "all", "any",
  };

  /** Every instance that differs from the given one at one place: a value replaced, a field added or removed. */
  private static void mutations(Object instance, Consumer<Object> out) {
    mutate(instance, copy -> copy, out);
  }

  private static void mutate(Object at, java.util.function.Function<Object, Object> root, Consumer<Object> out) {
    if (at instanceof JsonObject o) {
      for (String name : new ArrayList<>(o.fieldNames())) {
        for (Object r : REPLACEMENTS) {
          out.accept(replaced(o, name, r, root));
        }
        JsonObject without = o.copy();
        without.remove(name);
        out.accept(root.apply(without));
        Object child = o.getValue(name);
        mutate(child, replacement -> root.apply(o.copy().put(name, replacement)), out);
      }
      out.accept(root.apply(o.copy().put("zz_unknown", "x")));
      out.accept(root.apply(manyFields(o, 51)));
      out.accept(root.apply(manyFields(o, 101)));
    } else if (at instanceof JsonArray a && !a.isEmpty()) {
      for (Object r : REPLACEMENTS) {
        JsonArray copy = a.copy();
        copy.set(0, r instanceof JsonObject j ? j.copy() : r instanceof JsonArray j ? j.copy() : r);
        out.accept(root.apply(copy));
      }
      JsonArray many = new JsonArray();
      for (int i = 0; i < 1001; i++) {
        many.add(a.getValue(0));
      }
      out.accept(root.apply(many));
      out.accept(root.apply(new JsonArray()));
      Object first = a.getValue(0);
      mutate(first, replacement -> {
        JsonArray copy = a.copy();
        copy.set(0, replacement);
        return root.apply(copy);
      }, out);
    }
  }

  private static Object replaced(JsonObject o, String name, Object value, java.util.function.Function<Object, Object> root) {
    JsonObject copy = o.copy();
    copy.put(name, value instanceof JsonObject j ? j.copy() : value instanceof JsonArray j ? j.copy() : value);
    return root.apply(copy);
  }

  private static JsonObject manyFields(JsonObject o, int n) {
    JsonObject copy = o.copy();
    for (int i = 0; i < n; i++) {
      copy.put("k" + i, "v");
    }
    return copy;
  }

  @Test
  void mutationsReachEveryField() {
    // the generator itself: createCustomer's body has its twelve fields, each mutated
    Object body = generate(rawBodySchema("createCustomer"), 0);
    Map<String, Integer> seen = new LinkedHashMap<>();
    mutations(body, b -> seen.merge(String.valueOf(((JsonObject) b).size()), 1, Integer::sum));
    assertEquals(12, ((JsonObject) body).size(), Json.encode(body));
    assertTrue(seen.values().stream().mapToInt(Integer::intValue).sum() > 500, seen.toString());
  }
}
