package io.shoal.contract;

import io.shoal.kernel.Ids;
import io.shoal.testing.ApiClient;
import io.shoal.testing.TestServer;
import io.shoal.testing.TestStore;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Two stores with one resource of every kind each, for the suites generated from the contract:
 * their ids by the path segment that names the collection ({@code customers -> cust_...}), and a
 * minimal valid body for every operation (the contract's example when it has one).
 */
final class SuiteStores {

  /** A store, its ids by collection, and a text every one of its answers about itself may show. */
  record Seeded(TestStore store, Map<String, String> ids, String marker) {}

  /** What a request answered: status, content type, body (empty for a stream, which is closed at once). */
  record Answer(int status, String contentType, String body) {}

  private SuiteStores() {}

  static Seeded seed(TestServer server, String name) {
    TestStore s = server.createStore(name);
    ApiClient api = s.api();
    String marker = "mark" + Ids.random(12).toLowerCase();
    Map<String, String> ids = new LinkedHashMap<>();
    String customer = s.createCustomer(new JsonObject().put("email", marker + "@example.com")
        .put("first_name", marker)).getString("id");
    ids.put("customers", customer);
    ids.put("notes", api.post(s.customer(customer) + "/notes", new JsonObject().put("body", marker)).expect(201)
        .getString("id"));
    String segment = api.post(s.path("/segments"), new JsonObject().put("name", marker).put("type", "static")
        .put("customer_ids", new JsonArray().add(customer))).expect(201).getString("id");
    ids.put("segments", segment);
    ids.put("customer-segments", segment);
    ids.put("webhook-endpoints", api.post(s.path("/webhook-endpoints"), new JsonObject()
        .put("url", "http://127.0.0.1:9/" + marker).put("events", new JsonArray().add("customer.segment.entered")))
        .expect(201).getString("id"));
    String template = api.post(s.path("/templates"), new JsonObject().put("name", marker).put("channel", "email")
        .put("subject", "Hi").put("html", "<p>Hi</p>")).expect(201).getString("id");
    ids.put("templates", template);
    ids.put("automation-rules", api.post(s.path("/automation-rules"), new JsonObject().put("name", marker)
        .put("trigger_event", "order.completed").put("actions", new JsonArray().add(new JsonObject()
            .put("type", "add_tag").put("tag", "x")))).expect(201).getString("id"));
    ids.put("campaigns", api.post(s.path("/campaigns"), new JsonObject().put("name", marker).put("type", "email")
        .put("segment_id", segment).put("template_id", template).put("scheduled_at", "2990-01-01T00:00:00Z"))
        .expect(201).getString("id"));
    ids.put("events", api.post(s.path("/events"), new JsonObject().put("type", "custom.seen")
        .put("customer_id", customer)).expect(202).getString("id"));
    ids.put("api-keys", api.post(s.path("/api-keys"), new JsonObject().put("name", marker)).expect(201).getString("id"));
    String second = s.createCustomer(new JsonObject().put("email", "x" + marker + "@example.com")).getString("id");
    ids.put("removal-requests", api.post(s.customer(second) + "/removal-request", new JsonObject()
        .put("type", "export")).expect(202).getString("id"));
    return new Seeded(s, ids, marker);
  }

  /** Every id and the marker: none may appear in an answer to another store. */
  static List<String> secrets(Seeded seeded) {
    List<String> all = new ArrayList<>(seeded.ids().values());
    all.add(seeded.store().id());
    all.add(seeded.marker());
    return all;
  }

  /** The path with its parameters filled: store_id, ids from {@code ids} by collection, enums' first value. */
  static String path(ContractModel model, ContractModel.Op op, String storeId, Map<String, String> ids) {
    String path = op.path();
    for (ContractModel.Param p : op.in("path")) {
      String value;
      if (p.name().equals("store_id")) {
        value = storeId;
      } else if (p.schema().get("enum") instanceof List<?> values) {
        value = String.valueOf(values.get(0));
      } else {
        value = ids.getOrDefault(collectionOf(op.path(), p.name()), "zz_" + Ids.random(20));
      }
      path = path.replace("{" + p.name() + "}", value);
    }
    return model.basePath() + path;
  }

  /** The path segment before {@code {name}}: {@code /customers/{id}/notes} -> customers. */
  static String collectionOf(String path, String name) {
    String[] parts = path.split("/");
    for (int i = 1; i < parts.length; i++) {
      if (parts[i].equals("{" + name + "}")) {
        return parts[i - 1];
      }
    }
    return "";
  }

  /** {@code ?name=value&...} for the operation's required query parameters, valid ones, or "". */
  static String requiredQuery(ContractModel.Op op, Seeded own) {
    return requiredQuery(op, own, null);
  }

  /** The same without the parameter {@code except}. */
  static String requiredQuery(ContractModel.Op op, Seeded own, String except) {
    StringBuilder q = new StringBuilder();
    for (ContractModel.Param p : op.in("query")) {
      if (p.required() && !p.name().equals(except)) {
        Object v = minimal(p.schema(), own, p.name());
        q.append(q.length() == 0 ? "?" : "&").append(p.name()).append('=')
            .append(java.net.URLEncoder.encode(String.valueOf(v), java.nio.charset.StandardCharsets.UTF_8));
      }
    }
    return q.toString();
  }

  /**
   * Valid bodies of operations whose rules go beyond what the schema says (an identifier among
   * several, a type with a pattern, a discount matching its type): without them the generated
   * body is itself refused, and a fuzzed field could not be told apart.
   */
  private static JsonObject knownValid(String operationId, Seeded own) {
    return switch (operationId) {
      case "ingestEvent" -> new JsonObject().put("type", "custom.fuzzed").put("customer_id", own.ids().get("customers"));
      case "createCustomer" -> new JsonObject().put("email", "fuzzed@example.com");
      case "createSegment", "createCustomerSegment" -> new JsonObject().put("name", "Fuzzed").put("type", "static");
      case "createTemplate" -> new JsonObject().put("name", "Fuzzed").put("channel", "email").put("subject", "Hi")
          .put("html", "<p>Hi</p>");
      case "createAutomationRule" -> new JsonObject().put("name", "Fuzzed").put("trigger_event", "order.completed")
          .put("actions", new JsonArray().add(new JsonObject().put("type", "add_tag").put("tag", "x")));
      case "createWebhookEndpoint" -> new JsonObject().put("url", "http://127.0.0.1:9/hook")
          .put("events", new JsonArray().add("customer.created"));
      case "createPublishableKey" -> new JsonObject().put("name", "Fuzzed")
          .put("allowed_origins", new JsonArray().add("https://shop.example.com"));
      case "createCoupon" -> new JsonObject().put("code", "FUZZED").put("discount_type", "absolute")
          .put("discount_absolute", new JsonObject().put("amount", 5).put("currency", "USD"));
      case "reportBounce" -> new JsonObject().put("message_id", "msg_fuzzed").put("type", "hard");
      default -> null;
    };
  }

  /** A body the operation accepts: the contract's example, else one built from the schema's required fields. */
  static Object validBody(ContractModel.Op op, Seeded own) {
    if (op.body() == null) {
      return null;
    }
    JsonObject known = knownValid(op.operationId(), own);
    if (known != null) {
      return known;
    }
    Object example = op.body().get("example");
    if (example == null && op.body().get("examples") instanceof List<?> examples && !examples.isEmpty()) {
      example = examples.get(0);
    }
    if (example != null) {
      return Json.decodeValue(Json.encode(example));
    }
    return minimal(op.body(), own, "");
  }

  @SuppressWarnings("unchecked")
  static Object minimal(Map<String, Object> schema, Seeded own, String name) {
    String type = type(schema);
    if (schema.get("const") != null) {
      return schema.get("const");
    }
    if (schema.get("enum") instanceof List<?> values) {
      return values.get(0);
    }
    switch (type) {
      case "object" -> {
        JsonObject o = new JsonObject();
        Map<String, Object> props = schema.get("properties") instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
        if (schema.get("required") instanceof List<?> required) {
          for (Object r : required) {
            Map<String, Object> ps = props.get(r) instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
            o.put((String) r, minimal(ps, own, (String) r));
          }
        }
        int min = schema.get("minProperties") instanceof Number n ? n.intValue() : 0;
        for (Map.Entry<String, Object> p : props.entrySet()) {
          if (o.size() >= min) {
            break;
          }
          if (!o.containsKey(p.getKey()) && p.getValue() instanceof Map<?, ?> ps) {
            o.put(p.getKey(), minimal((Map<String, Object>) ps, own, p.getKey()));
          }
        }
        return o;
      }
      case "array" -> {
        JsonArray a = new JsonArray();
        int min = schema.get("minItems") instanceof Number n ? n.intValue() : 0;
        Map<String, Object> items = schema.get("items") instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
        for (int i = 0; i < Math.max(min, name.endsWith("ids") ? 1 : 0); i++) {
          a.add(minimal(items, own, name.endsWith("_ids") ? name.substring(0, name.length() - 1) : name));
        }
        return a;
      }
      case "integer", "number" -> {
        return schema.get("minimum") instanceof Number n ? n : 1;
      }
      case "boolean" -> {
        return true;
      }
      default -> {
        if (name.endsWith("_id") || name.endsWith("_ids")) {
          String collection = switch (name.replaceFirst("_ids?$", "")) {
            case "customer" -> "customers";
            case "segment" -> "segments";
            case "template" -> "templates";
            default -> "";
          };
          if (own.ids().containsKey(collection)) {
            return own.ids().get(collection);
          }
        }
        if (name.equals("url")) {
          return "http://127.0.0.1:9/hook";
        }
        if (name.equals("email")) {
          return "fresh" + Ids.random(6).toLowerCase() + "@example.com";
        }
        int min = schema.get("minLength") instanceof Number n ? n.intValue() : 1;
        return "v".repeat(Math.max(1, min));
      }
    }
  }

  static String type(Map<String, Object> schema) {
    Object t = schema.get("type");
    if (t instanceof List<?> types) {
      return types.stream().map(String::valueOf).filter(x -> !x.equals("null")).findFirst().orElse("string");
    }
    if (t == null) {
      if (schema.get("properties") != null) {
        return "object";
      }
      return schema.get("items") != null ? "array" : "string";
    }
    return t.toString();
  }

  static boolean nullable(Map<String, Object> schema) {
    return schema.get("type") instanceof List<?> types && types.contains("null");
  }

  /** Sends one request; a text/event-stream answer is closed as soon as its head arrives. */
  static Future<Answer> send(HttpClient http, HttpMethod method, String uri, String key, Object body) {
    RequestOptions options = new RequestOptions().setMethod(method).setURI(uri).setIdleTimeout(30_000);
    MultiMap headers = MultiMap.caseInsensitiveMultiMap();
    if (key != null) {
      headers.add("Authorization", "Bearer " + key);
    }
    if (body != null) {
      headers.add("Content-Type", "application/json");
    }
    options.setHeaders(headers);
    Buffer payload = body == null ? null
        : body instanceof BadInputFuzzTest.RawNull ? Buffer.buffer("null") : Buffer.buffer(Json.encode(body));
    return http.request(options).compose(req -> (payload == null ? req.send() : req.send(payload))
        .compose(resp -> {
          String ct = resp.getHeader("Content-Type");
          if (ct != null && ct.startsWith("text/event-stream")) {
            resp.request().connection().close();
            return Future.succeededFuture(new Answer(resp.statusCode(), ct, ""));
          }
          return resp.body().map(b -> new Answer(resp.statusCode(), ct, b.toString()));
        }));
  }

  static HttpClient client(TestServer server) {
    return server.clientVertx().createHttpClient(new HttpClientOptions().setDefaultHost("127.0.0.1")
        .setDefaultPort(server.port()), new io.vertx.core.http.PoolOptions().setHttp1MaxSize(8));
  }
}
