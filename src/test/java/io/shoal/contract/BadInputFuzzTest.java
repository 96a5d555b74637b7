package io.shoal.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shoal.contract.SuiteStores.Answer;
import io.shoal.contract.SuiteStores.Seeded;
import io.shoal.testing.ApiClient;
import io.shoal.testing.TestServer;
import io.vertx.core.Future;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Generated from the contract: every query parameter and every body field (top level and one
 * level down) of every operation gets wrong types, null, NUL bytes, out-of-range numbers and
 * dates, oversize strings and unknown enum values, each on an otherwise valid request; every
 * operation also gets an unknown query parameter, an unknown body field and bodies of the wrong
 * shape. No answer may be a 5xx, and a 400 or 422 to a request that spoils one parameter or field
 * must name it in {@code error.param} (that field, or a part of it: {@code items[0]} or
 * {@code items.0}, {@code customer.email}). The count of requests tried is printed.
 */
@Timeout(value = 900, unit = TimeUnit.SECONDS)
class BadInputFuzzTest {

  private static final int IN_FLIGHT = 6;

  static TestServer server;
  static HttpClient http;
  static Seeded mine;

  /** One bad request; {@code target} is the parameter or field it spoils (null: none in particular). */
  record Probe(ContractModel.Op op, HttpMethod method, String uri, Object body, String what, String target) {
    Probe(ContractModel.Op op, HttpMethod method, String uri, Object body, String what) {
      this(op, method, uri, body, what, null);
    }
  }

  @BeforeAll
  @Timeout(value = 5, unit = TimeUnit.MINUTES) // a server start and the seeding, on a busy machine
  static void start() {
    server = TestServer.start();
    mine = SuiteStores.seed(server, "Fuzzed");
    http = SuiteStores.client(server);
  }

  @AfterAll
  static void stop() {
    if (http != null) {
      ApiClient.await(http.close());
    }
    server.close();
  }

  @Test
  void noBadInputIsAServerError() {
    ContractModel model = ContractModel.load();
    List<ContractModel.Op> ops = new ArrayList<>(model.operations().stream()
        .filter(op -> op.isStoreScoped()).toList());
    // calls that remove what others name go last
    ops.sort((a, b) -> Boolean.compare(destructive(a), destructive(b)));
    List<String> failures = Collections.synchronizedList(new ArrayList<>());
    List<String> misnamed = Collections.synchronizedList(new ArrayList<>());
    java.util.concurrent.atomic.AtomicInteger named = new java.util.concurrent.atomic.AtomicInteger();
    int tried = 0;
    int unchecked = 0;
    List<String> refusedValid = new ArrayList<>();
    for (ContractModel.Op op : ops) {
      List<Probe> probes = probes(model, op);
      // the valid request first: where it is itself refused (a seeded resource in the wrong state,
      // a rule the generated body misses), a probe refused for that same reason says nothing
      // about the field it spoils and is not checked for the name
      Answer control = ApiClient.await(SuiteStores.send(http, HttpMethod.valueOf(op.method().toUpperCase()),
          SuiteStores.path(model, op, mine.store().id(), mine.ids()) + SuiteStores.requiredQuery(op, mine),
          mine.store().apiKey(), SuiteStores.validBody(op, mine)).otherwise(t -> new Answer(-1, null, "")), 60);
      boolean controlRefused = control.status() == 400 || control.status() == 422;
      String controlParam = controlRefused ? param(control.body()) : null;
      if (controlRefused) {
        refusedValid.add(op.operationId() + " (" + controlParam + ")");
      }
      int[] skipped = new int[1];
      for (int i = 0; i < probes.size(); i += IN_FLIGHT) {
        List<Future<Void>> batch = new ArrayList<>();
        for (Probe p : probes.subList(i, Math.min(probes.size(), i + IN_FLIGHT))) {
          batch.add(SuiteStores.send(http, p.method(), p.uri(), mine.store().apiKey(), p.body())
              .otherwise(t -> new Answer(-1, null, String.valueOf(t)))
              .map(a -> {
                if (a.status() >= 500 || a.status() < 100) {
                  String body = p.body() == null ? "" : io.vertx.core.json.Json.encode(p.body());
                  failures.add(p.op() + " " + p.what() + ": " + a.status() + " " + a.body() + " <- " + p.uri() + " "
                      + body.substring(0, Math.min(200, body.length())));
                } else if ((a.status() == 400 || a.status() == 422) && p.target() != null) {
                  String param = param(a.body());
                  if (controlRefused && java.util.Objects.equals(param, controlParam) && !names(param, p.target())) {
                    synchronized (skipped) {
                      skipped[0]++;
                    }
                  } else if (!names(param, p.target())) {
                    misnamed.add(p.op() + " " + p.what() + ": " + a.status() + " names " + param + ", not "
                        + p.target() + ": " + a.body().substring(0, Math.min(300, a.body().length())));
                  } else {
                    named.incrementAndGet();
                  }
                }
                return null;
              }));
        }
        ApiClient.await(Future.all(batch), 120);
      }
      tried += probes.size() + 1;
      unchecked += skipped[0];
      System.out.printf("fuzz %-28s %4d requests%n", op.operationId(), probes.size());
    }
    System.out.printf("bad-input fuzz suite: %d operations, %d requests tried, %d answered 5xx;"
        + " %d rejections named the spoiled parameter, %d did not, %d not checked (refused like the valid request"
        + " of their operation)%n", ops.size(), tried, failures.size(), named.get(), misnamed.size(), unchecked);
    System.out.println("operations whose valid request was itself refused: " + refusedValid);
    failures.forEach(f -> System.out.println("fuzz failure: " + f));
    misnamed.forEach(f -> System.out.println("fuzz misnamed: " + f));
    assertTrue(tried > 1000, "requests tried: " + tried);
    assertTrue(named.get() > 1000, "rejections checked: " + named.get());
    assertEquals(List.of(), failures);
    assertEquals(List.of(), misnamed);
  }

  private static String param(String body) {
    try {
      return new JsonObject(body).getJsonObject("error").getString("param");
    } catch (RuntimeException e) {
      return null;
    }
  }

  /**
   * A valid value of one field that makes another required: the 400 rightly names the other
   * (a segment made dynamic needs rules; a coupon restricted to segments needs their ids).
   */
  private static final Map<String, String> CONSEQUENCES = Map.of("is_dynamic", "rules",
      "segment_restricted", "segment_ids");

  /** Whether an error's param names the target or a part of it ({@code a[0].b} and {@code a.0.b} alike). */
  static boolean names(String param, String target) {
    if (param == null) {
      return false;
    }
    if (param.equals(CONSEQUENCES.get(target))) {
      return true;
    }
    String p = param.replaceAll("\\[(\\d+)]", ".$1");
    String t = target.replaceAll("\\[(\\d+)]", ".$1");
    return p.equals(t) || p.startsWith(t + ".");
  }

  private static boolean destructive(ContractModel.Op op) {
    return op.method().equals("delete") || op.path().contains("removal-request") || op.path().endsWith("/cancel");
  }

  static List<Probe> probes(ContractModel model, ContractModel.Op op) {
    List<Probe> out = new ArrayList<>();
    HttpMethod method = HttpMethod.valueOf(op.method().toUpperCase());
    String path = SuiteStores.path(model, op, mine.store().id(), mine.ids());
    Object body = SuiteStores.validBody(op, mine);
    // query parameters
    for (ContractModel.Param q : op.in("query")) {
      String others = SuiteStores.requiredQuery(op, mine, q.name()).replaceFirst("^\\?", "&");
      for (String value : badValues(q.name(), q.schema())) {
        out.add(new Probe(op, method, path + "?" + q.name() + "=" + enc(value) + others, body,
            "query " + q.name() + "=" + show(value), q.name()));
      }
      out.add(new Probe(op, method, path + "?" + q.name() + "=a&" + q.name() + "=b" + others, body,
          "query " + q.name() + " twice", q.name()));
    }
    String required = SuiteStores.requiredQuery(op, mine).replaceFirst("^\\?", "&");
    out.add(new Probe(op, method, path + "?zz_unknown=1" + required, body, "unknown query parameter", "zz_unknown"));
    out.add(new Probe(op, method, path + "?tags%5B%5D=vip&offset=" + required, body, "unknown query parameters"));
    final String base = path + SuiteStores.requiredQuery(op, mine);
    // path parameters other than the store
    for (ContractModel.Param p : op.in("path")) {
      if (p.name().equals("store_id")) {
        continue;
      }
      for (String value : List.of("%00", "x".repeat(300), "%F0%28%8C%28", "..")) {
        String uri = SuiteStores.path(model, op, mine.store().id(), Map.of(SuiteStores.collectionOf(op.path(), p.name()), value));
        if (p.schema().get("enum") instanceof List<?> values) {
          uri = model.basePath() + op.path().replace("{store_id}", mine.store().id()).replace("{" + p.name() + "}", value);
          for (ContractModel.Param other : op.in("path")) {
            if (!other.name().equals(p.name()) && !other.name().equals("store_id")) {
              uri = uri.replace("{" + other.name() + "}", mine.ids().getOrDefault(SuiteStores.collectionOf(op.path(), other.name()), "zz"));
            }
          }
        }
        out.add(new Probe(op, method, uri + SuiteStores.requiredQuery(op, mine), body, "path " + p.name() + "=" + show(value)));
      }
    }
    // the body
    if (op.body() != null && body instanceof JsonObject valid) {
      for (Object whole : new Object[] {new JsonArray(), "x", 5, new JsonObject(), null}) {
        if (whole == null && !op.bodyRequired()) {
          continue;
        }
        out.add(new Probe(op, method, base, whole == null ? new RawNull() : whole, "body " + show(String.valueOf(whole))));
      }
      out.add(new Probe(op, method, base, valid.copy().put("zz_unknown", 1), "unknown body field", "zz_unknown"));
      @SuppressWarnings("unchecked")
      Map<String, Object> props = op.body().get("properties") instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
      props.forEach((name, schemaValue) -> {
        @SuppressWarnings("unchecked")
        Map<String, Object> schema = (Map<String, Object>) schemaValue;
        for (Object bad : badJson(name, schema)) {
          out.add(new Probe(op, method, base, valid.copy().put(name, bad), "body " + name + "=" + show(String.valueOf(bad)),
              name));
        }
        // one level down: each field of an object field, on a valid object
        if ("object".equals(SuiteStores.type(schema)) && schema.get("properties") instanceof Map<?, ?> inner) {
          Object innerBase = valid.getValue(name) instanceof JsonObject given ? given
              : SuiteStores.minimal(schema, mine, name);
          if (innerBase instanceof JsonObject baseObject) {
            inner.forEach((innerName, innerSchema) -> {
              @SuppressWarnings("unchecked")
              Map<String, Object> is = (Map<String, Object>) innerSchema;
              for (Object bad : badJson((String) innerName, is)) {
                out.add(new Probe(op, method, base, valid.copy().put(name, baseObject.copy().put((String) innerName, bad)),
                    "body " + name + "." + innerName + "=" + show(String.valueOf(bad)), name + "." + innerName));
              }
            });
          }
        }
        // inside an array of objects: the items' fields
        if ("array".equals(SuiteStores.type(schema)) && schema.get("items") instanceof Map<?, ?> items
            && items.get("properties") instanceof Map<?, ?> itemProps) {
          @SuppressWarnings("unchecked")
          Object item = SuiteStores.minimal((Map<String, Object>) items, mine, name);
          if (item instanceof JsonObject itemObject) {
            itemProps.forEach((innerName, innerSchema) -> {
              @SuppressWarnings("unchecked")
              Map<String, Object> is = (Map<String, Object>) innerSchema;
              for (Object bad : badJson((String) innerName, is)) {
                out.add(new Probe(op, method, base, valid.copy().put(name, new JsonArray().add(itemObject.copy()
                    .put((String) innerName, bad))), "body " + name + "[0]." + innerName + "=" + show(String.valueOf(bad)),
                    name + "[0]." + innerName));
              }
            });
          }
        }
      });
    }
    return out;
  }

  /** A JSON null as the whole body. */
  record RawNull() {}

  static boolean dateLike(String name) {
    return name.endsWith("_at") || name.contains("date") || name.contains("after") || name.contains("before")
        || name.equals("as_of") || name.equals("expires") || name.contains("until");
  }

  static List<String> badValues(String name, Map<String, Object> schema) {
    List<String> v = new ArrayList<>(List.of("", "\u0000", "a\u0000b", "zzz_unknown_value", "-1", "1.5",
        "99999999999999999999999", "1e400", "null", "true", "[1]", "{\"a\":1}", "%", "\uD83D\uDE00", "'; select 1;--"));
    int max = schema.get("maxLength") instanceof Number n ? n.intValue() : 2000;
    v.add("x".repeat(max + 1));
    if (dateLike(name)) {
      v.addAll(List.of("0000-01-01", "0000-01-01T00:00:00Z", "+99999-01-01T00:00:00Z", "-0001-01-01T00:00:00Z",
          "9999-12-31T23:59:59Z", "1969-12-31T23:59:59Z", "2026-13-45", "2026-02-30T25:61:00Z"));
    }
    return v;
  }

  static List<Object> badJson(String name, Map<String, Object> schema) {
    List<Object> v = new ArrayList<>();
    v.add(null);
    v.add(12345);
    v.add("str");
    v.add(true);
    v.add(new JsonArray().add(1).add("x").addNull());
    v.add(new JsonObject().put("a", 1));
    v.add("\u0000");
    v.add("a\u0000b");
    v.add(1e20);
    v.add(-1e20);
    v.add(-1);
    v.add(0);
    v.add(1.5);
    v.add(new JsonArray().add("a\u0000b"));
    v.add(new JsonObject().put("a\u0000", "b"));
    v.add("zzz_unknown_value");
    int max = schema.get("maxLength") instanceof Number n ? n.intValue() : 100_000;
    v.add("x".repeat(max + 1));
    v.add(new JsonArray(Collections.nCopies(10_001, "x")));
    if (dateLike(name) || "date-time".equals(schema.get("format"))) {
      v.addAll(List.of("0000-01-01T00:00:00Z", "+99999-01-01T00:00:00Z", "+999999999-01-01T00:00:00Z",
          "-0001-01-01T00:00:00Z", "9999-12-31T23:59:59Z", "1969-12-31T23:59:59Z", "2026-02-30T25:61:00Z"));
    }
    return v;
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  private static String show(String s) {
    String shown = s.replace("\u0000", "\\0");
    return shown.length() > 40 ? shown.substring(0, 40) + "...(" + shown.length() + ")" : shown;
  }
}
