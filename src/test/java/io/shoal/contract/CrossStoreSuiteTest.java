package io.shoal.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shoal.contract.SuiteStores.Answer;
import io.shoal.contract.SuiteStores.Seeded;
import io.shoal.testing.ApiClient;
import io.shoal.testing.TestServer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Generated from the contract: every operation of a store, called with another store's key, or
 * with the caller's own store but another store's ids, answers 404, and no answer shows anything
 * of the other store (its ids, its customer's name). An operation added to the contract is in
 * here without anyone listing it.
 */
@Timeout(value = 600, unit = TimeUnit.SECONDS)
class CrossStoreSuiteTest {

  static TestServer server;
  static HttpClient http;
  static Seeded mine;
  static Seeded theirs;

  @BeforeAll
  @Timeout(value = 5, unit = TimeUnit.MINUTES) // a server start and the seeding, on a busy machine
  static void start() {
    server = TestServer.start();
    mine = SuiteStores.seed(server, "Mine");
    theirs = SuiteStores.seed(server, "Theirs");
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
  void anotherStoresKeyAndIdsAnswer404AndLeakNothing() {
    ContractModel model = ContractModel.load();
    List<String> failures = new ArrayList<>();
    List<String> secrets = SuiteStores.secrets(theirs);
    int tried = 0;
    int operations = 0;
    // deletes last, so the resources the other calls name still exist
    List<ContractModel.Op> ops = new ArrayList<>(model.operations());
    ops.sort((a, b) -> Boolean.compare(a.method().equals("delete"), b.method().equals("delete")));
    for (ContractModel.Op op : ops) {
      if (!op.isStoreScoped() || !op.usesApiKey()) {
        continue;
      }
      operations++;
      Object body = SuiteStores.validBody(op, mine);
      // 1. my key on their store, with their ids
      String query = SuiteStores.requiredQuery(op, mine);
      String theirPath = SuiteStores.path(model, op, theirs.store().id(), theirs.ids()) + query;
      tried += check(op, theirPath, body, secrets, failures);
      // 2. my key on my store, with their ids (only where the path names a resource)
      // (only where the other store has a resource of that collection: a PUT of a client-named id
      // that the other store does not have creates one in mine, which is no cross-store access)
      boolean namesResource = op.in("path").stream()
          .anyMatch(p -> !p.name().equals("store_id") && !(p.schema().get("enum") instanceof List)
              && theirs.ids().containsKey(SuiteStores.collectionOf(op.path(), p.name())));
      if (namesResource) {
        String minePath = SuiteStores.path(model, op, mine.store().id(), theirs.ids()) + query;
        tried += check(op, minePath, body, secrets, failures);
      }
      // 3. my store, their ids in the query parameters that name a resource: never their data
      for (ContractModel.Param q : op.in("query")) {
        String collection = switch (q.name()) {
          case "segment_id" -> "segments";
          case "customer_id" -> "customers";
          case "template_id" -> "templates";
          case "campaign_id" -> "campaigns";
          default -> null;
        };
        if (collection == null) {
          continue;
        }
        String uri = SuiteStores.path(model, op, mine.store().id(), mine.ids()) + "?" + q.name() + "="
            + theirs.ids().get(collection);
        Answer a = ApiClient.await(SuiteStores.send(http, HttpMethod.valueOf(op.method().toUpperCase()), uri,
            mine.store().apiKey(), body));
        tried++;
        if (a.status() >= 500 || leaks(a, secrets) != null) {
          failures.add(op + " " + uri + " -> " + a.status() + " " + a.body());
        }
      }
    }
    // 4. my store, their ids inside the body: refused (404 or 422, or 400 naming the field), and
    //    nothing of theirs changes
    Map<String, String> before = theirResources();
    int bodyProbes = 0;
    for (ContractModel.Op op : ops) {
      if (!op.isStoreScoped() || !op.usesApiKey() || op.body() == null || op.method().equals("delete")
          || !(SuiteStores.validBody(op, mine) instanceof JsonObject valid)) {
        continue;
      }
      String uri = SuiteStores.path(model, op, mine.store().id(), mine.ids()) + SuiteStores.requiredQuery(op, mine);
      for (Map.Entry<String, Object> probe : bodiesWithTheirIds(op, valid).entrySet()) {
        Answer a = ApiClient.await(SuiteStores.send(http, HttpMethod.valueOf(op.method().toUpperCase()), uri,
            mine.store().apiKey(), probe.getValue()));
        tried++;
        bodyProbes++;
        if (a.status() != 404 && a.status() != 422 && a.status() != 400 && !refusedInside(op, a)) {
          failures.add(op + " body " + probe.getKey() + " of theirs -> " + a.status() + " "
              + a.body().substring(0, Math.min(300, a.body().length())));
        }
      }
    }
    Map<String, String> after = theirResources();
    before.forEach((what, json) -> {
      if (!json.equals(after.get(what))) {
        failures.add("their " + what + " changed: " + json + " -> " + after.get(what));
      }
    });
    System.out.printf("cross-store suite: %d requests with the other store's ids in the body%n", bodyProbes);
    assertTrue(bodyProbes >= 20, "body probes: " + bodyProbes);
    System.out.printf("cross-store suite: %d operations, %d requests tried, %d failures%n", operations, tried,
        failures.size());
    failures.forEach(f -> System.out.println("cross-store failure: " + f));
    assertTrue(operations >= 70, "the contract has its operations: " + operations);
    assertEquals(List.of(), failures);
  }

  private static int check(ContractModel.Op op, String uri, Object body, List<String> secrets, List<String> failures) {
    Answer a = ApiClient.await(SuiteStores.send(http, HttpMethod.valueOf(op.method().toUpperCase()), uri,
        mine.store().apiKey(), body));
    // an id the request itself names may be echoed in the error; anything else of theirs may not
    String leak = leaks(a, secrets.stream().filter(x -> !uri.contains(x)).toList());
    if (a.status() != 404 || leak != null) {
      failures.add(op + " " + uri + " -> " + a.status() + (leak == null ? "" : " shows " + leak) + " "
          + a.body().substring(0, Math.min(300, a.body().length())));
    }
    return 1;
  }

  /** Their resources as their own key reads them: what no request of mine may change. */
  private static Map<String, String> theirResources() {
    Map<String, String> out = new java.util.TreeMap<>();
    String base = "/v1/stores/" + theirs.store().id();
    Map<String, String> reads = Map.of(
        "customer", base + "/customers/" + theirs.ids().get("customers"),
        "segment", base + "/segments/" + theirs.ids().get("segments"),
        "members", base + "/segments/" + theirs.ids().get("segments") + "/members",
        "template", base + "/templates/" + theirs.ids().get("templates"),
        "campaign", base + "/campaigns/" + theirs.ids().get("campaigns"),
        "rule", base + "/automation-rules/" + theirs.ids().get("automation-rules"),
        "endpoint", base + "/webhook-endpoints/" + theirs.ids().get("webhook-endpoints"),
        "notes", base + "/customers/" + theirs.ids().get("customers") + "/notes");
    reads.forEach((what, uri) -> out.put(what, ApiClient.await(SuiteStores.send(http, HttpMethod.GET, uri,
        theirs.store().apiKey(), null)).body()));
    return out;
  }

  /**
   * Answers that refuse inside a 2xx, by design: a batch rejects its events one by one, and a
   * removal of ids that are not members (theirs are not) is idempotent and removes nothing.
   */
  private static boolean refusedInside(ContractModel.Op op, Answer a) {
    if (a.status() / 100 != 2) {
      return false;
    }
    JsonObject body = new JsonObject(a.body());
    return switch (op.operationId()) {
      case "ingestEventBatch" -> body.getInteger("accepted", -1) == 0 && body.getInteger("rejected", 0) > 0;
      case "removeSegmentMembers" -> body.getInteger("removed", -1) == 0;
      default -> false;
    };
  }

  private static String theirIdFor(String field) {
    if (!field.endsWith("_id") && !field.endsWith("_ids")) {
      return null;
    }
    String collection = switch (field.replaceFirst("_ids?$", "")) {
      case "customer" -> "customers";
      case "segment" -> "segments";
      case "template" -> "templates";
      case "campaign" -> "campaigns";
      case "endpoint" -> "webhook-endpoints";
      case "rule", "automation_rule" -> "automation-rules";
      default -> null;
    };
    return collection == null ? null : theirs.ids().get(collection);
  }

  /**
   * The valid body with one of their ids in each field that names a resource: top level
   * ({@code segment_id}, {@code customer_ids}), one level down in objects, in the items of
   * arrays of objects, and in the actions of automation rules (send: a template, segment: a segment).
   */
  @SuppressWarnings("unchecked")
  static Map<String, Object> bodiesWithTheirIds(ContractModel.Op op, JsonObject valid) {
    Map<String, Object> out = new java.util.LinkedHashMap<>();
    Map<String, Object> props = op.body().get("properties") instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
    props.forEach((name, schemaValue) -> {
      Map<String, Object> schema = schemaValue instanceof Map<?, ?> sm ? (Map<String, Object>) sm : Map.of();
      String theirId = theirIdFor(name);
      if (theirId != null && name.endsWith("_ids")) {
        out.put(name, valid.copy().put(name, new io.vertx.core.json.JsonArray().add(theirId)));
      } else if (theirId != null && name.endsWith("_id")) {
        out.put(name, valid.copy().put(name, theirId));
      }
      Map<String, Object> inner = null;
      boolean array = false;
      if ("object".equals(SuiteStores.type(schema)) && schema.get("properties") instanceof Map<?, ?> ip) {
        inner = (Map<String, Object>) ip;
      } else if ("array".equals(SuiteStores.type(schema)) && schema.get("items") instanceof Map<?, ?> items
          && items.get("properties") instanceof Map<?, ?> ip) {
        inner = (Map<String, Object>) ip;
        array = true;
      }
      if (inner == null) {
        return;
      }
      Object baseValue = op.operationId().equals("ingestEventBatch") && name.equals("events")
          ? SuiteStores.knownValid("ingestEvent", mine)
          : array ? (valid.getValue(name) instanceof io.vertx.core.json.JsonArray given && !given.isEmpty()
          ? given.getValue(0) : SuiteStores.minimal((Map<String, Object>) schema.get("items"), mine, name))
          : (valid.getValue(name) instanceof JsonObject given ? given : SuiteStores.minimal(schema, mine, name));
      if (!(baseValue instanceof JsonObject base)) {
        return;
      }
      for (String innerName : inner.keySet()) {
        String id = theirIdFor(innerName);
        if (id == null) {
          continue;
        }
        Object v = innerName.endsWith("_ids") ? new io.vertx.core.json.JsonArray().add(id) : id;
        JsonObject changed = base.copy().put(innerName, v);
        out.put(name + (array ? "[0]." : ".") + innerName,
            valid.copy().put(name, array ? new io.vertx.core.json.JsonArray().add(changed) : changed));
      }
    });
    if (op.operationId().equals("createAutomationRule") || op.operationId().equals("updateAutomationRule")) {
      out.put("actions[0].template_id", valid.copy().put("actions", new io.vertx.core.json.JsonArray().add(
          new JsonObject().put("type", "send_email").put("template_id", theirs.ids().get("templates")))));
      out.put("actions[0].segment_id", valid.copy().put("actions", new io.vertx.core.json.JsonArray().add(
          new JsonObject().put("type", "add_to_segment").put("segment_id", theirs.ids().get("segments")))));
    }
    return out;
  }

  private static String leaks(Answer a, List<String> secrets) {
    for (String s : secrets) {
      if (a.body().contains(s)) {
        return s;
      }
    }
    return null;
  }

  @Test
  void theSuiteCatchesALeak() {
    // the checks themselves: an answer naming the other store's customer is a leak
    Answer leaking = new Answer(404, "application/json", "{\"error\":{\"message\":\"no customer "
        + theirs.ids().get("customers") + "\"}}");
    assertEquals(theirs.ids().get("customers"), leaks(leaking, SuiteStores.secrets(theirs)));
    Map<String, String> none = Map.of();
    assertEquals(null, leaks(new Answer(404, "application/json", "{}"), List.copyOf(none.values())));
  }
}
