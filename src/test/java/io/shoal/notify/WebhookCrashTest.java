package io.shoal.notify;

import static io.shoal.notify.WebhookReceiver.HANG;
import static io.shoal.notify.WebhookReceiver.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shoal.config.ShoalConfig;
import io.shoal.config.WebhookConfig;
import io.shoal.kernel.Ids;
import io.shoal.engine.support.ShoalProcess;
import io.shoal.testing.ApiClient;
import io.shoal.testing.TestDatabase;
import io.shoal.testing.TestServer;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.HashMap;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Shoal killed (SIGKILL) while webhooks are pending and in flight, then started again: every
 * event reaches the receiver. Shoal runs as a separate JVM on the test database, as in production.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class WebhookCrashTest {

  private Vertx vertx;
  private WebClient web;
  private String databaseUrl;
  private Path dataDir;
  private final String adminKey = "wk_admin_crash_" + Ids.random(24);
  private ShoalProcess shoal;

  @BeforeEach
  void setUp() {
    vertx = Vertx.vertx();
    web = WebClient.create(vertx);
    databaseUrl = TestDatabase.createDatabase();
    dataDir = TestServer.tempDir();
  }

  @AfterEach
  void tearDown() throws InterruptedException, IOException {
    if (shoal != null) {
      shoal.close();
    }
    ApiClient.await(vertx.close());
    TestDatabase.dropDatabase(databaseUrl);
    deleteRecursively(dataDir);
  }

  @Test
  void eventsPendingAndInFlightWhenShoalIsKilledAreDeliveredAfterARestart() throws Exception {
    int customers = 20;
    try (WebhookReceiver receiver = WebhookReceiver.start(vertx, n -> HANG)) {
      int port = startShoal(Map.of(WebhookConfig.TIMEOUT_MS, "60000"), "first");
      JsonObject store = call(port, "POST", "/v1/stores", adminKey, new JsonObject().put("name", "Crash"), 201);
      String key = store.getString("api_key");
      String base = "/v1/stores/" + store.getString("id");
      String secret = call(port, "POST", base + "/webhook-endpoints", key, new JsonObject().put("url", receiver.url())
          .put("events", new JsonArray().add("customer.created")), 201).getString("secret");
      for (int i = 0; i < customers; i++) {
        call(port, "POST", base + "/customers", key, new JsonObject().put("email", "k" + i + "@crash.example"), 201);
      }
      // the receiver holds the first deliveries without answering: they are in flight, the rest pending
      assertTrue(eventually(10, () -> receiver.requestCount() > 0));
      shoal.kill();
      int beforeRestart = receiver.deduplicated().size();
      assertTrue(beforeRestart < customers, "some were still pending at the crash: " + beforeRestart);

      receiver.answer(n -> 200);
      port = startShoal(Map.of(WebhookConfig.TIMEOUT_MS, "2000"), "second");
      assertTrue(eventually(30, () -> receiver.deduplicated().size() == customers),
          () -> "after the restart the receiver has " + receiver.deduplicated().size() + " of " + customers);
      Set<String> emails = new TreeSet<>();
      long now = System.currentTimeMillis() / 1000;
      for (WebhookReceiver.Delivery d : receiver.all()) {
        assertTrue(DeliverySignature.verify(d.signature(), d.body(), secret, now, 300));
        emails.add(d.event().getJsonObject("data").getJsonObject("customer").getString("email"));
      }
      assertEquals(customers, emails.size());
      String endpoint = call(port, "GET", base + "/webhook-endpoints", key, null, 200).getJsonArray("data")
          .getJsonObject(0).getString("id");
      int finalPort = port;
      assertTrue(eventually(10, () -> call(finalPort, "GET", base + "/webhook-endpoints/" + endpoint
          + "/deliveries?limit=100&status=succeeded", key, null, 200).getJsonArray("data").size() == customers));

      shoal.stop(Duration.ofSeconds(30)); // SIGTERM: a graceful stop (fails the test if it does not exit)
    }
  }

  /** Starts io.shoal.Main in a new JVM with the test's classpath; answers its HTTP port. */
  private int startShoal(Map<String, String> extra, String name) {
    Map<String, String> env = new HashMap<>();
    env.put(ShoalConfig.PG_URL, databaseUrl);
    env.put(ShoalConfig.DATA_DIR, dataDir.toString());
    env.put(ShoalConfig.ADMIN_KEY, adminKey);
    env.put(ShoalConfig.HTTP_HOST, "127.0.0.1");
    env.put(ShoalConfig.HTTP_PORT, "0");
    env.put(ShoalConfig.HTTP_INSTANCES, "1");
    env.put(ShoalConfig.PG_POOL_SIZE, "4");
    env.put(ShoalConfig.EVALUATOR_PARTITIONS, "1");
    env.put(WebhookConfig.RETRY_BASE_MS, "100");
    env.put(WebhookConfig.POLL_INTERVAL_MS, "100");
    env.putAll(extra);
    shoal = ShoalProcess.start(env, dataDir.resolve(name + ".log"));
    return shoal.port();
  }

  private JsonObject call(int port, String method, String uri, String key, JsonObject body, int expected) {
    var request = web.request(io.vertx.core.http.HttpMethod.valueOf(method), port, "127.0.0.1", uri)
        .putHeader("Authorization", "Bearer " + key);
    HttpResponse<Buffer> r = ApiClient.await(body == null ? request.send() : request.sendJsonObject(body));
    assertEquals(expected, r.statusCode(), () -> method + " " + uri + ": " + r.bodyAsString());
    return r.bodyAsJsonObject();
  }

  private static void deleteRecursively(Path dir) throws IOException {
    try (var paths = Files.walk(dir)) {
      paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }
}
