package io.shoal.campaign;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shoal.engine.support.RemoteApi;
import io.shoal.engine.support.ShoalProcess;
import io.shoal.kernel.Ids;
import io.shoal.testing.ApiClient;
import io.shoal.testing.TestDatabase;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Shoal killed (SIGKILL) while a campaign is queueing its messages, then started again on the
 * same database: every recipient ends up with exactly one message, none skipped, none twice.
 * Shoal runs as its own process, as in production.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class CampaignCrashTest {

  private static final int RECIPIENTS = 4_000;
  private static final Path LOG = Path.of("target", "campaign-crash-shoal.log");

  @TempDir
  Path dataDir;
  private String databaseUrl;
  private Vertx clientVertx;
  private final List<ShoalProcess> processes = new ArrayList<>();
  private Map<String, String> env;

  @BeforeEach
  void setUp() throws Exception {
    databaseUrl = TestDatabase.createDatabase();
    clientVertx = Vertx.vertx();
    Files.deleteIfExists(LOG);
    env = Map.of(
        "SHOAL_HTTP_HOST", "127.0.0.1",
        "SHOAL_HTTP_PORT", "0",
        "SHOAL_HTTP_INSTANCES", "1",
        "SHOAL_EVALUATOR_PARTITIONS", "1",
        "SHOAL_DATA_DIR", dataDir.toString(),
        "SHOAL_PG_URL", databaseUrl,
        "SHOAL_PG_POOL_SIZE", "4",
        "SHOAL_ADMIN_KEY", "wk_admin_crash_" + Ids.random(24),
        // small pages: the queueing takes long enough to be killed in the middle
        "SHOAL_CAMPAIGN_PAGE_SIZE", "5");
  }

  @AfterEach
  void tearDown() {
    processes.forEach(ShoalProcess::close);
    ApiClient.await(clientVertx.close());
    TestDatabase.dropDatabase(databaseUrl);
  }

  private ShoalProcess startShoal() {
    ShoalProcess p = ShoalProcess.start(env, LOG);
    processes.add(p);
    return p;
  }

  private long messageCount(String storeId, String campaignId) {
    return (Long) Campaigns.query(databaseUrl, "SELECT count(*) AS n FROM messages WHERE store_id = ? AND source_id = ?",
        storeId, campaignId).get(0).get("n");
  }

  @Test
  void everyRecipientHasExactlyOneMessageAfterAKillMidCampaignAndARestart() {
    ShoalProcess first = startShoal();
    RemoteApi admin = RemoteApi.connect(clientVertx, first.port(), env.get("SHOAL_ADMIN_KEY"), 4);
    JsonObject store = admin.post("/v1/stores", new JsonObject().put("name", "Crash")).expect(201);
    String storeId = store.getString("id");
    RemoteApi api = admin.withKey(store.getString("api_key"));
    String base = "/v1/stores/" + storeId;

    // 4,000 customers, one in ten without email consent (suppressed, and must stay accounted for)
    List<String> ids = new ArrayList<>();
    JsonArray events = new JsonArray();
    for (int i = 0; i < RECIPIENTS; i++) {
      events.add(new JsonObject().put("type", "customer.updated").put("customer", new JsonObject()
          .put("email", "r" + i + "@crash.example").put("email_consent", i % 10 != 0)));
      if (events.size() == 1_000) {
        api.post(base + "/events/batch", new JsonObject().put("events", events)).expect(202);
        events = new JsonArray();
      }
    }
    assertTrue(Campaigns.eventually(Duration.ofSeconds(60), () -> (Long) Campaigns.query(databaseUrl,
        "SELECT count(*) AS n FROM customers WHERE store_id = ?", storeId).get(0).get("n") == RECIPIENTS));
    Campaigns.query(databaseUrl, "SELECT id FROM customers WHERE store_id = ?", storeId)
        .forEach(r -> ids.add((String) r.get("id")));
    String segment = api.post(base + "/segments", new JsonObject().put("name", "Everyone").put("type", "static")
        .put("customer_ids", new JsonArray(ids))).expect(201).getString("id");
    String template = api.post(base + "/templates", new JsonObject().put("name", "Sale").put("channel", "email")
        .put("subject", "Sale").put("text", "Hi {{first_name}}")).expect(201).getString("id");
    String campaign = api.post(base + "/campaigns", Campaigns.body("email", segment, template)
        .put("scheduled_at", Instant.now().toString())).expect(201).getString("id");

    // --- killed while the messages are being queued --------------------------------------------
    assertTrue(Campaigns.eventually(Duration.ofSeconds(60), () -> messageCount(storeId, campaign) > 0),
        "the campaign started queueing");
    first.kill();
    long atKill = messageCount(storeId, campaign);
    assertTrue(atKill > 0 && atKill < RECIPIENTS, () -> "killed in the middle: " + atKill + " of " + RECIPIENTS);

    // --- restarted: it resumes after its last committed page --------------------------------------
    ShoalProcess second = startShoal();
    RemoteApi again = RemoteApi.connect(clientVertx, second.port(), store.getString("api_key"), 4);
    assertTrue(Campaigns.eventually(Duration.ofSeconds(90), () -> messageCount(storeId, campaign) == RECIPIENTS),
        () -> "after the restart: " + messageCount(storeId, campaign) + " of " + RECIPIENTS + "\n" + second.logTail());
    Campaigns.sleep(500);
    List<Map<String, Object>> perCustomer = Campaigns.query(databaseUrl, "SELECT r.customer_id, count(m.id) AS n"
        + " FROM campaign_recipients r LEFT JOIN messages m ON m.store_id = r.store_id AND m.source_id = r.campaign_id"
        + " AND m.customer_id = r.customer_id WHERE r.store_id = ? AND r.campaign_id = ? GROUP BY r.customer_id",
        storeId, campaign);
    assertEquals(RECIPIENTS, perCustomer.size(), "every member was frozen as a recipient");
    assertTrue(perCustomer.stream().allMatch(r -> (Long) r.get("n") == 1L),
        () -> "a recipient without exactly one message: "
            + perCustomer.stream().filter(r -> (Long) r.get("n") != 1L).limit(5).toList());
    long suppressed = (Long) Campaigns.query(databaseUrl, "SELECT count(*) AS n FROM messages WHERE store_id = ?"
        + " AND source_id = ? AND status = 'suppressed' AND last_error = 'no_email_consent'", storeId, campaign)
        .get(0).get("n");
    assertEquals(RECIPIENTS / 10, suppressed);
    JsonObject c = again.get(base + "/campaigns/" + campaign).expect(200);
    assertEquals(RECIPIENTS, c.getLong("recipient_count"));
    assertEquals(1, again.get(base + "/events?types=campaign.started").expect(200).getJsonArray("data").size(),
        "started once, not again after the restart");
    second.stop(Duration.ofSeconds(30));
  }
}
