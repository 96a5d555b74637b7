package io.shoal.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shoal.contract.SuiteStores.Answer;
import io.shoal.contract.SuiteStores.Seeded;
import io.shoal.testing.ApiClient;
import io.shoal.testing.TestServer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
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
