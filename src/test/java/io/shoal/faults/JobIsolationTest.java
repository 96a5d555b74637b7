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
 * time. One test per job running in this server: the campaign scheduler, the message dispatcher,
 * the webhook dispatcher, automation delayed actions, privacy requests. (Automation rules and
 * saved metric models are read at start-up: {@link RestartIsolationTest}.)
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class JobIsolationTest {

  static TestServer server;

  @BeforeAll
  @Timeout(value = 5, unit = TimeUnit.MINUTES)
  static void start() {
    server = TestServer.start(java.util.Map.of("SHOAL_CAMPAIGN_POLL_INTERVAL_MS", "500",
        "SHOAL_DELIVERY_POLL_INTERVAL_MS", "200", "SHOAL_AUTOMATION_POLL_INTERVAL_MS", "200",
        "SHOAL_WEBHOOK_POLL_INTERVAL_MS", "100"));
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

  @Test
  void aMessageThatCannotBeReadIsFailedAloneAndAnotherStoresCampaignMessageIsSent() {
    TestStore poisoned = server.createStore("Poisoned messages");
    TestStore healthy = server.createStore("Healthy messages");
    String[] a = campaignSetUp(poisoned, Instant.now().plusSeconds(3600).toString());
    String customer = poisoned.api().get(poisoned.customers()).page().get(0).getString("id");
    // due since a minute, with variables no template can use (an array): claimed with the others
    TestDatabase.execute(server.databaseUrl(), "INSERT INTO messages (store_id, id, customer_id, channel, source,"
        + " source_id, dedupe_key, template_id, variables, not_before) VALUES ('" + poisoned.id() + "', 'msg_poisoned',"
        + " '" + customer + "', 'email', 'campaign', '" + a[0] + "', 'poisoned', '" + a[2] + "', '[1]',"
        + " now() - interval '1 minute')");
    Instant due = Instant.now().plusSeconds(2);
    String good = campaignSetUp(healthy, due.toString())[0];

    JsonObject sent = waitFor(Duration.ofSeconds(30), () -> {
      var page = healthy.api().get(healthy.path("/messages?source_id=" + good)).page();
      return page.size() == 1 && page.get(0).getString("sent_at") != null ? page.get(0) : null;
    });
    assertNotNull(sent, "the healthy store's campaign message was sent");
    long lateMs = Duration.between(due, Instant.parse(sent.getString("sent_at"))).toMillis();
    assertTrue(lateMs < 15_000, "sent " + lateMs + " ms after its campaign was due");
    JsonObject failed = waitFor(Duration.ofSeconds(30), () -> {
      JsonObject m = poisoned.api().get(poisoned.path("/messages/msg_poisoned")).expect(200);
      return "failed".equals(m.getString("status")) ? m : null;
    });
    assertNotNull(failed, "the poisoned message is marked failed");
    assertTrue(failed.getString("last_error").contains("cannot be read"), failed::encode);
  }

  @Test
  void aWebhookDeliveryThatCannotBeMadeIsFailedAloneAndAnotherStoresIsDelivered() throws Exception {
    TestStore poisoned = server.createStore("Poisoned webhooks");
    TestStore healthy = server.createStore("Healthy webhooks");
    java.util.List<JsonObject> received = new java.util.concurrent.CopyOnWriteArrayList<>();
    io.vertx.core.http.HttpServer receiver = io.shoal.testing.ApiClient.await(server.clientVertx().createHttpServer()
        .requestHandler(req -> req.body().onSuccess(b -> {
          received.add(new JsonObject().put("at", System.currentTimeMillis()).put("event", b.toJsonObject()));
          req.response().setStatusCode(204).end();
        })).listen(0, "127.0.0.1"));
    try {
      String url = "http://127.0.0.1:" + receiver.actualPort() + "/hook";
      String bad = poisoned.api().post(poisoned.path("/webhook-endpoints"), new JsonObject().put("url", url)
          .put("events", new JsonArray().add("customer.created"))).expect(201).getString("id");
      healthy.api().post(healthy.path("/webhook-endpoints"), new JsonObject().put("url", url)
          .put("events", new JsonArray().add("customer.created"))).expect(201);
      // a secret no signature can be made with (an empty HMAC key), then an edit so the dispatcher re-reads it
      TestDatabase.execute(server.databaseUrl(), "UPDATE webhook_endpoints SET secret = '' WHERE store_id = '"
          + poisoned.id() + "' AND id = '" + bad + "'");
      poisoned.api().patch(poisoned.path("/webhook-endpoints/" + bad), new JsonObject().put("description", "x"))
          .expect(200);
      Thread.sleep(500);

      poisoned.createCustomer(new JsonObject().put("email", "first@poisoned.example"));
      long created = System.currentTimeMillis();
      String customer = healthy.createCustomer(new JsonObject().put("email", "one@healthy.example")).getString("id");
      JsonObject got = waitFor(Duration.ofSeconds(20), () -> received.stream().filter(r -> customer.equals(
          r.getJsonObject("event").getJsonObject("data").getJsonObject("customer").getString("id"))).findFirst()
          .orElse(null));
      assertNotNull(got, "the healthy store's endpoint got its event");
      assertTrue(got.getLong("at") - created < 5_000, "delivered " + (got.getLong("at") - created) + " ms after");
      JsonObject failed = waitFor(Duration.ofSeconds(20), () -> {
        var page = poisoned.api().get(poisoned.path("/webhook-endpoints/" + bad + "/deliveries")).page();
        return page.size() == 1 && "failed".equals(page.get(0).getString("status")) ? page.get(0) : null;
      });
      assertNotNull(failed, "the poisoned store's delivery is marked failed");
      assertTrue(failed.getString("last_error").contains("cannot be made"), failed::encode);
      assertTrue(received.stream().noneMatch(r -> poisoned.id().equals(r.getJsonObject("event").getString("store_id"))),
          "nothing unsigned went out");
      // the poisoned endpoint's next event fails alone too, and the healthy one keeps flowing
      poisoned.createCustomer(new JsonObject().put("email", "second@poisoned.example"));
      String next = healthy.createCustomer(new JsonObject().put("email", "two@healthy.example")).getString("id");
      assertNotNull(waitFor(Duration.ofSeconds(20), () -> received.stream().filter(r -> next.equals(
          r.getJsonObject("event").getJsonObject("data").getJsonObject("customer").getString("id"))).findFirst()
          .orElse(null)));
      assertNotNull(waitFor(Duration.ofSeconds(20), () -> {
        var page = poisoned.api().get(poisoned.path("/webhook-endpoints/" + bad + "/deliveries")).page();
        return page.size() == 2 && page.stream().allMatch(d -> "failed".equals(d.getString("status"))) ? page : null;
      }), "both poisoned deliveries failed");
    } finally {
      io.shoal.testing.ApiClient.await(receiver.close());
    }
  }

  @Test
  void aDelayedActionThatCannotRunIsFailedAloneAndAnotherStoresRunsOnTime() {
    TestStore poisoned = server.createStore("Poisoned automations");
    TestStore healthy = server.createStore("Healthy automations");
    String badRule = poisoned.api().post(poisoned.path("/automation-rules"), new JsonObject().put("name", "Later")
        .put("trigger_event", "custom.poked").put("actions", new JsonArray().add(new JsonObject()
            .put("type", "add_tag").put("tag", "poked").put("delay", "1h")))).expect(201).getString("id");
    String goodRule = healthy.api().post(healthy.path("/automation-rules"), new JsonObject().put("name", "Soon")
        .put("trigger_event", "custom.poked").put("actions", new JsonArray().add(new JsonObject()
            .put("type", "add_tag").put("tag", "poked").put("delay", "3s")))).expect(201).getString("id");
    poke(poisoned, "a@poisoned.example");
    JsonObject badRun = waitFor(Duration.ofSeconds(20), () -> first(poisoned, badRule));
    assertNotNull(badRun, "the poisoned store's run started");
    // its step: due now, with an action that cannot be read (not an object)
    TestDatabase.execute(server.databaseUrl(), "UPDATE automation_steps SET action = '[1]', due_at = now()"
        + " WHERE store_id = '" + poisoned.id() + "' AND run_id = '" + badRun.getString("id") + "'");
    poke(healthy, "b@healthy.example");
    JsonObject goodRun = waitFor(Duration.ofSeconds(20), () -> first(healthy, goodRule));
    assertNotNull(goodRun, "the healthy store's run started");
    Instant due = Instant.parse(goodRun.getJsonArray("steps").getJsonObject(0).getString("due_at"));

    JsonObject done = waitFor(Duration.ofSeconds(30), () -> {
      JsonObject step = first(healthy, goodRule).getJsonArray("steps").getJsonObject(0);
      return "done".equals(step.getString("status")) ? step : null;
    });
    assertNotNull(done, "the healthy store's delayed action ran");
    long lateMs = Duration.between(due, Instant.parse(done.getString("executed_at"))).toMillis();
    assertTrue(lateMs < 10_000, "ran " + lateMs + " ms after it was due");
    JsonObject failed = waitFor(Duration.ofSeconds(30), () -> {
      JsonObject step = first(poisoned, badRule).getJsonArray("steps").getJsonObject(0);
      return "failed".equals(step.getString("status")) ? step : null;
    });
    assertNotNull(failed, "the poisoned step is marked failed");
    assertTrue(failed.getString("outcome").startsWith("could not run"), failed::encode);
  }

  private static void poke(TestStore store, String email) {
    store.api().post(store.path("/events"), new JsonObject().put("type", "custom.poked")
        .put("customer", new JsonObject().put("email", email)).put("data", new JsonObject())).expect(202);
  }

  private static JsonObject first(TestStore store, String ruleId) {
    var runs = store.api().get(store.path("/automation-rules/" + ruleId + "/runs")).page();
    return runs.isEmpty() ? null : runs.get(0);
  }

  @Test
  void aPrivacyRequestThatCannotBeProcessedIsFailedAloneAndAnotherStoresCompletes() {
    TestStore poisoned = server.createStore("Poisoned privacy");
    TestStore healthy = server.createStore("Healthy privacy");
    String victim = poisoned.createCustomer(new JsonObject().put("email", "v@poisoned.example")).getString("id");
    // the oldest open request of all, with a step list no worker can read (a NULL step)
    TestDatabase.execute(server.databaseUrl(), "INSERT INTO data_requests (store_id, id, customer_id, type,"
        + " requested_by, steps_done, estimated_completion, created_at) VALUES ('" + poisoned.id() + "', 'drr_poisoned',"
        + " '" + victim + "', 'erasure', 'admin', '{NULL}', now() + interval '1 day', now() - interval '1 hour')");
    String customer = healthy.createCustomer(new JsonObject().put("email", "h@healthy.example")).getString("id");
    long asked = System.currentTimeMillis();
    String request = healthy.api().post(healthy.customer(customer) + "/removal-request",
        new JsonObject().put("type", "export")).expect(202).getString("id");

    JsonObject completed = waitFor(Duration.ofSeconds(30), () -> {
      JsonObject r = healthy.api().get(healthy.path("/removal-requests/" + request)).expect(200);
      return "completed".equals(r.getString("status")) ? r : null;
    });
    assertNotNull(completed, "the healthy store's request completed");
    assertTrue(System.currentTimeMillis() - asked < 20_000, "completed within 20 s");
    JsonObject failed = waitFor(Duration.ofSeconds(30), () -> {
      JsonObject r = poisoned.api().get(poisoned.path("/removal-requests/drr_poisoned")).expect(200);
      return "failed".equals(r.getString("status")) ? r : null;
    });
    assertNotNull(failed, "the poisoned request is marked failed");
    assertTrue(failed.getString("failure_reason").contains("cannot be processed"), failed::encode);
    assertNotNull(poisoned.api().get(poisoned.customer(victim)).expect(200), "nothing of the poisoned one was erased");
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
