package io.shoal.automation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shoal.engine.support.RemoteApi;
import io.shoal.engine.support.ShoalProcess;
import io.shoal.kernel.Ids;
import io.shoal.testing.ApiClient;
import io.shoal.testing.TestDatabase;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
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
 * Delayed actions survive a crash: Shoal killed (SIGKILL) with delayed emails and tag changes
 * pending, some coming due while it is down and some after it is back, loses none of them and
 * does none twice. Shoal runs as its own process on a fresh database of the test PostgreSQL.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class AutomationCrashTest {

  private static final Path LOG = Path.of("target", "automation-crash-shoal.log");
  private static final int CUSTOMERS = 20;

  @TempDir
  Path dataDir;
  private String databaseUrl;
  private Vertx clientVertx;
  private final List<ShoalProcess> processes = new ArrayList<>();
  private Map<String, String> env;

  @BeforeEach
  void freshDatabase() throws IOException {
    databaseUrl = TestDatabase.createDatabase();
    clientVertx = Vertx.vertx();
    Files.deleteIfExists(LOG);
    env = Map.of(
        "SHOAL_HTTP_HOST", "127.0.0.1",
        "SHOAL_HTTP_PORT", "0",
        "SHOAL_HTTP_INSTANCES", "1",
        "SHOAL_EVALUATOR_PARTITIONS", "2",
        "SHOAL_DATA_DIR", dataDir.toString(),
        "SHOAL_PG_URL", databaseUrl,
        "SHOAL_PG_POOL_SIZE", "8",
        "SHOAL_AUTOMATION_POLL_INTERVAL_MS", "200",
        "SHOAL_ADMIN_KEY", "wk_admin_autocrash_" + Ids.random(24));
  }

  @AfterEach
  void cleanUp() {
    processes.forEach(ShoalProcess::close);
    ApiClient.await(clientVertx.close());
    TestDatabase.dropDatabase(databaseUrl);
  }

  private ShoalProcess startShoal() {
    ShoalProcess p = ShoalProcess.start(env, LOG);
    processes.add(p);
    return p;
  }

  @Test
  void delayedActionsPendingAtAKillRunOnceEachAfterTheRestart() {
    ShoalProcess first = startShoal();
    RemoteApi admin = RemoteApi.connect(clientVertx, first.port(), env.get("SHOAL_ADMIN_KEY"), 8);
    JsonObject store = admin.post("/v1/stores", new JsonObject().put("name", "Crash")).expect(201);
    String base = "/v1/stores/" + store.getString("id");
    RemoteApi api = admin.withKey(store.getString("api_key"));
    String later = api.post(base + "/templates", new JsonObject().put("name", "Later").put("channel", "email")
        .put("subject", "Thanks").put("text", "Thanks")).expect(201).getString("id");
    String muchLater = api.post(base + "/templates", new JsonObject().put("name", "Much later").put("channel", "sms")
        .put("text", "Thanks again")).expect(201).getString("id");
    api.post(base + "/automation-rules", new JsonObject().put("name", "Later").put("trigger_event", "order.completed")
        .put("actions", new JsonArray()
            .add(new JsonObject().put("type", "send_email").put("template_id", later).put("delay", "4s"))
            .add(new JsonObject().put("type", "add_tag").put("tag", "thanked").put("delay", "4s"))
            .add(new JsonObject().put("type", "send_sms").put("template_id", muchLater).put("delay", "12s"))))
        .expect(201);
    orders(api, base, "a");
    AutomationFixture.waitFor("runs of the first orders", 20, () -> count("SELECT count(*) FROM automation_steps"),
        n -> n == CUSTOMERS * 3L);
    first.kill();
    // the 4 s steps come due while Shoal is down; the 12 s ones after it is back
    AutomationFixture.sleep(5_000);
    ShoalProcess second = startShoal();
    RemoteApi api2 = RemoteApi.connect(clientVertx, second.port(), store.getString("api_key"), 8);
    // more orders, then a kill while their steps are pending, and a start right away
    orders(api2, base, "b");
    AutomationFixture.waitFor("runs of the second orders", 20, () -> count("SELECT count(*) FROM automation_steps"),
        n -> n == CUSTOMERS * 6L);
    second.kill();
    startShoal();

    AutomationFixture.waitFor("every step done", 40,
        () -> count("SELECT count(*) FROM automation_steps WHERE status = 'done'"), n -> n == CUSTOMERS * 6L);
    assertEquals(0L, count("SELECT count(*) FROM automation_steps WHERE status <> 'done'"));
    assertEquals(CUSTOMERS * 4L, count("SELECT count(*) FROM messages WHERE source = 'automation'"), "each once");
    assertEquals(CUSTOMERS * 4L, count("SELECT count(DISTINCT dedupe_key) FROM messages"));
    assertEquals(CUSTOMERS * 2L, count("SELECT count(*) FROM customers WHERE 'thanked' = ANY(tags)"
        + " AND array_length(tags, 1) = 1"), "tagged once each");
    assertEquals(0L, count("SELECT count(*) FROM automation_steps WHERE executed_at < due_at"), "none early");
    long late = count("SELECT count(*) FROM automation_steps s JOIN automation_runs r ON r.id = s.run_id"
        + " WHERE s.executed_at > s.due_at + interval '1 second' AND s.action->>'delay' = '12s'"
        + " AND r.customer_id IN (SELECT id FROM customers WHERE email LIKE 'a%')");
    System.out.println("12s steps of the first orders (due after the restart) more than 1 s late: " + late);
  }

  private void orders(RemoteApi api, String base, String prefix) {
    List<Future<?>> sent = new ArrayList<>();
    for (int i = 0; i < CUSTOMERS; i++) {
      sent.add(api.send(HttpMethod.POST, base + "/events", new JsonObject().put("type", "order.completed")
          .put("id", prefix + "-order-" + i)
          .put("customer", new JsonObject().put("email", prefix + i + "@crash.example"))
          .put("data", AutomationFixture.order(prefix + "-" + i, 30.0)), null)
          .map(r -> {
            assertEquals(202, r.status(), r.text());
            return r;
          }));
    }
    ApiClient.await(Future.all(sent));
  }

  private long count(String sql) {
    try (Connection c = TestDatabase.connect(databaseUrl); Statement st = c.createStatement();
         ResultSet rs = st.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    } catch (SQLException e) {
      throw new UncheckedIOException(new IOException(e));
    }
  }
}
