package io.shoal.automation;

import static io.shoal.automation.AutomationFixture.action;
import static io.shoal.automation.AutomationFixture.createRule;
import static io.shoal.automation.AutomationFixture.customerId;
import static io.shoal.automation.AutomationFixture.event;
import static io.shoal.automation.AutomationFixture.messages;
import static io.shoal.automation.AutomationFixture.order;
import static io.shoal.automation.AutomationFixture.runs;
import static io.shoal.automation.AutomationFixture.sleep;
import static io.shoal.automation.AutomationFixture.waitFor;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shoal.config.AutomationConfig;
import io.shoal.notify.DeliverySignature;
import io.shoal.testing.ApiClient;
import io.shoal.testing.TestServer;
import io.shoal.testing.TestStore;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Automations as a store sees them: the seed's post-purchase email, the abandoned cart (both
 * ways), segment-entered triggers, pause and resume, frequency caps, re-entry, conditions
 * re-checked when a delayed action comes due, and the actions that change customers or call out.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class AutomationFlowsTest {

  private static TestServer server;

  @BeforeAll
  static void start() {
    server = TestServer.start(Map.of(AutomationConfig.POLL_INTERVAL_MS, "200"));
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static JsonObject steps(JsonObject run) {
    return run.getJsonArray("steps").getJsonObject(0);
  }

  @Test
  void postPurchaseThankYouIsQueuedAfterItsDelayForOrdersOf100OrMoreOnly() {
    TestStore store = AutomationFixture.storeWithTemplates(server, "Post-purchase");
    JsonObject rule = createRule(store, AutomationRulesApiTest.postPurchase().put("actions", new JsonArray()
        .add(action("send_email", "template_id", "tmpl_thankyou_vip").put("delay", "2s"))));
    String ruleId = rule.getString("id");
    Instant sent = Instant.now();
    event(store, "order.completed", "big@shop.example", order("1001", 150.00));
    event(store, "order.completed", "small@shop.example", order("1002", 40.00));
    String big = customerId(store, "big@shop.example");

    JsonObject run = waitFor("a run for the big order", 10, () -> runs(store, ruleId), r -> r.size() == 1).get(0);
    assertEquals(big, run.getString("customer_id"));
    assertEquals("order.completed", run.getJsonObject("trigger").getString("type"));
    assertEquals("pending", steps(run).getString("status"), "the email waits for its delay");
    assertTrue(messages(server, store.id()).isEmpty(), "nothing queued before the delay");

    List<Row> queued = waitFor("the thank-you email", 10, () -> messages(server, store.id()), m -> m.size() == 1);
    Row m = queued.get(0);
    assertEquals(big, m.getString("customer_id"));
    assertEquals("email", m.getString("channel"));
    assertEquals("tmpl_thankyou_vip", m.getString("template_id"));
    assertEquals(run.getString("id") + ":0", m.getString("dedupe_key"));
    JsonObject variables = (JsonObject) m.getValue("variables");
    assertEquals(150.0, variables.getJsonObject("trigger").getJsonObject("data").getDouble("total"));
    assertFalse(m.getOffsetDateTime("created_at").toInstant().isBefore(sent.plusSeconds(2)), "not before its delay");

    JsonObject done = waitFor("the step marked done", 5, () -> runs(store, ruleId).get(0),
        r -> "done".equals(steps(r).getString("status")));
    assertEquals("completed", done.getString("status"));
    assertEquals(1L, AutomationFixture.rule(store, ruleId).getLong("times_triggered"));
    sleep(500);
    assertEquals(1, messages(server, store.id()).size(), "the small order started nothing");
  }

  @Test
  void abandonedCartSendsTheReminderOnlyWhenNoOrderForTheSameCartFollowed() {
    TestStore store = AutomationFixture.storeWithTemplates(server, "Abandoned carts");
    String ruleId = createRule(store, new JsonObject().put("name", "Abandoned cart").put("trigger_event", "cart.updated")
        .put("actions", new JsonArray().add(action("send_email", "template_id", "tmpl_cart_reminder")
            .put("wait_until", new JsonObject().put("event", "order.completed").put("match", "cart_id")
                .put("timeout", "3s"))))).getString("id");
    JsonObject cart = new JsonObject().put("cart_id", "cart-A").put("total", 80.0)
        .put("items", new JsonArray().add(new JsonObject().put("product_id", "bag-1").put("quantity", 1).put("price", 80.0)));
    event(store, "cart.updated", "buyer@shop.example", cart);
    event(store, "cart.updated", "leaver@shop.example", cart.copy().put("cart_id", "cart-B"));
    // the buyer orders within the hour (here: 3 s), from the same cart; the leaver orders from another cart
    event(store, "order.completed", "buyer@shop.example", order("2001", 80.0).put("cart_id", "cart-A"));
    event(store, "order.completed", "leaver@shop.example", order("2002", 15.0).put("cart_id", "cart-OTHER"));
    String buyer = customerId(store, "buyer@shop.example");
    String leaver = customerId(store, "leaver@shop.example");

    List<JsonObject> all = waitFor("both runs finished", 15, () -> runs(store, ruleId),
        r -> r.size() == 2 && r.stream().noneMatch(x -> "pending".equals(steps(x).getString("status"))));
    for (JsonObject run : all) {
      JsonObject step = steps(run);
      if (run.getString("customer_id").equals(buyer)) {
        assertEquals("skipped", step.getString("status"), run.encode());
        assertEquals("awaited_event_happened", step.getString("outcome"));
      } else {
        assertEquals(leaver, run.getString("customer_id"));
        assertEquals("done", step.getString("status"), run.encode());
      }
    }
    List<Row> queued = messages(server, store.id());
    assertEquals(1, queued.size());
    assertEquals(leaver, queued.get(0).getString("customer_id"));
    assertEquals("tmpl_cart_reminder", queued.get(0).getString("template_id"));
  }

  @Test
  void enteringASegmentTriggersItsRulesAndTheActionsChangeTheCustomer() {
    TestStore store = AutomationFixture.storeWithTemplates(server, "Segment entered");
    String vip = store.api().post(store.path("/segments"), new JsonObject().put("name", "VIP").put("is_dynamic", true)
        .put("rules", new JsonArray().add(new JsonObject().put("field", "total_spent").put("operator", "gte")
            .put("value", 500)))).expect(201).getString("id");
    String welcomed = store.api().post(store.path("/segments"), new JsonObject().put("name", "Welcomed VIPs")
        .put("type", "static")).expect(201).getString("id");
    String ruleId = createRule(store, new JsonObject().put("name", "VIP welcome")
        .put("trigger_event", "customer.segment.entered").put("segment_id", vip)
        .put("actions", new JsonArray()
            .add(action("add_tag", "tag", "vip"))
            .add(action("add_to_segment", "segment_id", welcomed))
            .add(new JsonObject().put("type", "update_customer").put("fields", new JsonObject()
                .put("metadata", new JsonObject().put("tier", "gold"))))
            .add(action("send_sms", "template_id", "tmpl_vip_sms")))).getString("id");
    store.createCustomer(new JsonObject().put("email", "vip@shop.example").put("tags", new JsonArray().add("retail")));
    String id = customerId(store, "vip@shop.example");
    event(store, "order.completed", "vip@shop.example", order("3001", 300.0));
    sleep(300);
    assertTrue(runs(store, ruleId).isEmpty(), "not in the segment yet");
    event(store, "order.completed", "vip@shop.example", order("3002", 250.0));

    JsonObject customer = waitFor("the customer tagged and updated", 10,
        () -> store.api().get(store.customer(id)).expect(200),
        c -> c.getJsonArray("tags").contains("vip") && "gold".equals(c.getJsonObject("metadata").getString("tier")));
    assertTrue(customer.getJsonArray("tags").contains("retail"), "existing tags kept");
    // each action is its own step: the membership may commit just after the tag and the update
    List<JsonObject> members = waitFor("the membership", 10,
        () -> store.api().get(store.path("/segments/" + welcomed + "/members")).page(), m -> m.size() == 1);
    assertEquals(1, members.size(), members.toString());
    List<Row> sms = waitFor("the SMS", 5, () -> messages(server, store.id()), m -> m.size() == 1);
    assertEquals("sms", sms.get(0).getString("channel"));
    JsonObject run = runs(store, ruleId).get(0);
    assertEquals("customer.segment.entered", run.getJsonObject("trigger").getString("type"));
    assertEquals(id, run.getString("customer_id"));
  }

  /**
   * A segment enter whose transaction commits only after the horizon stopped waiting for it (a
   * stalled evaluator loop, a paused JVM) still starts its run: the horizon moves on, but the
   * seq it could not see is read again until its transaction has ended.
   */
  @Test
  void anEnterCommittedAfterTheSettleLimitStillStartsItsRun() {
    TestStore store = AutomationFixture.storeWithTemplates(server, "Slow commit");
    String vip = store.api().post(store.path("/segments"), new JsonObject().put("name", "VIP").put("is_dynamic", true)
        .put("rules", new JsonArray().add(new JsonObject().put("field", "total_spent").put("operator", "gte")
            .put("value", 500)))).expect(201).getString("id");
    String ruleId = createRule(store, new JsonObject().put("name", "Late welcome")
        .put("trigger_event", "customer.segment.entered").put("segment_id", vip)
        .put("actions", new JsonArray().add(action("add_tag", "tag", "late")))).getString("id");
    store.createCustomer(new JsonObject().put("email", "late@shop.example"));
    String id = customerId(store, "late@shop.example");
    sleep(300);

    // the enter's transaction has its seq but does not commit yet
    io.vertx.sqlclient.SqlConnection held = ApiClient.await(server.shoal().database().pool().getConnection());
    try {
      ApiClient.await(held.query("BEGIN").execute());
      // as every writer of notifications, it has its transaction id before its seq (NotificationLog)
      ApiClient.await(held.query("SELECT pg_current_xact_id()").execute());
      ApiClient.await(held.preparedQuery("INSERT INTO notifications (store_id, id, type, customer_id, data)"
              + " VALUES ($1, 'evt_held_enter', 'customer.segment.entered', $2, $3)")
          .execute(io.vertx.sqlclient.Tuple.of(store.id(), id, new JsonObject().put("segment_id", vip)
              .put("segment_name", "VIP").put("customer_id", id).put("cause", "event"))));
      // later notifications commit meanwhile, and the horizon gives up waiting for the held one
      event(store, "custom.ping", "other@shop.example", new JsonObject());
      sleep(AutomationVerticle.SETTLE_LIMIT_MS + 1_500);
      assertTrue(runs(store, ruleId).isEmpty(), "nothing started before the commit");
      ApiClient.await(held.query("COMMIT").execute());
    } finally {
      held.close();
    }

    List<JsonObject> all = waitFor("the run of the late enter", 10, () -> runs(store, ruleId), r -> r.size() == 1);
    assertEquals(id, all.get(0).getString("customer_id"));
    assertEquals("customer.segment.entered", all.get(0).getJsonObject("trigger").getString("type"));
    waitFor("the tag", 10, () -> store.api().get(store.customer(id)).expect(200),
        c -> c.getJsonArray("tags").contains("late"));
    sleep(500);
    assertEquals(1, runs(store, ruleId).size(), "started once");
  }

  @Test
  void aPausedRuleStartsNothingAndResumesOnlyForNewEvents() {
    TestStore store = AutomationFixture.storeWithTemplates(server, "Pause");
    String ruleId = createRule(store, new JsonObject().put("name", "Custom").put("trigger_event", "custom.review_written")
        .put("actions", new JsonArray().add(action("add_tag", "tag", "reviewer")))).getString("id");
    store.api().patch(store.path("/automation-rules/" + ruleId), new JsonObject().put("is_active", false)).expect(200);
    sleep(200);
    event(store, "custom.review_written", "paused@shop.example", new JsonObject().put("stars", 5));
    sleep(1_000);
    assertTrue(runs(store, ruleId).isEmpty(), "paused: no run");

    store.api().patch(store.path("/automation-rules/" + ruleId), new JsonObject().put("is_active", true)).expect(200);
    sleep(200);
    event(store, "custom.review_written", "resumed@shop.example", new JsonObject().put("stars", 4));
    List<JsonObject> all = waitFor("a run after resume", 10, () -> runs(store, ruleId), r -> r.size() == 1);
    assertEquals(customerId(store, "resumed@shop.example"), all.get(0).getString("customer_id"));
    assertEquals(1L, AutomationFixture.rule(store, ruleId).getLong("times_triggered"));
  }

  @Test
  void aSegmentRuleFiresOnlyForItsSegmentAndNotForEntersWhilePaused() {
    TestStore store = AutomationFixture.storeWithTemplates(server, "Segment pause");
    String big = store.api().post(store.path("/segments"), new JsonObject().put("name", "Big").put("is_dynamic", true)
        .put("rules", new JsonArray().add(new JsonObject().put("field", "total_spent").put("operator", "gte")
            .put("value", 500)))).expect(201).getString("id");
    String any = store.api().post(store.path("/segments"), new JsonObject().put("name", "Any").put("is_dynamic", true)
        .put("rules", new JsonArray().add(new JsonObject().put("field", "total_spent").put("operator", "gte")
            .put("value", 1)))).expect(201).getString("id");
    String ruleId = createRule(store, new JsonObject().put("name", "Big welcome")
        .put("trigger_event", "customer.segment.entered").put("segment_id", big)
        .put("actions", new JsonArray().add(action("add_tag", "tag", "big")))).getString("id");
    store.api().patch(store.path("/automation-rules/" + ruleId), new JsonObject().put("is_active", false)).expect(200);
    sleep(200);
    event(store, "order.completed", "during-pause@shop.example", order("4001", 600.0));
    waitFor("the paused customer in both segments", 10,
        () -> store.api().get(store.path("/segments/" + any + "/members")).page(), m -> m.size() == 1);
    sleep(1_000);
    assertTrue(runs(store, ruleId).isEmpty(), "paused: no run");

    store.api().patch(store.path("/automation-rules/" + ruleId), new JsonObject().put("is_active", true)).expect(200);
    sleep(200);
    event(store, "order.completed", "small@shop.example", order("4002", 20.0)); // enters Any only
    event(store, "order.completed", "after-resume@shop.example", order("4003", 700.0));
    List<JsonObject> all = waitFor("a run after resume", 10, () -> runs(store, ruleId), r -> r.size() >= 1);
    sleep(500);
    all = runs(store, ruleId);
    assertEquals(1, all.size(), "enters of the segment while paused, and of other segments, start nothing: " + all);
    assertEquals(customerId(store, "after-resume@shop.example"), all.get(0).getString("customer_id"));
    assertEquals(3, store.api().get(store.path("/segments/" + any + "/members")).page().size());
  }

  @Test
  void aPauseSkipsDelayedActionsThatComeDueWhilePaused() {
    TestStore store = AutomationFixture.storeWithTemplates(server, "Pause delayed");
    String ruleId = createRule(store, new JsonObject().put("name", "Later").put("trigger_event", "checkout.started")
        .put("actions", new JsonArray().add(action("send_push", "template_id", "tmpl_later").put("delay", "2s"))))
        .getString("id");
    event(store, "checkout.started", "later@shop.example", new JsonObject().put("cart_id", "c1").put("total", 10.0));
    waitFor("the run", 10, () -> runs(store, ruleId), r -> r.size() == 1);
    store.api().patch(store.path("/automation-rules/" + ruleId), new JsonObject().put("is_active", false)).expect(200);
    JsonObject run = waitFor("the step decided", 10, () -> runs(store, ruleId).get(0),
        r -> !"pending".equals(steps(r).getString("status")));
    assertEquals("skipped", steps(run).getString("status"));
    assertEquals("rule_paused", steps(run).getString("outcome"));
    assertTrue(messages(server, store.id()).isEmpty());
  }

  @Test
  void frequencyCapsAndReEntryLimitWhatOneCustomerGets() {
    TestStore store = AutomationFixture.storeWithTemplates(server, "Caps");
    String capped = createRule(store, new JsonObject().put("name", "Every view").put("trigger_event", "page.viewed")
        .put("frequency_caps", new JsonArray().add(new JsonObject().put("channel", "email").put("max", 2).put("per", "1d")))
        .put("actions", new JsonArray().add(action("send_email", "template_id", "tmpl_view")))).getString("id");
    String once = createRule(store, new JsonObject().put("name", "First view only").put("trigger_event", "page.viewed")
        .put("re_entry", new JsonObject().put("policy", "once"))
        .put("actions", new JsonArray().add(action("send_sms", "template_id", "tmpl_first")))).getString("id");
    String weekly = createRule(store, new JsonObject().put("name", "Weekly").put("trigger_event", "page.viewed")
        .put("re_entry", new JsonObject().put("policy", "once_per_days").put("days", 7))
        .put("actions", new JsonArray().add(action("add_tag", "tag", "viewer")))).getString("id");
    for (int i = 0; i < 4; i++) {
      event(store, "page.viewed", "browser@shop.example", new JsonObject().put("url", "/p/" + i));
    }
    List<JsonObject> cappedRuns = waitFor("four capped runs decided", 10, () -> runs(store, capped),
        r -> r.size() == 4 && r.stream().noneMatch(x -> "pending".equals(steps(x).getString("status"))));
    long done = cappedRuns.stream().filter(r -> "done".equals(steps(r).getString("status"))).count();
    long skipped = cappedRuns.stream().filter(r -> "frequency_cap".equals(steps(r).getString("outcome"))).count();
    assertEquals(2, done, cappedRuns.toString());
    assertEquals(2, skipped);
    sleep(300);
    assertEquals(1, runs(store, once).size(), "once ever");
    assertEquals(1, runs(store, weekly).size(), "once per 7 days");
    List<Row> all = messages(server, store.id());
    assertEquals(2, all.stream().filter(r -> r.getString("channel").equals("email")).count());
    assertEquals(1, all.stream().filter(r -> r.getString("channel").equals("sms")).count());
    assertEquals(4L, AutomationFixture.rule(store, capped).getLong("times_triggered"));
    assertEquals(1L, AutomationFixture.rule(store, once).getLong("times_triggered"));
  }

  @Test
  void aDelayedActionIsSkippedWhenTheCustomerNoLongerMatchesWhenItComesDue() {
    TestStore store = AutomationFixture.storeWithTemplates(server, "Recheck");
    String ruleId = createRule(store, new JsonObject().put("name", "Consenting buyers").put("trigger_event", "order.completed")
        .put("conditions", new JsonArray()
            .add(new JsonObject().put("field", "email_consent").put("operator", "eq").put("value", true))
            .add(new JsonObject().put("field", "order.items.product_id").put("operator", "contains").put("value", "bag-1")))
        .put("actions", new JsonArray().add(action("send_email", "template_id", "tmpl_review_request").put("delay", "2s"))))
        .getString("id");
    String id = store.createCustomer(new JsonObject().put("email", "optout@shop.example").put("email_consent", true))
        .getString("id");
    event(store, "order.completed", "optout@shop.example", order("4001", 20.0));
    waitFor("the run", 10, () -> runs(store, ruleId), r -> r.size() == 1);
    store.api().patch(store.customer(id), new JsonObject().put("email_consent", false)).expect(200);
    JsonObject run = waitFor("the step decided", 10, () -> runs(store, ruleId).get(0),
        r -> !"pending".equals(steps(r).getString("status")));
    assertEquals("conditions_no_longer_hold", steps(run).getString("outcome"));
    assertTrue(messages(server, store.id()).isEmpty());
  }

  @Test
  void callWebhookPostsTheTriggerSignedLikeNotificationWebhooks() {
    TestStore store = AutomationFixture.storeWithTemplates(server, "Webhook action");
    List<JsonObject> bodies = new CopyOnWriteArrayList<>();
    List<String> signatures = new CopyOnWriteArrayList<>();
    List<byte[]> raw = new CopyOnWriteArrayList<>();
    HttpServer receiver = server.clientVertx().createHttpServer().requestHandler(req -> req.body().onSuccess(b -> {
      raw.add(b.getBytes());
      bodies.add(b.toJsonObject());
      signatures.add(req.getHeader(DeliverySignature.HEADER));
      req.response().setStatusCode(204).end();
    }));
    ApiClient.await(receiver.listen(0, "127.0.0.1"));
    try {
      String secret = "whsec_automation_test_secret";
      String ruleId = createRule(store, new JsonObject().put("name", "Tell the ERP").put("trigger_event", "order.refunded")
          .put("actions", new JsonArray().add(action("call_webhook", "url",
              "http://127.0.0.1:" + receiver.actualPort() + "/erp").put("secret", secret)))).getString("id");
      assertFalse(AutomationFixture.rule(store, ruleId).getJsonArray("actions").getJsonObject(0).containsKey("secret"),
          "the secret is never shown");
      event(store, "order.refunded", "refund@shop.example", new JsonObject().put("order_id", "9").put("amount", 5.0));
      waitFor("the call", 10, () -> bodies, b -> b.size() == 1);
      JsonObject body = bodies.get(0);
      assertEquals(ruleId, body.getString("automation_rule_id"));
      assertEquals("order.refunded", body.getJsonObject("trigger").getString("type"));
      assertTrue(DeliverySignature.verify(signatures.get(0), raw.get(0), secret, Instant.now().getEpochSecond(), 300),
          signatures.get(0));
      JsonObject run = waitFor("the step done", 5, () -> runs(store, ruleId).get(0),
          r -> "done".equals(steps(r).getString("status")));
      assertEquals("http 204", steps(run).getString("outcome"));
    } finally {
      ApiClient.await(receiver.close());
    }
  }

  @Test
  void aDateTriggerRunsOnTheDayOfTheCustomersDate() {
    TestStore store = AutomationFixture.storeWithTemplates(server, "Birthdays");
    java.time.LocalDate today = java.time.LocalDate.now(java.time.ZoneOffset.UTC);
    store.createCustomer(new JsonObject().put("email", "bday@shop.example")
        .put("metadata", new JsonObject().put("birthday", today.minusYears(30).toString())));
    store.createCustomer(new JsonObject().put("email", "other@shop.example")
        .put("metadata", new JsonObject().put("birthday", today.minusYears(30).plusDays(1).toString())));
    store.createCustomer(new JsonObject().put("email", "trial@shop.example")
        .put("metadata", new JsonObject().put("trial_ends", today.plusDays(3).toString())));
    String birthday = createRule(store, new JsonObject().put("name", "Birthday").put("trigger_event", "date_property")
        .put("date_property", new JsonObject().put("field", "metadata.birthday").put("hour", 0).put("yearly", true))
        .put("actions", new JsonArray().add(action("send_email", "template_id", "tmpl_birthday")))).getString("id");
    String trial = createRule(store, new JsonObject().put("name", "Trial ends in 3 days").put("trigger_event", "date_property")
        .put("date_property", new JsonObject().put("field", "metadata.trial_ends").put("days_before", 3).put("hour", 0))
        .put("actions", new JsonArray().add(action("add_tag", "tag", "trial_ending")))).getString("id");
    // a new date rule is swept at once (then every SHOAL_AUTOMATION_DATE_SWEEP_MS)
    List<JsonObject> birthdayRuns = waitFor("the birthday run", 10, () -> runs(store, birthday), r -> r.size() == 1);
    assertEquals(customerId(store, "bday@shop.example"), birthdayRuns.get(0).getString("customer_id"));
    List<JsonObject> trialRuns = waitFor("the trial run", 10, () -> runs(store, trial), r -> r.size() == 1);
    assertEquals(customerId(store, "trial@shop.example"), trialRuns.get(0).getString("customer_id"));
    assertEquals("date_property", trialRuns.get(0).getJsonObject("trigger").getString("type"));
  }
}
