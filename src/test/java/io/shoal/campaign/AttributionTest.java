package io.shoal.campaign;

import static io.shoal.campaign.Campaigns.body;
import static io.shoal.campaign.Campaigns.create;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shoal.testing.TestServer;
import io.shoal.testing.TestStore;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Orders become conversions of the campaign last opened or clicked within the window before
 * them, once per order; analytics add up what happened. Opens and clicks are written into the
 * messages' tracking (first time on the message, each one in message_events) as the tracking
 * endpoints record them, at chosen past instants: CampaignDeliveryTest goes through the real
 * open pixel and click redirect.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class AttributionTest {

  private static TestServer server;

  @BeforeAll
  static void start() {
    server = TestServer.start(Map.of("SHOAL_CAMPAIGN_POLL_INTERVAL_MS", "100"));
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  /** The campaign's message to the customer. */
  private static String message(TestStore store, String campaign, String customer) {
    return (String) Campaigns.query(server.databaseUrl(), "SELECT id FROM messages WHERE store_id = ? AND source_id = ?"
        + " AND customer_id = ?", store.id(), campaign, customer).get(0).get("id");
  }

  /** What tracking records when a recipient opens or clicks: an event, and the first time on the message. */
  private static void track(TestStore store, String messageId, String type, Instant at) {
    Campaigns.update(server.databaseUrl(), "INSERT INTO message_events (store_id, message_id, type, occurred_at)"
        + " VALUES (?, ?, ?, ?)", store.id(), messageId, type, Timestamp.from(at));
    Campaigns.update(server.databaseUrl(), "UPDATE messages SET " + type + "_at = coalesce(" + type + "_at, ?)"
        + " WHERE store_id = ? AND id = ?", Timestamp.from(at), store.id(), messageId);
  }

  private static void order(TestStore store, String eventId, String customer, String orderId, String total, Instant at) {
    store.api().post(store.path("/events"), new JsonObject().put("id", eventId).put("type", "order.completed")
        .put("customer_id", customer).put("occurred_at", at.toString())
        .put("data", new JsonObject().put("order_id", orderId).put("total", new BigDecimal(total)).put("currency", "USD")))
        .expect(202);
  }

  private static JsonObject analytics(TestStore store, String campaign) {
    return store.api().get(store.path("/campaigns/" + campaign + "/analytics")).expect(200);
  }

  @Test
  void anOrderIsAConversionOfTheLastTouchedCampaignWithinItsWindowCountedOnce() {
    TestStore store = server.createStore("Attribution");
    String a = Campaigns.customer(store, "a@attr.example", true);
    String b = Campaigns.customer(store, "b@attr.example", true);
    String c = Campaigns.customer(store, "c@attr.example", true);
    String d = Campaigns.customer(store, "d@attr.example", false);
    String segment = Campaigns.staticSegment(store, "Buyers", List.of(a, b, c, d));
    String template = Campaigns.template(store, "email");
    Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    String x = create(store, body("email", segment, template).put("name", "X").put("attribution_window_days", 7)
        .put("scheduled_at", now.toString())).getString("id");
    String y = create(store, body("email", segment, template).put("name", "Y").put("scheduled_at", now.toString()))
        .getString("id");
    Campaigns.awaitStarted(store, x, Duration.ofSeconds(10));
    Campaigns.awaitStarted(store, y, Duration.ofSeconds(10));
    assertTrue(Campaigns.eventually(Duration.ofSeconds(10), () -> (Long) Campaigns.query(server.databaseUrl(),
        "SELECT count(*) AS n FROM messages WHERE store_id = ?", store.id()).get(0).get("n") == 8));
    // the dispatcher sends them (through its log adapter: no SMTP server here); one of X's bounces
    assertTrue(Campaigns.eventually(Duration.ofSeconds(20), () -> (Long) Campaigns.query(server.databaseUrl(),
        "SELECT count(*) AS n FROM messages WHERE store_id = ? AND status = 'sent'", store.id()).get(0).get("n") == 6));
    store.api().post(store.path("/bounces"), new JsonObject().put("message_id", message(store, x, c)).put("type", "hard")
        .put("reason", "550 no such user")).expect(200);

    Instant t = now.minus(1, ChronoUnit.HOURS);
    track(store, message(store, x, a), "opened", t.minus(3, ChronoUnit.DAYS));
    track(store, message(store, y, a), "opened", t.minus(2, ChronoUnit.DAYS));
    track(store, message(store, y, a), "clicked", t.minus(1, ChronoUnit.DAYS));  // a's last touch: Y
    track(store, message(store, x, b), "opened", t.minus(6, ChronoUnit.DAYS));   // within X's 7 days
    track(store, message(store, y, b), "opened", t.minus(6, ChronoUnit.DAYS));   // outside Y's default 5
    track(store, message(store, y, c), "opened", t.plus(30, ChronoUnit.MINUTES)); // after c's order

    order(store, "o-a-1", a, "1001", "120.50", t);
    order(store, "o-a-1", a, "1001", "120.50", t);                 // the same event again
    order(store, "shopify-retry-1001", a, "1001", "120.50", t);    // the same order, another event id
    order(store, "o-b-1", b, "1002", "80.00", t);
    order(store, "o-c-1", c, "1003", "50.00", t);
    order(store, "o-a-2", a, "1004", "10.00", t.minus(10, ChronoUnit.DAYS)); // before any touch

    assertTrue(Campaigns.eventually(Duration.ofSeconds(15), () -> analytics(store, y).getLong("conversions") == 1
        && analytics(store, x).getLong("conversions") == 1));
    Campaigns.sleep(1_000); // and nothing more arrives

    JsonObject ya = analytics(store, y);
    assertEquals(1, ya.getLong("conversions"), ya::encode);
    assertEquals(0, new BigDecimal("120.50").compareTo(new BigDecimal(ya.getValue("revenue").toString())));
    assertEquals(4, ya.getLong("recipient_count"));
    assertEquals(3, ya.getLong("sent"));
    assertEquals(3, ya.getLong("delivered"));
    assertEquals(3, ya.getLong("opened"), "a, b and c opened Y");
    assertEquals(1, ya.getLong("clicked"));
    assertEquals(1, ya.getLong("suppressed"), "d gave no consent");
    assertEquals(0, new BigDecimal("1.000").compareTo(new BigDecimal(ya.getValue("open_rate").toString())));
    assertEquals(0, new BigDecimal("0.333").compareTo(new BigDecimal(ya.getValue("click_rate").toString())));
    assertEquals(0, new BigDecimal("0.333").compareTo(new BigDecimal(ya.getValue("conversion_rate").toString())));

    JsonObject xa = analytics(store, x);
    assertEquals(1, xa.getLong("conversions"), "b's order, 6 days after opening X (X's window is 7 days)");
    assertEquals(0, new BigDecimal("80.00").compareTo(new BigDecimal(xa.getValue("revenue").toString())));
    assertEquals(3, xa.getLong("sent"));
    assertEquals(2, xa.getLong("delivered"), "sent less bounced");
    assertEquals(1, xa.getLong("bounced"));
    assertEquals(2, xa.getLong("opened"));
    assertEquals(0, new BigDecimal("0.500").compareTo(new BigDecimal(xa.getValue("conversion_rate").toString())));

    List<Map<String, Object>> conversions = Campaigns.query(server.databaseUrl(),
        "SELECT order_id, campaign_id, customer_id FROM campaign_conversions WHERE store_id = ? ORDER BY order_id",
        store.id());
    assertEquals(List.of(Map.of("order_id", "1001", "campaign_id", y, "customer_id", a),
        Map.of("order_id", "1002", "campaign_id", x, "customer_id", b)), conversions);

    // replaying the whole log (as after a lost checkpoint) counts nothing twice
    Campaigns.update(server.databaseUrl(), "UPDATE campaign_attribution_checkpoint SET last_seq = 0");
    order(store, "o-wake", d, "1005", "1.00", t);
    Campaigns.sleep(1_500);
    assertEquals(1, analytics(store, y).getLong("conversions"));
    assertEquals(1, analytics(store, x).getLong("conversions"));
  }
}
