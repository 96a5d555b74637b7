package io.shoal.automation;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shoal.testing.ApiClient;
import io.shoal.testing.TestServer;
import io.shoal.testing.TestStore;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** What the automation tests share: posting rules and events, reading what Shoal queued. */
final class AutomationFixture {

  private AutomationFixture() {}

  /** The template ids the automation tests name, with their channels. */
  private static final String[][] TEMPLATES = {{"tmpl_thankyou_vip", "email"}, {"tmpl_cart_reminder", "email"},
      {"tmpl_vip_sms", "sms"}, {"tmpl_later", "push"}, {"tmpl_view", "email"}, {"tmpl_first", "sms"},
      {"tmpl_review_request", "email"}, {"tmpl_birthday", "email"}, {"tmpl_x", "email"}, {"t", "email"}};

  /**
   * A new store holding the templates the tests' send actions name (a rule's template must exist
   * in its store), written with those ids straight into its database.
   */
  static TestStore storeWithTemplates(TestServer server, String name) {
    TestStore store = server.createStore(name);
    for (String[] t : TEMPLATES) {
      sql(server, "INSERT INTO templates (store_id, id, name, channel, subject, html, text) VALUES ($1, $2, $2, $3,"
          + " 'Hello', '<p>Hello {{first_name}}</p>', 'Hello {{first_name}}')", store.id(), t[0], t[1]);
    }
    return store;
  }

  static JsonObject createRule(TestStore store, JsonObject rule) {
    return store.api().post(store.path("/automation-rules"), rule).expect(201);
  }

  static JsonObject rule(TestStore store, String id) {
    return store.api().get(store.path("/automation-rules/" + id)).expect(200);
  }

  static List<JsonObject> runs(TestStore store, String ruleId) {
    return store.api().get(store.path("/automation-rules/" + ruleId + "/runs?limit=100")).page();
  }

  static void event(TestStore store, String type, String email, JsonObject data) {
    store.api().post(store.path("/events"), new JsonObject().put("type", type)
        .put("customer", new JsonObject().put("email", email)).put("data", data)).expect(202);
  }

  static JsonObject order(String orderId, double total) {
    return new JsonObject().put("order_id", orderId).put("total", total).put("currency", "USD")
        .put("items", new JsonArray().add(new JsonObject().put("product_id", "bag-1").put("quantity", 1)
            .put("price", total)));
  }

  static JsonObject action(String type, String key, String value) {
    return new JsonObject().put("type", type).put(key, value);
  }

  /** Rows of a query on the server's own database. */
  static List<Row> sql(TestServer server, String query, Object... params) {
    List<Row> out = new ArrayList<>();
    ApiClient.await(server.shoal().database().pool().preparedQuery(query).execute(Tuple.from(params)))
        .forEach(out::add);
    return out;
  }

  /** Messages queued by automations for the store, oldest first. */
  static List<Row> messages(TestServer server, String storeId) {
    return sql(server, "SELECT customer_id, channel, template_id, dedupe_key, variables, created_at FROM messages"
        + " WHERE store_id = $1 AND source = 'automation' ORDER BY created_at", storeId);
  }

  static String customerId(TestStore store, String email) {
    List<JsonObject> found = store.api().get(store.customers() + "?search=" + ApiClient.encode(email)).page();
    assertTrue(found.size() == 1, "one customer " + email);
    return found.get(0).getString("id");
  }

  static boolean eventually(double seconds, BooleanSupplier condition) {
    long deadline = System.nanoTime() + (long) (seconds * 1e9);
    while (System.nanoTime() < deadline) {
      if (condition.getAsBoolean()) {
        return true;
      }
      sleep(25);
    }
    return condition.getAsBoolean();
  }

  static <T> T waitFor(String what, double seconds, Supplier<T> probe, java.util.function.Predicate<T> done) {
    T[] last = unchecked(new Object[1]);
    boolean ok = eventually(seconds, () -> done.test(last[0] = probe.get()));
    assertTrue(ok, () -> what + " within " + seconds + " s; last seen: " + last[0]);
    return last[0];
  }

  @SuppressWarnings("unchecked")
  private static <T> T[] unchecked(Object[] a) {
    return (T[]) a;
  }

  static void sleep(long ms) {
    try {
      TimeUnit.MILLISECONDS.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}
