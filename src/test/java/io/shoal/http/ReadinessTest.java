package io.shoal.http;

import static io.shoal.testing.ApiClient.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shoal.config.ShoalConfig;
import io.shoal.testing.ApiClient;
import io.shoal.testing.ApiResponse;
import io.shoal.testing.TestDatabase;
import io.shoal.testing.TestServer;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code /health/ready} while every connection of the API's pool is taken: the database check
 * answers KO after its 1 s limit rather than waiting for a connection, and its {@code SELECT 1},
 * answered once a connection frees, completes nothing a second time (it threw "Result is already
 * complete" while a start's overdue time checks held the pool).
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class ReadinessTest {

  /** The pool's size here: each held by one long statement. */
  private static final int POOL = 2;
  private static final String SLEEP = "SELECT pg_sleep(120) /* readiness_test */";
  /** The condition on pg_stat_activity that finds those statements (and not itself). */
  private static final String SLEEPING = "query = '" + SLEEP + "'";

  @Test
  void readiness_answers_503_while_every_connection_is_held_and_200_once_they_are_free() throws Exception {
    try (TestServer server = TestServer.start(Map.of(ShoalConfig.PG_POOL_SIZE, Integer.toString(POOL)))) {
      Vertx vertx = server.shoal().vertx();
      List<Throwable> reported = new CopyOnWriteArrayList<>();
      Handler<Throwable> before = vertx.exceptionHandler();
      vertx.exceptionHandler(t -> {
        reported.add(t);
        if (before != null) {
          before.handle(t);
        }
      });
      ApiClient anyone = server.anonymous();
      assertEquals(200, ready(anyone).status(), "ready before");

      // every connection of the API's pool held by a statement that runs until the test is done
      // with the 503s (cancelled then: nothing here waits for a time)
      Pool pool = server.shoal().database().pool();
      List<Future<?>> held = new ArrayList<>();
      for (int i = 0; i < POOL; i++) {
        held.add(pool.query(SLEEP).execute());
      }
      assertTrue(eventually(30, () -> sleeping(server) == POOL), "every connection held");

      // several answers: the server runs two API verticles, each with its own check
      for (int i = 0; i < 4; i++) {
        ApiResponse down = ready(anyone);
        assertEquals(503, down.status(), down::text);
        assertEquals("DOWN", database(down).getString("status"), down::text);
        assertTrue(held.stream().noneMatch(Future::isComplete), "answered while the pool was still held");
      }

      // the statements end: the checks' queued SELECT 1s are answered now, late
      try (Connection c = TestDatabase.connect(server.databaseUrl()); Statement st = c.createStatement()) {
        st.executeQuery("SELECT pg_cancel_backend(pid) FROM pg_stat_activity WHERE " + SLEEPING).close();
      }
      for (Future<?> f : held) {
        await(f.otherwiseEmpty(), 30);
      }
      assertTrue(eventually(30, () -> ready(anyone).status() == 200), "ready again once the pool is free");
      for (int i = 0; i < 4; i++) {
        ApiResponse up = ready(anyone);
        assertEquals(200, up.status(), up::text);
        assertEquals("UP", database(up).getString("status"), up::text);
      }
      assertEquals(List.of(), reported, "the late answers completed nothing again");
    }
  }

  private static ApiResponse ready(ApiClient client) {
    return await(client.send(HttpMethod.GET, "/health/ready", null, null, null), 30);
  }

  private static JsonObject database(ApiResponse r) {
    return r.json().getJsonArray("checks").stream().map(JsonObject.class::cast)
        .filter(c -> "database".equals(c.getString("id"))).findFirst().orElseThrow();
  }

  /** The test's long statements running now. */
  private static int sleeping(TestServer server) {
    try (Connection c = TestDatabase.connect(server.databaseUrl()); Statement st = c.createStatement();
         ResultSet rs = st.executeQuery("SELECT count(*) FROM pg_stat_activity WHERE state = 'active' AND "
             + SLEEPING)) {
      rs.next();
      return rs.getInt(1);
    } catch (Exception e) {
      return -1;
    }
  }

  private static boolean eventually(int seconds, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (System.nanoTime() < deadline) {
      if (condition.getAsBoolean()) {
        return true;
      }
      Thread.sleep(50);
    }
    return condition.getAsBoolean();
  }
}
