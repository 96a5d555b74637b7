package io.shoal.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shoal.testing.TestDatabase;
import io.shoal.testing.TestServer;
import io.shoal.testing.TestStore;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Background jobs and a row they cannot process: a poisoned row planted in one store is marked
 * failed with its reason (visible through the API), and another store's work is still done on
 * time.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class JobIsolationTest {

  static TestServer server;

  @BeforeAll
  @Timeout(value = 5, unit = TimeUnit.MINUTES)
  static void start() {
    server = TestServer.start(java.util.Map.of("SHOAL_CAMPAIGN_POLL_INTERVAL_MS", "500"));
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static String[] campaignSetUp(TestStore store, String scheduledAt) {
    String customer = store.createCustomer(new JsonObject().put("email", "c@" + store.id() + ".example")
        .put("email_consent", true)).getString("id");
    String segment = store.api().post(store.path("/segments"), new JsonObject().put("name", "All").put("type", "static")
        .put("customer_ids", new JsonArray().add(customer))).expect(201).getString("id");
    String template = store.api().post(store.path("/templates"), new JsonObject().put("name", "T").put("channel", "email")
        .put("subject", "Hi").put("html", "<p>Hi</p>")).expect(201).getString("id");
    String campaign = store.api().post(store.path("/campaigns"), new JsonObject().put("name", "C").put("type", "email")
        .put("segment_id", segment).put("template_id", template).put("scheduled_at", scheduledAt)).expect(201)
        .getString("id");
    return new String[] {campaign, segment, template};
  }

  @Test
  void aCampaignThatCannotStartIsMarkedFailedAndAnotherStoresDueCampaignStartsOnTime() {
    TestStore poisoned = server.createStore("Poisoned campaigns");
    TestStore healthy = server.createStore("Healthy campaigns");
    String bad = campaignSetUp(poisoned, Instant.now().plusSeconds(3600).toString())[0];
    // due first of all (a year-0 time, as the API once stored) and with options no code can read
    TestDatabase.execute(server.databaseUrl(), "UPDATE campaigns SET scheduled_at = '0001-01-01 00:00:00+00 BC',"
        + " send_options = '[1]' WHERE store_id = '" + poisoned.id() + "' AND id = '" + bad + "'");
    Instant due = Instant.now().plusSeconds(2);
    String good = campaignSetUp(healthy, due.toString())[0];

    JsonObject started = waitFor(Duration.ofSeconds(30), () -> {
      JsonObject c = healthy.api().get(healthy.path("/campaigns/" + good)).expect(200);
      return c.getString("started_at") == null ? null : c;
    });
    assertNotNull(started, "the healthy store's campaign started");
    long lateMs = Duration.between(due, Instant.parse(started.getString("started_at"))).toMillis();
    assertTrue(lateMs < 15_000, "started " + lateMs + " ms after it was due");
    JsonObject failed = waitFor(Duration.ofSeconds(30), () -> {
      JsonObject c = poisoned.api().get(poisoned.path("/campaigns/" + bad)).expect(200);
      return "failed".equals(c.getString("status")) ? c : null;
    });
    assertNotNull(failed, "the poisoned campaign is marked failed");
    assertTrue(failed.getString("failure_reason") != null && !failed.getString("failure_reason").isBlank(),
        failed::encode);
    assertEquals(1, poisoned.api().get(poisoned.path("/campaigns?status=failed")).page().size());
  }

  static <T> T waitFor(Duration within, Supplier<T> probe) {
    long deadline = System.nanoTime() + within.toNanos();
    while (System.nanoTime() < deadline) {
      T t = probe.get();
      if (t != null) {
        return t;
      }
      try {
        Thread.sleep(200);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return null;
      }
    }
    return probe.get();
  }
}
