package io.shoal.event;

import static io.shoal.engine.support.Events.byEmail;
import static io.shoal.engine.support.Events.order;
import static io.shoal.engine.support.StoreDriver.cond;
import static io.shoal.engine.support.StoreDriver.rules;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.shoal.config.ShoalConfig;
import io.shoal.engine.support.StoreDriver;
import io.shoal.testing.TestServer;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * Ingestion that waits for the evaluators (SHOAL_INGEST_MAX_BACKLOG, here far below one batch):
 * concurrent batches are all accepted, none is refused or half-written, and every event is
 * evaluated, once.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class IngestAdmissionTest {

  private static final Instant T0 = Instant.parse("2025-01-01T10:00:00Z");

  private TestServer server;
  private StoreDriver shop;

  @BeforeAll
  @Timeout(value = 5, unit = TimeUnit.MINUTES)
  void start() {
    server = TestServer.start(Map.of(ShoalConfig.INGEST_MAX_BACKLOG, "5", ShoalConfig.EVALUATOR_PARTITIONS, "2"));
    shop = new StoreDriver(server.createStore("Admission"));
  }

  @AfterAll
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void concurrentBatchesBeyondTheBacklogAreAllAcceptedAndEvaluatedOnce() throws Exception {
    String twice = shop.dynamicSegment("ordered twice", rules(cond("total_orders", "gte", 2)));
    int customers = 150;
    int batches = 6;
    // every customer orders twice, its two orders in different batches sent at the same time
    List<List<JsonObject>> bodies = new ArrayList<>();
    for (int b = 0; b < batches; b++) {
      bodies.add(new ArrayList<>());
    }
    for (int c = 0; c < customers; c++) {
      for (int k = 0; k < 2; k++) {
        bodies.get((c + k * 3) % batches).add(byEmail(order("o-" + c + "-" + k, "10.00", T0.plusSeconds(c * 2L + k)),
            "c" + c + "@example.com"));
      }
    }
    ExecutorService pool = Executors.newFixedThreadPool(batches);
    try {
      List<Future<JsonObject>> sent = new ArrayList<>();
      for (List<JsonObject> body : bodies) {
        sent.add(pool.submit(() -> shop.sendBatch(body)));
      }
      Set<String> ids = new TreeSet<>();
      int accepted = 0;
      for (Future<JsonObject> f : sent) {
        for (Object r : f.get(2, TimeUnit.MINUTES).getJsonArray("results")) {
          JsonObject outcome = (JsonObject) r;
          assertEquals("accepted", outcome.getString("status"), outcome::encode);
          ids.add(outcome.getString("customer_id"));
          accepted++;
        }
      }
      assertEquals(customers * 2, accepted);
      assertEquals(customers, ids.size());
      shop.awaitMembers(twice, ids);
      for (String id : List.of(ids.iterator().next(), ((TreeSet<String>) ids).last())) {
        assertEquals(2, shop.awaitOrders(id, 2).getInteger("total_orders"), "each order counted once");
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
