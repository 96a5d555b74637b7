package io.shoal.privacy;

import static io.shoal.privacy.PrivacyTesting.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import io.shoal.config.WebhookConfig;
import io.shoal.testing.TestDatabase;
import io.shoal.testing.TestServer;
import io.shoal.testing.TestStore;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.LoggerFactory;

/**
 * An erasure reaches everything: one person seeded into every place Shoal keeps personal data
 * (profile, notes, timeline, events of several types, segment memberships of every kind,
 * webhook events and deliveries, queued and sent messages, a stored idempotent answer, an
 * earlier export) is erased; then no column of any table holds their email, phone or name,
 * nothing Shoal logged did, and another customer's data is untouched. Afterwards the person
 * cannot be re-created by API or event until the store lifts the suppression.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ErasureTest {

  private static final String EMAIL = "zelda.quixote@erase.example";
  private static final String PHONE = "+1-555-0199";
  private static final List<String> NEEDLES = List.of(EMAIL, "Zelda", "Quixote", "555-0199", "shopify-zq-77");
  private static final String OTHER_EMAIL = "otto.keeper@keep.example";

  private static TestServer server;
  private static ListAppender<ILoggingEvent> logs;

  @BeforeAll
  static void start() {
    logs = new ListAppender<>();
    logs.start();
    ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).addAppender(logs);
    server = TestServer.start(Map.of(WebhookConfig.RETRY_BASE_MS, "50", WebhookConfig.POLL_INTERVAL_MS, "100"));
  }

  @AfterAll
  static void stop() {
    server.close();
    ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).detachAppender(logs);
  }

  @Test
  void anErasedPersonIsFoundNowhereWhileAnotherCustomerIsUntouched() {
    TestStore store = server.createStore("Erasure store");
    try (PrivacyTesting.Receiver receiver = new PrivacyTesting.Receiver(server.clientVertx())) {
      receiver.subscribeAll(store);
      String dynamic = store.api().post(store.path("/segments"), new JsonObject().put("name", "Spenders")
          .put("is_dynamic", true).put("rules", new JsonArray().add(new JsonObject().put("field", "total_spent")
              .put("operator", "gte").put("value", 10)))).expect(201).getString("id");
      String passive = store.api().post(store.path("/customer-segments"), new JsonObject().put("name", "Carts")
          .put("type", "passive").put("rules", new JsonArray().add(new JsonObject().put("field", "cart.value")
              .put("operator", "gt").put("value", 0)))).expect(201).getString("id");

      String zelda = seedPerson(store, EMAIL, "Zelda", "Quixote", PHONE, "shopify-zq-77", "idem-a-1");
      String otto = seedPerson(store, OTHER_EMAIL, "Otto", "Keeper", "+44 20 7946 0123", "shopify-ok-78", "idem-b-1");
      String statics = store.api().post(store.path("/customer-segments"), new JsonObject().put("name", "Hand-picked")
          .put("type", "static").put("customer_ids", new JsonArray().add(zelda).add(otto))).expect(201).getString("id");
      assertTrue(eventually(20, () -> members(store, dynamic).size() == 2 && members(store, passive).size() == 2),
          "both customers are in the dynamic and the passive segment");
      assertTrue(eventually(20, () -> receiver.ofType("customer.segment.entered").size() == 2
          && receiver.ofType("order.completed").size() == 2), "webhooks delivered before the erasure");
      long ottoEventsBefore = DatabaseSearch.count(server.databaseUrl(),
          "SELECT count(*) FROM events WHERE customer_id = '" + otto + "'");
      JsonObject ottoBefore = store.api().get(store.customer(otto)).expect(200);

      // an earlier export leaves a document with the person's data behind
      PrivacyTesting.submitAndAwait(store, zelda, new JsonObject().put("type", "export"));
      for (String needle : NEEDLES) {
        assertFalse(DatabaseSearch.find(server.databaseUrl(), needle).isEmpty(), "seeded: " + needle);
      }

      JsonObject done = PrivacyTesting.submitAndAwait(store, zelda, new JsonObject().put("type", "erasure")
          .put("reason", "support ticket 88").put("notify_customer", true));
      assertEquals(List.of("suppression", "segments", "customer", "events", "recommendations", "automations", "campaigns",
          "notifications", "messages", "idempotency", "exports"), done.getJsonArray("steps_done").getList());
      assertEquals(3, done.getJsonObject("result").getJsonObject("suppression").getInteger("suppressions_added"));

      // the whole database: every text and JSON column of every table
      for (String needle : NEEDLES) {
        assertEquals(Map.of(), DatabaseSearch.find(server.databaseUrl(), needle), "left after erasure: " + needle);
      }
      // accounting stays, anonymised: the order's amount, not whose it was
      assertEquals(1, DatabaseSearch.count(server.databaseUrl(), "SELECT count(*) FROM events WHERE type = "
          + "'order.completed' AND customer_id LIKE 'anon_%' AND (data->>'total')::numeric = 42.50"
          + " AND data->'order_id' IS NULL"));
      assertEquals(2, DatabaseSearch.count(server.databaseUrl(), "SELECT count(*) FROM messages"
          + " WHERE customer_id LIKE 'anon_%' AND variables = '{}'"));
      assertEquals(1, DatabaseSearch.count(server.databaseUrl(), "SELECT count(*) FROM messages"
          + " WHERE customer_id LIKE 'anon_%' AND status = 'suppressed'"), "the queued message is never sent");
      assertEquals(1, DatabaseSearch.count(server.databaseUrl(), "SELECT count(*) FROM message_events e JOIN messages m"
          + " ON m.id = e.message_id WHERE m.customer_id LIKE 'anon_%' AND e.type = 'clicked' AND e.url IS NULL"));
      assertEquals(1, DatabaseSearch.count(server.databaseUrl(), "SELECT count(*) FROM campaign_conversions"
          + " WHERE customer_id LIKE 'anon_%' AND revenue = 42.50"), "campaign revenue stays, anonymised");
      assertEquals(1, DatabaseSearch.count(server.databaseUrl(), "SELECT count(*) FROM automation_steps"
          + " WHERE customer_id LIKE 'anon_%' AND status = 'skipped'"), "the pending action never runs");
      assertEquals(0, DatabaseSearch.count(server.databaseUrl(), "SELECT count(*) FROM campaign_recipients"
          + " WHERE customer_id = '" + zelda + "'") + DatabaseSearch.count(server.databaseUrl(),
          "SELECT count(*) FROM channel_unsubscribes WHERE customer_id = '" + zelda + "'"));

      // the API shows nothing of the person
      store.api().get(store.customer(zelda)).expectError(404, "resource_missing");
      assertEquals(List.of(otto), members(store, dynamic));
      assertEquals(List.of(otto), members(store, statics));
      assertEquals(1, store.api().get(store.path("/segments/" + dynamic)).expect(200).getInteger("customer_count"));
      String history = store.api().get(store.path("/events?limit=100")).text();
      assertFalse(history.contains(EMAIL) || history.contains("Zelda"), history);
      assertEquals(0, store.api().get(store.customers() + "?search=zelda").page().size());
      assertTrue(store.api().get(store.path("/segments/" + dynamic + "/transitions?limit=100")).page().stream()
          .noneMatch(t -> zelda.equals(t.getString("customer_id"))));

      // receivers are told: the leave (no profile) and the completion
      assertTrue(eventually(20, () -> receiver.ofType("data_request.completed").size() == 2));
      List<JsonObject> left = receiver.ofType("customer.segment.left");
      assertEquals(1, left.size(), () -> "one dynamic segment left: " + left);
      JsonObject leave = left.get(0).getJsonObject("data");
      assertEquals(zelda, leave.getString("customer_id"));
      assertEquals("customer_erased", leave.getString("cause"));
      assertNull(leave.getValue("customer"));
      JsonObject completed = receiver.ofType("data_request.completed").stream()
          .filter(e -> "erasure".equals(e.getJsonObject("data").getString("type"))).findFirst().orElseThrow()
          .getJsonObject("data");
      assertEquals(done.getString("id"), completed.getString("id"));
      assertTrue(completed.getBoolean("notify_customer"));

      // the other customer is untouched
      JsonObject ottoAfter = store.api().get(store.customer(otto)).expect(200);
      assertEquals(ottoBefore.getString("email"), ottoAfter.getString("email"));
      assertEquals(ottoBefore.getValue("total_spent"), ottoAfter.getValue("total_spent"));
      assertEquals(1, store.api().get(store.customer(otto) + "/notes").page().size());
      assertEquals(ottoEventsBefore, DatabaseSearch.count(server.databaseUrl(),
          "SELECT count(*) FROM events WHERE customer_id = '" + otto + "'"));
      assertEquals(2, DatabaseSearch.count(server.databaseUrl(),
          "SELECT count(*) FROM messages WHERE customer_id = '" + otto + "' AND variables->>'first_name' = 'Otto'"));
      for (String table : List.of("campaign_recipients", "campaign_conversions", "automation_runs", "automation_steps",
          "channel_unsubscribes")) {
        assertEquals(1, DatabaseSearch.count(server.databaseUrl(),
            "SELECT count(*) FROM " + table + " WHERE customer_id = '" + otto + "'"), table);
      }
      assertEquals(1, DatabaseSearch.count(server.databaseUrl(), "SELECT count(*) FROM automation_runs"
          + " WHERE customer_id = '" + otto + "' AND trigger->>'email' = '" + OTHER_EMAIL + "'"));
      assertFalse(DatabaseSearch.find(server.databaseUrl(), OTHER_EMAIL).isEmpty());

      // the person is not re-created silently: not by API, not by an event, not by a new email with their phone
      store.api().post(store.customers(), new JsonObject().put("email", " Zelda.Quixote@ERASE.example"))
          .expectError(409, "customer_suppressed");
      store.api().post(store.path("/events"), new JsonObject().put("type", "page.viewed")
          .put("customer", new JsonObject().put("email", EMAIL))).expectError(409, "customer_suppressed");
      JsonObject batch = store.api().post(store.path("/events/batch"), new JsonObject().put("events", new JsonArray()
          .add(new JsonObject().put("type", "custom.came_back").put("customer", new JsonObject().put("email", EMAIL)))))
          .expect(202);
      assertEquals("customer_suppressed", batch.getJsonArray("results").getJsonObject(0).getJsonObject("error")
          .getString("code"), batch.encode());
      store.api().post(store.customers(), new JsonObject().put("email", "new@erase.example").put("phone", "15550199"))
          .expectError(409, "customer_suppressed");
      store.api().patch(store.customer(otto), new JsonObject().put("email", EMAIL))
          .expectError(409, "customer_suppressed");
      store.api().post(store.customers(), new JsonObject().put("external_id", "shopify-zq-77"))
          .expectError(409, "customer_suppressed");
      assertEquals(Map.of(), DatabaseSearch.find(server.databaseUrl(), EMAIL));

      // the store sees the suppressions (never the values) and lifts one when the person comes back
      List<JsonObject> suppressions = store.api().get(store.path("/suppressions")).page();
      assertEquals(3, suppressions.size());
      suppressions.forEach(s -> {
        assertEquals(done.getString("id"), s.getString("request_id"));
        assertFalse(s.encode().contains("zelda") || s.encode().contains("0199"), s.encode());
      });
      JsonObject lifted = store.api().post(store.path("/suppressions/lift"), new JsonObject().put("email", EMAIL))
          .expect(200);
      assertEquals("email", lifted.getJsonArray("lifted").getJsonObject(0).getString("kind"));
      store.api().post(store.customers(), new JsonObject().put("email", EMAIL).put("first_name", "Zelda")).expect(201);
      List<JsonObject> left2 = store.api().get(store.path("/suppressions")).page();
      assertEquals(2, left2.size());
      for (JsonObject s : left2) {
        store.api().delete(store.path("/suppressions/" + s.getString("id"))).expect(200);
      }
      store.api().delete(store.path("/suppressions/" + left2.get(0).getString("id"))).expectError(404, "resource_missing");
      store.api().post(store.customers(), new JsonObject().put("external_id", "shopify-zq-77")).expect(201);

      // the audit log says who asked, when, and what was done
      List<JsonObject> audit = store.api().get(store.path("/data-request-audit?limit=100&request_id="
          + done.getString("id"))).page();
      assertEquals("requested", audit.get(0).getString("action"));
      assertTrue(audit.get(0).getString("actor").startsWith("key_"), audit.get(0).encode());
      assertEquals(List.of("requested", "step_completed", "step_completed", "step_completed", "step_completed",
          "step_completed", "step_completed", "step_completed", "step_completed", "step_completed",
          "step_completed", "step_completed", "completed", "suppression_lifted",
          "suppression_lifted", "suppression_lifted"), audit.stream().map(a -> a.getString("action")).toList());

      // nothing Shoal logged, from start to here, showed the person (while it did log the erasure)
      assertTrue(logs.list.stream().anyMatch(e -> e.getFormattedMessage().contains(done.getString("id"))));
      for (ILoggingEvent e : logs.list) {
        String line = e.getFormattedMessage() + (e.getThrowableProxy() == null ? ""
            : ThrowableProxyUtil.asString(e.getThrowableProxy()));
        for (String needle : NEEDLES) {
          assertFalse(line.toLowerCase().contains(needle.toLowerCase()), () -> "logged: " + line);
        }
      }
    }
  }

  @Test
  void requestsAreCheckedAndStayWithinTheirStore() {
    TestStore store = server.createStore("Checks");
    TestStore other = server.createStore("Other");
    String id = store.createCustomer(new JsonObject().put("email", "checks@example.com")).getString("id");
    String base = store.customer(id) + "/removal-request";
    store.api().post(base, new JsonObject().put("type", "erasure").put("format", "json"))
        .expectError(400, "parameter_invalid");
    assertEquals(400, store.api().post(base, new JsonObject().put("type", "forget")).status());
    server.anonymous().get(store.path("/removal-requests")).expectError(401, "unauthorized");
    server.anonymous().get(store.path("/removal-requests/drr_x/download")).expectError(400, "parameter_missing");
    store.api().post(store.customer("cust_nobody") + "/removal-request", new JsonObject().put("type", "export"))
        .expectError(404, "resource_missing");
    JsonObject request = PrivacyTesting.submitAndAwait(store, id, new JsonObject().put("type", "export"));

    other.api().post(base, new JsonObject().put("type", "erasure")).expectError(404, "resource_missing");
    other.api().get(store.path("/removal-requests/" + request.getString("id"))).expectError(404, "resource_missing");
    other.api().get(store.path("/suppressions")).expectError(404, "resource_missing");
    other.api().get(store.path("/data-request-audit")).expectError(404, "resource_missing");
    other.api().get(other.path("/removal-requests/" + request.getString("id"))).expectError(404, "resource_missing");
    assertEquals(0, other.api().get(other.path("/removal-requests")).page().size());
    assertEquals(0, other.api().get(other.path("/data-request-audit")).page().size());
    assertEquals(1, store.api().get(store.path("/removal-requests?customer_id=" + id)).page().size());
    assertEquals(1, store.api().get(store.customer(id) + "/removal-requests?type=export").page().size());
  }

  /** One person in every place: profile (idempotent create), a note, events of every kind, messages. */
  private static String seedPerson(TestStore store, String email, String first, String last, String phone,
                                   String externalId, String idempotencyKey) {
    String id = store.api().post(store.customers(), new JsonObject().put("email", email).put("first_name", first)
        .put("last_name", last).put("phone", phone).put("external_id", externalId).put("address", new JsonObject().put("city", first + "ville")),
        idempotencyKey).expect(201).getString("id");
    store.api().post(store.customer(id) + "/notes", new JsonObject().put("body", first + " " + last + " asked about returns")
        .put("author", "support")).expect(201);
    JsonObject customer = new JsonObject().put("email", email);
    List<JsonObject> events = List.of(
        new JsonObject().put("type", "order.completed").put("data", new JsonObject().put("order_id", first + "-1001")
            .put("total", 42.50).put("currency", "EUR").put("shipping_name", first + " " + last)
            .put("items", new JsonArray().add(new JsonObject().put("product_id", "bag-1").put("quantity", 1)
                .put("price", 42.50)))),
        new JsonObject().put("type", "cart.updated").put("data", new JsonObject().put("cart_id", "cart-" + first)
            .put("total", 12.00).put("items", new JsonArray().add(new JsonObject().put("product_id", "hat-1")
                .put("quantity", 1).put("price", 12.00)))),
        new JsonObject().put("type", "page.viewed").put("data", new JsonObject().put("url",
            "https://shop.example/account?email=" + email)),
        new JsonObject().put("type", "custom.quiz_taken").put("data", new JsonObject().put("answer", first + " likes red")),
        new JsonObject().put("type", "customer.updated").put("customer", new JsonObject().put("email", email)
            .put("timezone", "Europe/Paris").put("metadata", new JsonObject().put("nickname", first + "y"))));
    for (JsonObject e : events) {
      if (!e.containsKey("customer")) {
        e.put("customer", customer);
      }
      store.api().post(store.path("/events"), e).expect(202);
    }
    // what campaigns, automations and delivery keep, written as they write it (set up by SQL: these
    // rows need a campaign run, a click or a due automation, which take minutes of real time)
    String db = server.databaseUrl();
    TestDatabase.execute(db, "INSERT INTO campaigns (store_id, id, name, type, status, segment_id, template_id)"
        + " VALUES ('" + store.id() + "', 'cmp_" + id + "', 'Spring', 'email', 'completed', 'seg_x', 'tmpl_1')");
    TestDatabase.execute(db, "INSERT INTO campaign_recipients (store_id, campaign_id, customer_id) VALUES ('"
        + store.id() + "', 'cmp_" + id + "', '" + id + "')");
    TestDatabase.execute(db, "INSERT INTO campaign_conversions (store_id, order_id, campaign_id, customer_id, message_id,"
        + " event_id, revenue, ordered_at, touched_at) VALUES ('" + store.id() + "', '" + first + "-1001', 'cmp_" + id
        + "', '" + id + "', 'msg_" + id + "sent', 'evt_" + first + "', 42.50, now(), now())");
    TestDatabase.execute(db, "INSERT INTO automation_runs (store_id, id, rule_id, customer_id, trigger_key, trigger)"
        + " VALUES ('" + store.id() + "', 'run_" + id + "', 'rule_1', '" + id + "', 'evt_" + first + "',"
        + " '{\"type\": \"custom.quiz_taken\", \"email\": \"" + email + "\", \"name\": \"" + first + "\"}')");
    TestDatabase.execute(db, "INSERT INTO automation_steps (store_id, run_id, action_index, rule_id, customer_id, action,"
        + " due_at) VALUES ('" + store.id() + "', 'run_" + id + "', 0, 'rule_1', '" + id + "',"
        + " '{\"type\": \"send_email\"}', now() + interval '30 days')");
    // messages: as a campaign would queue them, one queued, one sent (clicked, then unsubscribed)
    for (String status : List.of("queued", "sent")) {
      TestDatabase.execute(server.databaseUrl(), "INSERT INTO messages (store_id, id, customer_id, channel, source,"
          + " source_id, dedupe_key, template_id, variables, status, provider_message_id, last_error) VALUES ('"
          + store.id() + "', 'msg_" + id + status + "', '" + id + "', 'email', 'campaign', 'cmp_1', 'cmp_1:" + id + status
          + "', 'tmpl_1', '{\"first_name\": \"" + first + "\", \"email\": \"" + email + "\"}', '" + status + "', '<"
          + email + ">', " + (status.equals("sent") ? "'soft bounce for " + email + "'" : "NULL") + ")");
    }
    TestDatabase.execute(db, "INSERT INTO message_events (store_id, message_id, type, url, detail) VALUES ('"
        + store.id() + "', 'msg_" + id + "sent', 'clicked', 'https://shop.example/?ref=" + email + "', '" + first + "')");
    TestDatabase.execute(db, "INSERT INTO channel_unsubscribes (store_id, customer_id, channel, message_id) VALUES ('"
        + store.id() + "', '" + id + "', 'sms', 'msg_" + id + "sent')");
    return id;
  }

  private static List<String> members(TestStore store, String segmentId) {
    return store.api().get(store.path("/segments/" + segmentId + "/members?limit=100")).page().stream()
        .map(m -> m.getString("customer_id") != null ? m.getString("customer_id") : m.getString("id")).sorted().toList();
  }
}
