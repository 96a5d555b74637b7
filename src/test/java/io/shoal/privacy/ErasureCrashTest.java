package io.shoal.privacy;

import static io.shoal.privacy.PrivacyTesting.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shoal.config.PrivacyConfig;
import io.shoal.config.ShoalConfig;
import io.shoal.engine.support.ShoalProcess;
import io.shoal.kernel.Ids;
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
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Shoal killed (SIGKILL) in the middle of an erasure, then started again: the request was left
 * processing, never completed, and after the restart it resumes where it stopped and completes,
 * every step recorded once, and the person is gone from the whole database. Shoal runs as a
 * separate JVM on the test database, as in production; a pause between steps makes "the middle"
 * a moment the test can hit.
 */
@Timeout(value = 150, unit = TimeUnit.SECONDS)
class ErasureCrashTest {

  private static final String EMAIL = "crash.person@erase.example";
  private static final List<String> STEPS = List.of("suppression", "segments", "customer", "events", "recommendations",
      "automations", "campaigns", "notifications", "messages", "idempotency", "exports");

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
    try (var paths = Files.walk(dataDir)) {
      paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  @Test
  void anErasureInterruptedByACrashResumesAtStartAndCompletes() throws Exception {
    int port = startShoal("1500");
    JsonObject store = call(port, "POST", "/v1/stores", adminKey, new JsonObject().put("name", "Crash"), 201);
    String key = store.getString("api_key");
    String base = "/v1/stores/" + store.getString("id");
    String segment = call(port, "POST", base + "/segments", key, new JsonObject().put("name", "Buyers")
        .put("is_dynamic", true).put("rules", new JsonArray().add(new JsonObject().put("field", "total_orders")
            .put("operator", "gte").put("value", 1))), 201).getString("id");
    String id = call(port, "POST", base + "/customers", key, new JsonObject().put("email", EMAIL)
        .put("first_name", "Crashy"), 201).getString("id");
    call(port, "POST", base + "/events", key, new JsonObject().put("type", "order.completed").put("customer_id", id)
        .put("data", new JsonObject().put("order_id", "C-1").put("total", 10)), 202);
    int firstPort = port;
    assertTrue(eventually(20, () -> call(firstPort, "GET", base + "/segments/" + segment, key, null, 200)
        .getInteger("customer_count") == 1));

    String request = call(port, "POST", base + "/customers/" + id + "/removal-request", key,
        new JsonObject().put("type", "erasure"), 202).getString("id");
    String stepsSql = "SELECT coalesce(array_length(steps_done, 1), 0) FROM data_requests WHERE id = '" + request + "'";
    assertTrue(eventually(30, () -> DatabaseSearch.count(databaseUrl, stepsSql) >= 2), "two steps done");
    shoal.kill();

    long doneAtCrash = DatabaseSearch.count(databaseUrl, stepsSql);
    assertTrue(doneAtCrash < STEPS.size(), "killed in the middle: " + doneAtCrash + " steps done");
    assertEquals(1, DatabaseSearch.count(databaseUrl, "SELECT count(*) FROM data_requests WHERE id = '" + request
        + "' AND status = 'processing' AND completed_at IS NULL"), "left processing, not completed");

    port = startShoal("0");
    int secondPort = port;
    JsonObject[] last = new JsonObject[1];
    assertTrue(eventually(30, () -> {
      last[0] = call(secondPort, "GET", base + "/removal-requests/" + request, key, null, 200);
      return "completed".equals(last[0].getString("status"));
    }), () -> "resumed and completed: " + last[0]);
    assertEquals(STEPS, last[0].getJsonArray("steps_done").getList());
    assertEquals(Map.of(), DatabaseSearch.find(databaseUrl, EMAIL));
    assertEquals(Map.of(), DatabaseSearch.find(databaseUrl, "Crashy"));
    call(port, "GET", base + "/customers/" + id, key, null, 404);
    assertEquals(0, call(port, "GET", base + "/segments/" + segment, key, null, 200).getInteger("customer_count"));
    JsonArray audit = call(port, "GET", base + "/data-request-audit?limit=100&request_id=" + request, key, null, 200)
        .getJsonArray("data");
    long steps = audit.stream().filter(a -> "step_completed".equals(((JsonObject) a).getString("action"))).count();
    long completed = audit.stream().filter(a -> "completed".equals(((JsonObject) a).getString("action"))).count();
    assertEquals(STEPS.size(), steps, "each step recorded once");
    assertEquals(1, completed);
    call(port, "POST", base + "/customers", key, new JsonObject().put("email", EMAIL), 409);

    shoal.stop(Duration.ofSeconds(30)); // SIGTERM: fails the test unless Shoal exits in time
    assertTrue(!shoal.isAlive());
  }

  /** Starts Shoal in its own JVM on the test database; answers its HTTP port. */
  private int startShoal(String stepPauseMs) {
    shoal = ShoalProcess.start(Map.of(
        ShoalConfig.PG_URL, databaseUrl,
        ShoalConfig.DATA_DIR, dataDir.toString(),
        ShoalConfig.ADMIN_KEY, adminKey,
        ShoalConfig.HTTP_HOST, "127.0.0.1",
        ShoalConfig.HTTP_PORT, "0",
        ShoalConfig.HTTP_INSTANCES, "1",
        ShoalConfig.PG_POOL_SIZE, "4",
        ShoalConfig.EVALUATOR_PARTITIONS, "1",
        PrivacyConfig.STEP_PAUSE_MS, stepPauseMs), dataDir.resolve("shoal.log"));
    return shoal.port();
  }

  private JsonObject call(int port, String method, String uri, String key, JsonObject body, int expected) {
    var request = web.request(io.vertx.core.http.HttpMethod.valueOf(method), port, "127.0.0.1", uri)
        .putHeader("Authorization", "Bearer " + key);
    HttpResponse<Buffer> r = ApiClient.await(body == null ? request.send() : request.sendJsonObject(body));
    assertEquals(expected, r.statusCode(), () -> method + " " + uri + ": " + r.bodyAsString());
    return r.bodyAsJsonObject();
  }
}
