package io.shoal.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shoal.config.ShoalConfig;
import io.shoal.kernel.Ids;
import io.shoal.testing.TestDatabase;
import io.shoal.testing.TestServer;
import io.shoal.testing.TestStore;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The background jobs that read their rows at start-up: automation rules (the trigger reader)
 * and each store's saved metrics model (the refits). One store's row that cannot be read, planted
 * while Shoal is stopped, must neither stop Shoal from starting nor keep another store's rule or
 * model from working; the row is marked failed with its reason, visible through the API.
 */
@Timeout(value = 6, unit = TimeUnit.MINUTES)
class RestartIsolationTest {

  @Test
  void aRuleAndASavedModelThatCannotBeReadAreFailedAloneAndEveryOtherStoreWorksAfterAStart() {
    String databaseUrl = TestDatabase.createDatabase();
    Path dataDir = TestServer.tempDir();
    Map<String, String> env = new HashMap<>();
    env.put(ShoalConfig.HTTP_HOST, "127.0.0.1");
    env.put(ShoalConfig.HTTP_PORT, "0");
    env.put(ShoalConfig.DATA_DIR, dataDir.toString());
    env.put(ShoalConfig.PG_URL, databaseUrl);
    env.put(ShoalConfig.ADMIN_KEY, "wk_admin_test_" + Ids.random(24));
    env.put(ShoalConfig.PG_POOL_SIZE, "8");
    env.put("SHOAL_AUTOMATION_POLL_INTERVAL_MS", "200");
    ShoalConfig config = ShoalConfig.fromMap(env);
    try {
      String[] a;
      String[] b;
      try (TestServer first = TestServer.start(config)) {
        a = storeWithRule(first.createStore("Poisoned at start"));
        b = storeWithRule(first.createStore("Healthy at start"));
      }
      // while stopped: store A's rule no longer reads (conditions not a list), its saved model
      // has a time Java cannot read and a parameter that is not a number; store B's model is fine
      TestDatabase.execute(databaseUrl, "UPDATE automation_rules SET conditions = '{\"broken\": true}'"
          + " WHERE store_id = '" + a[0] + "'");
      TestDatabase.execute(databaseUrl, model(a[0], "'NaN'", "'0001-01-01 00:00:00+00 BC'"));
      TestDatabase.execute(databaseUrl, model(b[0], "0.25", "now()"));

      try (TestServer second = TestServer.start(config)) {
        TestStore poisoned = new TestStore(a[0], a[1], second.withKey(a[1]));
        TestStore healthy = new TestStore(b[0], b[1], second.withKey(b[1]));

        JsonObject rule = poisoned.api().get(poisoned.path("/automation-rules/" + a[2])).expect(200);
        assertFalse(rule.getBoolean("is_active"), rule::encode);
        assertTrue(rule.getString("failure_reason", "").contains("cannot be read"), rule::encode);
        assertEquals(new JsonArray(), rule.getJsonArray("conditions"), "reset to readable");
        poke(poisoned, "a@poisoned.example");
        long poked = System.currentTimeMillis();
        poke(healthy, "b@healthy.example");
        JsonObject step = JobIsolationTest.waitFor(Duration.ofSeconds(20), () -> {
          List<JsonObject> runs = healthy.api().get(healthy.path("/automation-rules/" + b[2] + "/runs")).page();
          JsonObject s = runs.isEmpty() ? null : runs.get(0).getJsonArray("steps").getJsonObject(0);
          return s != null && "done".equals(s.getString("status")) ? s : null;
        });
        assertNotNull(step, "the healthy store's rule ran");
        assertTrue(System.currentTimeMillis() - poked < 15_000, "within 15 s of its event");
        assertEquals(0, poisoned.api().get(poisoned.path("/automation-rules/" + a[2] + "/runs")).page().size(),
            "the failed rule started nothing");

        JsonObject bad = poisoned.api().get(poisoned.path("/metrics/model")).expect(200);
        assertEquals("insufficient_data", bad.getString("status"), bad::encode);
        assertTrue(bad.getString("failure_reason", "").contains("could not be used"), bad::encode);
        JsonObject good = healthy.api().get(healthy.path("/metrics/model")).expect(200);
        assertEquals("fitted", good.getString("status"), good::encode);
        assertEquals(0.25, good.getDouble("r"), 1e-9);
        assertNull(good.getString("failure_reason"), good::encode);
      }
    } finally {
      TestDatabase.dropDatabase(databaseUrl);
      try (var paths = java.nio.file.Files.walk(dataDir)) {
        paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      } catch (java.io.IOException e) {
        // a leftover temporary directory is not worth failing the test for
      }
    }
  }

  /** The store with a customer and an active rule tagging whoever is poked: {store, key, rule}. */
  private static String[] storeWithRule(TestStore store) {
    String rule = store.api().post(store.path("/automation-rules"), new JsonObject().put("name", "Poke")
        .put("trigger_event", "custom.poked").put("conditions", new JsonArray().add(new JsonObject()
            .put("field", "event.type").put("operator", "eq").put("value", "custom.poked")))
        .put("actions", new JsonArray().add(new JsonObject().put("type", "add_tag").put("tag", "poked"))))
        .expect(201).getString("id");
    return new String[] {store.id(), store.apiKey(), rule};
  }

  private static void poke(TestStore store, String email) {
    store.api().post(store.path("/events"), new JsonObject().put("type", "custom.poked")
        .put("customer", new JsonObject().put("email", email)).put("data", new JsonObject())).expect(202);
  }

  private static String model(String storeId, String r, String asOf) {
    return "INSERT INTO metrics_models (store_id, r, alpha, a, b, log_likelihood, p, q, gamma, spend_log_likelihood,"
        + " as_of, customers, repeat_customers, fitted_at) VALUES ('" + storeId + "', " + r + ", 4.41, 0.79, 2.43,"
        + " -9582.4, 6.25, 3.74, 15.44, -100.0, " + asOf + ", 100, 40, now())";
  }
}
