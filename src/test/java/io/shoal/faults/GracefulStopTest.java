package io.shoal.faults;

import static io.shoal.engine.support.StoreDriver.cond;
import static io.shoal.engine.support.StoreDriver.rules;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shoal.engine.support.RemoteApi;
import io.shoal.engine.support.ShoalProcess;
import io.shoal.kernel.Ids;
import io.shoal.testing.ApiClient;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGTERM to a Shoal running its embedded PostgreSQL while the evaluators are busy: the stop
 * undeploys the verticles (the evaluators write their last batch), closes the pools and only then
 * stops PostgreSQL, so the log of the stop has no failed write, and the database is stopped when
 * the process has exited. (The embedded library's own JVM shutdown hook used to stop PostgreSQL
 * beside Shoal's, and the evaluators' last batch then failed with 57P03 "the database system is
 * shutting down".)
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class GracefulStopTest {

  private static final Path LOG = Path.of("target", "graceful-stop-shoal.log");

  @TempDir
  Path dataDir;
  private final Vertx clientVertx = Vertx.vertx();
  private ShoalProcess shoal;

  @AfterEach
  void cleanUp() {
    if (shoal != null) {
      shoal.close();
    }
    ApiClient.await(clientVertx.close());
  }

  @Test
  void aStopUnderLoadWritesTheLastBatchBeforeItsPostgresqlStops() throws Exception {
    Files.deleteIfExists(LOG);
    String admin = "wk_admin_gracefulstop_" + Ids.random(24);
    shoal = ShoalProcess.start(Map.of(
        "SHOAL_HTTP_HOST", "127.0.0.1",
        "SHOAL_HTTP_PORT", "0",
        "SHOAL_DATA_DIR", dataDir.toString(),
        "SHOAL_PG_POOL_SIZE", "4",
        "SHOAL_ADMIN_KEY", admin), LOG);
    RemoteApi api = RemoteApi.connect(clientVertx, shoal.port(), admin, 4);
    JsonObject store = api.post("/v1/stores", new JsonObject().put("name", "Stopped")).expect(201);
    String base = "/v1/stores/" + store.getString("id");
    api = api.withKey(store.getString("api_key"));
    for (int s = 0; s < 100; s++) {
      api.post(base + "/segments", new JsonObject().put("name", "Spent over " + s).put("type", "dynamic")
          .put("rules", rules(cond("total_spent", "gt", s * 2)))).expect(201);
    }
    // batches keep coming while the stop begins: requests in flight and the evaluators' batches
    // still need the database
    RemoteApi sender = api;
    AtomicInteger acked = new AtomicInteger();
    AtomicBoolean stopping = new AtomicBoolean();
    Thread load = new Thread(() -> {
      for (int b = 0; !stopping.get(); b++) {
        JsonArray events = new JsonArray();
        for (int i = 0; i < 1_000; i++) {
          events.add(new JsonObject().put("type", "order.completed")
              .put("customer", new JsonObject().put("email", "c" + (b * 1_000 + i) + "@stop.example"))
              .put("properties", new JsonObject().put("order_id", "o" + b + "-" + i).put("total", 5 + i % 200)));
        }
        try {
          sender.post(base + "/events/batch", new JsonObject().put("events", events)).expect(202);
          acked.incrementAndGet();
        } catch (RuntimeException | AssertionError refusedOnceStopping) {
          return; // the server is going away
        }
      }
    }, "graceful-stop-load");
    load.start();
    while (acked.get() < 3) {
      Thread.sleep(20);
    }
    long postgres = Long.parseLong(Files.readAllLines(dataDir.resolve("pg").resolve("postmaster.pid")).get(0).trim());
    long before = Files.size(LOG);

    shoal.stop(Duration.ofSeconds(90)); // fails the test unless Shoal exits in time
    stopping.set(true);
    load.join(30_000);

    String stop = new String(Files.readAllBytes(LOG), StandardCharsets.UTF_8).substring((int) before);
    assertTrue(stop.contains("Stopped"), () -> "the stop ended:\n" + stop);
    assertFalse(stop.contains("could not persist"), () -> "a batch failed during the stop:\n" + stop);
    assertFalse(stop.contains("57P03") || stop.contains("57P01"),
        () -> "PostgreSQL went away while Shoal was still using it:\n" + stop);
    // the postmaster removes its pid file on a clean shutdown, then exits (reaped by whoever adopted it)
    assertFalse(Files.exists(dataDir.resolve("pg").resolve("postmaster.pid")), "the stop also stopped its PostgreSQL");
    ProcessHandle.of(postgres).ifPresent(p -> p.onExit().orTimeout(30, TimeUnit.SECONDS).join());
    assertEquals(-1, stop.indexOf(" ERROR "), () -> "no error logged during the stop:\n" + stop);
  }
}
