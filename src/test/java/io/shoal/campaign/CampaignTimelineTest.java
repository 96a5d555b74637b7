package io.shoal.campaign;

import static io.shoal.campaign.Campaigns.body;
import static io.shoal.campaign.Campaigns.create;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shoal.testing.TestServer;
import io.shoal.testing.TestStore;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code GET .../campaigns/{id}/timeline}: a campaign's sends, opens, clicks and attributed
 * orders per hour or day, for the dashboard's chart. Opens, clicks and conversions are written as
 * tracking and attribution write them, at chosen hours, so the buckets they fall in are known.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class CampaignTimelineTest {

  private static TestServer server;

  @BeforeAll
  static void start() {
    server = TestServer.start();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static JsonArray buckets(TestStore store, String campaign, String interval) {
    JsonObject t = store.api().get(store.path("/campaigns/" + campaign + "/timeline?interval=" + interval)).expect(200);
    assertEquals("campaign_timeline", t.getString("object"));
    assertEquals(interval, t.getString("interval"));
    return t.getJsonArray("buckets");
  }

  private static long sum(JsonArray buckets, String field) {
    return buckets.stream().mapToLong(o -> ((JsonObject) o).getLong(field)).sum();
  }

  @Test
  void sendsOpensClicksAndConversionsFallInTheirHours() {
    TestStore store = server.createStore("Timeline");
    String a = Campaigns.customer(store, "a@timeline.example", true);
    String b = Campaigns.customer(store, "b@timeline.example", true);
    String c = Campaigns.customer(store, "c@timeline.example", true);
    String segment = Campaigns.staticSegment(store, "Everyone", List.of(a, b, c));
    String template = Campaigns.template(store, "email");
    String campaign = create(store, body("email", segment, template)
        .put("scheduled_at", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString())).getString("id");
    assertTrue(Campaigns.eventually(Duration.ofSeconds(30), () -> (Long) Campaigns.query(server.databaseUrl(),
        "SELECT count(*) AS n FROM messages WHERE store_id = ? AND source_id = ? AND sent_at IS NOT NULL",
        store.id(), campaign).get(0).get("n") == 3), "three messages sent");

    // Before anything is tracked: one hour with the three sends.
    JsonArray hours = buckets(store, campaign, "hour");
    assertEquals(3, sum(hours, "sent"));
    Instant firstSend = Instant.parse(hours.getJsonObject(0).getString("start"));
    assertEquals(firstSend.truncatedTo(ChronoUnit.HOURS), firstSend, "buckets start on the hour");

    // a opens one hour after the send hour and clicks two hours after, then orders (attributed).
    Instant sendHour = firstSend;
    String message = (String) Campaigns.query(server.databaseUrl(), "SELECT id FROM messages WHERE store_id = ?"
        + " AND source_id = ? AND customer_id = ?", store.id(), campaign, a).get(0).get("id");
    Instant opened = sendHour.plus(65, ChronoUnit.MINUTES);
    Instant clicked = sendHour.plus(125, ChronoUnit.MINUTES);
    Instant ordered = sendHour.plus(150, ChronoUnit.MINUTES);
    Campaigns.update(server.databaseUrl(), "UPDATE messages SET opened_at = ?, clicked_at = ? WHERE store_id = ? AND id = ?",
        Timestamp.from(opened), Timestamp.from(clicked), store.id(), message);
    Campaigns.update(server.databaseUrl(), "INSERT INTO campaign_conversions (store_id, order_id, campaign_id, customer_id,"
        + " message_id, event_id, revenue, ordered_at, touched_at) VALUES (?, 'o-1', ?, ?, ?, 'e-1', 42.50, ?, ?)",
        store.id(), campaign, a, message, Timestamp.from(ordered), Timestamp.from(clicked));

    JsonArray tracked = buckets(store, campaign, "hour");
    assertTrue(tracked.size() >= 3, tracked::encode);
    // the send hour (sends may straddle it: only the first bucket is sure to have some), +1 h, +2 h
    int at = -1;
    for (int i = 0; i < tracked.size(); i++) {
      if (Instant.parse(tracked.getJsonObject(i).getString("start")).equals(sendHour.plus(1, ChronoUnit.HOURS))) {
        at = i;
      }
    }
    assertTrue(at > 0, () -> "no bucket an hour after the first send: " + tracked.encode());
    JsonObject plusOne = tracked.getJsonObject(at);
    JsonObject plusTwo = tracked.getJsonObject(at + 1);
    assertEquals(1, plusOne.getLong("opened"));
    assertEquals(0, plusOne.getLong("clicked"));
    assertEquals(1, plusTwo.getLong("clicked"));
    assertEquals(1, plusTwo.getLong("conversions"));
    assertEquals(0, new BigDecimal("42.50").compareTo(new BigDecimal(plusTwo.getValue("revenue").toString())));
    assertEquals(3, sum(tracked, "sent"));
    assertEquals(1, sum(tracked, "opened"));
    // consecutive hours, empty ones filled with zeros
    for (int i = 1; i < tracked.size(); i++) {
      assertEquals(Instant.parse(tracked.getJsonObject(i - 1).getString("start")).plus(1, ChronoUnit.HOURS),
          Instant.parse(tracked.getJsonObject(i).getString("start")));
    }

    JsonArray days = buckets(store, campaign, "day");
    assertEquals(3, sum(days, "sent"));
    assertEquals(1, sum(days, "opened"));
    assertEquals(1, sum(days, "clicked"));
    assertEquals(1, sum(days, "conversions"));
    assertTrue(days.size() <= 2, days::encode);
  }

  @Test
  void aCampaignWithNothingSentHasNoBucketsAndBadRequestsAnswer4xx() {
    TestStore store = server.createStore("Timeline errors");
    TestStore other = server.createStore("Other");
    String a = Campaigns.customer(store, "a@draft.example", true);
    String segment = Campaigns.staticSegment(store, "One", List.of(a));
    String draft = create(store, body("email", segment, Campaigns.template(store, "email"))).getString("id");
    assertEquals(0, buckets(store, draft, "hour").size());
    store.api().get(store.path("/campaigns/" + draft + "/timeline?interval=week")).expectError(400, "parameter_invalid");
    store.api().get(store.path("/campaigns/cmp_nope/timeline")).expectError(404, "resource_missing");
    other.api().get(store.path("/campaigns/" + draft + "/timeline")).expectError(404, "resource_missing");
  }
}
