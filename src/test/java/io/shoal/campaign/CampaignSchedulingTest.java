package io.shoal.campaign;

import static io.shoal.campaign.Campaigns.awaitStatus;
import static io.shoal.campaign.Campaigns.body;
import static io.shoal.campaign.Campaigns.create;
import static io.shoal.campaign.Campaigns.messages;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shoal.testing.TestServer;
import io.shoal.testing.TestStore;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Campaigns start at their time, freeze their segment, queue exactly one message per reachable
 * recipient and record the others as suppressed, and complete when every message is final.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class CampaignSchedulingTest {

  private static TestServer server;

  @BeforeAll
  static void start() {
    server = TestServer.start(Map.of("SHOAL_CAMPAIGN_POLL_INTERVAL_MS", "100", "SHOAL_CAMPAIGN_PAGE_SIZE", "2"));
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  /** Customer id -> the message's status (and reason when suppressed). */
  private static Map<String, String> outcomes(TestStore store, String campaignId) {
    Map<String, String> out = new TreeMap<>();
    for (Map<String, Object> m : messages(server.databaseUrl(), store.id(), campaignId)) {
      String previous = out.put((String) m.get("customer_id"),
          "suppressed".equals(m.get("status")) ? "suppressed:" + m.get("last_error") : "to_send");
      assertNull(previous, "two messages for one customer: " + m);
    }
    return out;
  }

  @Test
  void atItsTimeACampaignFreezesItsSegmentAndQueuesOneMessagePerReachableMember() {
    TestStore store = server.createStore("Scheduled");
    String yes1 = Campaigns.customer(store, "yes1@scheduled.example", true);
    String yes2 = Campaigns.customer(store, "yes2@scheduled.example", true);
    String no = Campaigns.customer(store, "no@scheduled.example", false);
    String phoneOnly = store.createCustomer(new JsonObject().put("phone", "+15550100").put("email_consent", true))
        .getString("id");
    String yes3 = Campaigns.customer(store, "yes3@scheduled.example", true);
    String segment = Campaigns.staticSegment(store, "Buyers", List.of(yes1, yes2, no, phoneOnly, yes3));
    Instant at = Instant.now().plusMillis(1500);
    String id = create(store, body("email", segment, Campaigns.template(store, "email")).put("scheduled_at", at.toString()))
        .getString("id");
    assertEquals("scheduled", Campaigns.get(store, id).getString("status"));

    // with the dispatcher's log adapter (no SMTP configured) it completes moments after it starts
    JsonObject active = awaitStatus(store, id, "completed", Duration.ofSeconds(15));
    Instant started = Instant.parse(active.getString("started_at"));
    assertFalse(started.isBefore(at), () -> "started at " + started + ", before its time " + at);
    assertEquals(5, active.getLong("recipient_count"));
    assertTrue(Campaigns.eventually(Duration.ofSeconds(10), () -> outcomes(store, id).size() == 5));

    // a customer who joins the segment after the start is not a recipient
    String late = Campaigns.customer(store, "late@scheduled.example", true);
    store.api().post(store.path("/segments/" + segment + "/members"),
        new JsonObject().put("customer_ids", new JsonArray().add(late))).expect(200);
    Campaigns.sleep(500);

    Map<String, String> expected = new TreeMap<>(Map.of(yes1, "to_send", yes2, "to_send", yes3, "to_send",
        no, "suppressed:no_email_consent", phoneOnly, "suppressed:no_email"));
    assertEquals(expected, outcomes(store, id));
    Map<String, Object> one = messages(server.databaseUrl(), store.id(), id).get(0);
    assertEquals("campaign:" + id + ":" + one.get("customer_id"), one.get("dedupe_key"));
    assertEquals("spring-sale-2026", new JsonObject((String) one.get("variables")).getString("utm_campaign"),
        "the campaign's metadata reaches the template as its variables");

    List<JsonObject> started2 = store.api().get(store.path("/events?types=campaign.started")).page();
    assertEquals(1, started2.size());
    assertEquals(id, started2.get(0).getJsonObject("data").getJsonObject("campaign").getString("id"));
  }

  @Test
  void aCampaignScheduledInThePastStartsAtOnceAndCompletesWhenEveryMessageIsFinal() {
    TestStore store = server.createStore("Immediate");
    // a webhook receiver on loopback, subscribed to the lifecycle
    java.util.List<JsonObject> received = new java.util.concurrent.CopyOnWriteArrayList<>();
    io.vertx.core.http.HttpServer receiver = io.shoal.testing.ApiClient.await(server.clientVertx().createHttpServer()
        .requestHandler(req -> req.body().onSuccess(b -> {
          received.add(b.toJsonObject());
          req.response().setStatusCode(200).end();
        })).listen(0, "127.0.0.1"));
    store.api().post(store.path("/webhook-endpoints"), new JsonObject()
        .put("url", "http://127.0.0.1:" + receiver.actualPort() + "/hooks")
        .put("events", new JsonArray().add("campaign.started").add("campaign.completed"))).expect(201);
    String a = Campaigns.customer(store, "a@immediate.example", true);
    String b = Campaigns.customer(store, "b@immediate.example", true);
    String c = Campaigns.customer(store, "c@immediate.example", false);
    String segment = Campaigns.staticSegment(store, "All", List.of(a, b, c));
    String id = create(store, body("email", segment, Campaigns.template(store, "email"))
        .put("scheduled_at", Instant.now().minusSeconds(3600).toString())).getString("id");
    // no SMTP server configured: the dispatcher's log adapter sends them
    JsonObject completed = awaitStatus(store, id, "completed", Duration.ofSeconds(20));
    assertNotNull(completed.getString("completed_at"));
    List<Map<String, Object>> all = messages(server.databaseUrl(), store.id(), id);
    assertEquals(List.of("sent", "sent", "suppressed"), all.stream().map(m -> (String) m.get("status")).sorted().toList());

    JsonObject analytics = store.api().get(store.path("/campaigns/" + id + "/analytics")).expect(200);
    assertEquals("campaign_analytics", analytics.getString("object"));
    assertEquals("completed", analytics.getString("status"));
    assertEquals(3, analytics.getLong("recipient_count"));
    assertEquals(2, analytics.getLong("sent"));
    assertEquals(2, analytics.getLong("delivered"));
    assertEquals(0, analytics.getLong("bounced"));
    assertEquals(1, analytics.getLong("suppressed"));
    assertEquals(0, analytics.getLong("queued"));
    assertEquals(completed.getString("completed_at"), analytics.getString("completed_at"));
    assertEquals(1, store.api().get(store.path("/events?types=campaign.completed")).page().size());
    assertTrue(Campaigns.eventually(Duration.ofSeconds(15), () -> received.size() >= 2), received::toString);
    // no customer orders them: each is its own delivery, in any order
    assertEquals(java.util.Set.of("campaign.started", "campaign.completed"),
        received.stream().map(e -> e.getString("type")).collect(java.util.stream.Collectors.toSet()));
    JsonObject completion = received.stream().filter(e -> e.getString("type").equals("campaign.completed")).findFirst()
        .orElseThrow().getJsonObject("data").getJsonObject("campaign");
    assertEquals(id, completion.getString("id"));
    assertEquals("completed", completion.getString("status"));
    io.shoal.testing.ApiClient.await(receiver.close());
  }

  @Test
  void aCampaignWithNobodyToSendToCompletesAtOnce() {
    TestStore store = server.createStore("Empty");
    String segment = Campaigns.staticSegment(store, "Nobody", List.of());
    String id = create(store, body("sms", segment, Campaigns.template(store, "sms"))
        .put("scheduled_at", Instant.now().toString())).getString("id");
    JsonObject done = awaitStatus(store, id, "completed", Duration.ofSeconds(10));
    assertEquals(0, done.getLong("recipient_count"));
  }

  @Test
  void aThrottleSpreadsTheMessagesAndCancellingWithdrawsThoseNotYetSent() {
    TestStore store = server.createStore("Throttled");
    List<String> ids = new java.util.ArrayList<>();
    for (int i = 0; i < 4; i++) {
      ids.add(Campaigns.customer(store, "t" + i + "@throttled.example", true));
    }
    String segment = Campaigns.staticSegment(store, "Four", ids);
    String id = create(store, body("email", segment, Campaigns.template(store, "email"))
        .put("send_options", new JsonObject().put("throttle_per_minute", 1))
        .put("scheduled_at", Instant.now().toString())).getString("id");
    JsonObject active = awaitStatus(store, id, "active", Duration.ofSeconds(10));
    assertTrue(Campaigns.eventually(Duration.ofSeconds(10), () -> outcomes(store, id).size() == 4));
    Instant start = Instant.parse(active.getString("started_at"));
    List<Map<String, Object>> queued = messages(server.databaseUrl(), store.id(), id);
    List<Long> offsets = queued.stream()
        .map(m -> Duration.between(start, ((java.sql.Timestamp) m.get("not_before")).toInstant()).toSeconds())
        .sorted().toList();
    assertEquals(List.of(0L, 60L, 120L, 180L), offsets, "one a minute from the start");

    store.api().post(store.path("/campaigns/" + id + "/cancel"), null).expect(200);
    List<Map<String, Object>> after = messages(server.databaseUrl(), store.id(), id);
    long withdrawn = after.stream().filter(m -> "campaign_cancelled".equals(m.get("last_error"))).count();
    assertTrue(withdrawn >= 3, () -> "the ones not yet due are withdrawn: " + after);
    assertEquals("cancelled", Campaigns.get(store, id).getString("status"));
    assertEquals(1, store.api().get(store.path("/events?types=campaign.cancelled")).page().size());
    store.api().patch(store.path("/campaigns/" + id), new JsonObject().put("name", "x"))
        .expectError(409, "campaign_not_editable");
  }

  @Test
  void anActiveCampaignCannotBeEditedAndTheErrorNamesItsStatus() {
    TestStore store = server.createStore("Locked");
    String segment = Campaigns.staticSegment(store, "One",
        List.of(Campaigns.customer(store, "one@locked.example", true)));
    String id = create(store, body("email", segment, Campaigns.template(store, "email"))
        // half a day from now in UTC: its message waits, so the campaign stays active
        .put("send_options", new JsonObject().put("local_hour", (java.time.ZonedDateTime.now(java.time.ZoneOffset.UTC)
            .getHour() + 12) % 24))
        .put("scheduled_at", Instant.now().toString())).getString("id");
    awaitStatus(store, id, "active", Duration.ofSeconds(10));
    JsonObject error = store.api().patch(store.path("/campaigns/" + id), new JsonObject().put("name", "x"))
        .expectError(409, "campaign_not_editable");
    assertTrue(error.getString("message").contains("active"), error::encode);
  }
}
