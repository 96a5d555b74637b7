package io.shoal.campaign;

import static io.shoal.campaign.Campaigns.awaitStatus;
import static io.shoal.campaign.Campaigns.body;
import static io.shoal.campaign.Campaigns.create;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shoal.config.ShoalConfig;
import io.shoal.kernel.Ids;
import io.shoal.testing.TestDatabase;
import io.shoal.testing.TestServer;
import io.shoal.testing.TestStore;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The schedule is in the database: a campaign due while Shoal was stopped starts when it is back. */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class CampaignRestartTest {

  @TempDir
  Path dataDir;
  private String databaseUrl;
  private ShoalConfig config;
  private TestServer server;

  @BeforeEach
  void setUp() {
    databaseUrl = TestDatabase.createDatabase();
    config = ShoalConfig.fromMap(Map.of(
        ShoalConfig.HTTP_HOST, "127.0.0.1",
        ShoalConfig.HTTP_PORT, "0",
        ShoalConfig.HTTP_INSTANCES, "1",
        ShoalConfig.DATA_DIR, dataDir.toString(),
        ShoalConfig.PG_URL, databaseUrl,
        ShoalConfig.PG_POOL_SIZE, "4",
        ShoalConfig.ADMIN_KEY, "wk_admin_restart_" + Ids.random(24)));
  }

  @AfterEach
  void tearDown() {
    if (server != null) {
      server.close();
    }
    TestDatabase.dropDatabase(databaseUrl);
  }

  @Test
  void aCampaignDueWhileShoalWasStoppedStartsOnceWhenItIsBack() {
    server = TestServer.start(config);
    TestStore store = server.createStore("Restart");
    String a = Campaigns.customer(store, "a@restart.example", true);
    String b = Campaigns.customer(store, "b@restart.example", true);
    String segment = Campaigns.staticSegment(store, "Two", List.of(a, b));
    Instant at = Instant.now().plusSeconds(3);
    String id = create(store, body("push", segment, Campaigns.template(store, "push"))
        .put("scheduled_at", at.toString())).getString("id");
    server.close();
    server = null;

    Campaigns.sleep(Math.max(0, Duration.between(Instant.now(), at).toMillis()) + 500);
    server = TestServer.start(config);
    TestStore again = new TestStore(store.id(), store.apiKey(), server.withKey(store.apiKey()));
    // push needs push consent, which neither gave: both are accounted for as suppressed, so
    // the campaign completes as soon as it has started
    JsonObject done = awaitStatus(again, id, "completed", Duration.ofSeconds(15));
    assertFalse(Instant.parse(done.getString("started_at")).isBefore(at));
    assertEquals(2, done.getLong("recipient_count"));
    assertEquals(2, Campaigns.messages(databaseUrl, store.id(), id).size());
    assertTrue(Campaigns.messages(databaseUrl, store.id(), id).stream()
        .allMatch(m -> "suppressed".equals(m.get("status")) && "no_push_consent".equals(m.get("last_error"))));

    // and a third start does not start it again
    server.close();
    server = TestServer.start(config);
    Campaigns.sleep(500);
    assertEquals(1, server.withKey(store.apiKey()).get(store.path("/events?types=campaign.started")).page().size());
    assertEquals(2, Campaigns.messages(databaseUrl, store.id(), id).size());
  }
}
