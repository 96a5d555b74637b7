package io.shoal.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shoal.engine.support.RemoteApi;
import io.shoal.engine.support.ShoalProcess;
import io.shoal.kernel.Ids;
import io.shoal.testing.ApiClient;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Shoal with its embedded PostgreSQL, killed with SIGKILL and started again at once, five times
 * in a row: every start succeeds by itself (the killed Shoal's PostgreSQL, still running, is
 * found by its pid file and stopped), and every customer acknowledged before a kill is there.
 */
@Timeout(value = 30, unit = TimeUnit.MINUTES)
class KillRestartTest {

  private static final Path LOG = Path.of("target", "kill-restart-shoal.log");
  /** A start takes seconds on a quiet machine; minutes were seen on a 2-core one shared by many builds. */
  private static final int KILLS = 5;

  @TempDir
  Path dataDir;
  private Vertx clientVertx;
  private final List<ShoalProcess> processes = new ArrayList<>();
  private Map<String, String> env;

  @BeforeEach
  void setUp() throws IOException {
    clientVertx = Vertx.vertx();
    Files.deleteIfExists(LOG);
    env = Map.of(
        "SHOAL_HTTP_HOST", "127.0.0.1",
        "SHOAL_HTTP_PORT", "0",
        "SHOAL_HTTP_INSTANCES", "1",
        "SHOAL_EVALUATOR_PARTITIONS", "1",
        "SHOAL_DATA_DIR", dataDir.toString(),
        "SHOAL_PG_POOL_SIZE", "4",
        "SHOAL_ADMIN_KEY", "wk_admin_killrestart_" + Ids.random(24));
  }

  @AfterEach
  void cleanUp() throws Exception {
    processes.forEach(ShoalProcess::close);
    ApiClient.await(clientVertx.close());
    // a failed run may leave the last embedded PostgreSQL: stop that one (by its pid file) only
    Path pidFile = dataDir.resolve("pg").resolve("postmaster.pid");
    if (Files.exists(pidFile)) {
      String pid = Files.readAllLines(pidFile).get(0).trim();
      new ProcessBuilder("kill", "-INT", pid).start().waitFor(10, TimeUnit.SECONDS);
      ProcessHandle.of(Long.parseLong(pid)).ifPresent(h -> h.onExit().orTimeout(30, TimeUnit.SECONDS).join());
    }
  }

  private long postgresPid() throws IOException {
    return Long.parseLong(Files.readAllLines(dataDir.resolve("pg").resolve("postmaster.pid")).get(0).trim());
  }

  @Test
  void fiveKillsInARowEachStartSucceedsAtOnceAndNothingAcknowledgedIsLost() throws Exception {
    ShoalProcess shoal = start();
    RemoteApi admin = RemoteApi.connect(clientVertx, shoal.port(), env.get("SHOAL_ADMIN_KEY"), 4);
    JsonObject store = admin.post("/v1/stores", new JsonObject().put("name", "Killed")).expect(201);
    String customers = "/v1/stores/" + store.getString("id") + "/customers";
    String key = store.getString("api_key");
    Set<String> acknowledged = new HashSet<>();
    for (int kill = 1; kill <= KILLS; kill++) {
      RemoteApi api = RemoteApi.connect(clientVertx, shoal.port(), key, 4);
      for (int i = 0; i < 10; i++) {
        acknowledged.add(api.post(customers, new JsonObject().put("email", "k" + kill + "-" + i + "@example.com"))
            .expect(201).getString("id"));
      }
      long postgres = postgresPid();
      shoal.kill();
      assertTrue(ProcessHandle.of(postgres).map(ProcessHandle::isAlive).orElse(false),
          "the killed Shoal's PostgreSQL outlives it (what made the next start fail)");
      long before = System.nanoTime();
      shoal = start();
      System.out.printf("kill %d: started again in %d ms%n", kill, (System.nanoTime() - before) / 1_000_000);
      assertTrue(ProcessHandle.of(postgres).isEmpty() || !ProcessHandle.of(postgres).get().isAlive(),
          "the stale PostgreSQL was stopped");
      api = RemoteApi.connect(clientVertx, shoal.port(), key, 4);
      Set<String> present = new HashSet<>();
      String cursor = null;
      do {
        var page = api.get(customers + "?limit=100" + (cursor == null ? "" : "&cursor=" + cursor));
        page.page().forEach(c -> present.add(c.getString("id")));
        cursor = page.nextCursor();
      } while (cursor != null);
      Set<String> lost = new HashSet<>(acknowledged);
      lost.removeAll(present);
      assertEquals(Set.of(), lost, "acknowledged customers lost after kill " + kill);
    }
    shoal.stop(Duration.ofSeconds(60)); // SIGTERM: the graceful stop, which also stops its PostgreSQL
  }

  private ShoalProcess start() {
    ShoalProcess p = ShoalProcess.start(env, LOG);
    processes.add(p);
    return p;
  }
}
