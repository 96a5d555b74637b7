package io.shoal.metrics.live;

import static io.shoal.engine.support.StoreDriver.cond;
import static io.shoal.engine.support.StoreDriver.rules;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shoal.config.MetricsConfig;
import io.shoal.engine.support.Events;
import io.shoal.engine.support.Poll;
import io.shoal.engine.support.StoreDriver;
import io.shoal.metrics.BgNbd;
import io.shoal.metrics.CdnowSample;
import io.shoal.metrics.PurchaseLog;
import io.shoal.metrics.RepeatHistory;
import io.shoal.testing.TestServer;
import io.shoal.testing.TestStore;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The CDNOW sample (2,357 customers, 6,919 purchases; see src/test/resources/cdnow/README.md)
 * sent as {@code order.completed} events through {@code POST /events/batch}, the path live
 * orders take. A backtest refit as of the end of the papers' calibration period must reproduce
 * the published estimates within 1%; the background refit then puts a live model in force, and
 * the metric fields move a dynamic segment.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class CdnowModelFitTest {

  private static TestServer server;

  @BeforeAll
  static void start() {
    // Background refits look every 300 ms and run at least every 5 s: one may come mid-ingest, on part of the data.
    server = TestServer.start(Map.of(MetricsConfig.CHECK_INTERVAL_MS, "300", MetricsConfig.REFIT_INTERVAL_MS, "5000"));
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static void within1Percent(double published, JsonObject model, String name) {
    double fitted = model.getDouble(name);
    assertEquals(published, fitted, published * 0.01, name + " fitted " + fitted + ", published " + published);
  }

  @Test
  void theFitOnOrdersSentThroughTheApiReproducesThePublishedEstimates() {
    TestStore store = server.createStore("CDNOW sample");
    StoreDriver shop = new StoreDriver(store);
    // Before any order: every customer is scored by the heuristic, so anyone with an order has some churn risk.
    String risky = shop.dynamicSegment("some churn risk", rules(cond("churn_risk", "gt", 0)));

    List<CdnowSample.Purchase> purchases = CdnowSample.purchases();
    assertEquals(6919, purchases.size());
    Map<String, String> customerIds = new HashMap<>();
    for (int from = 0; from < purchases.size(); from += 1000) {
      List<CdnowSample.Purchase> chunk = purchases.subList(from, Math.min(purchases.size(), from + 1000));
      List<JsonObject> events = new ArrayList<>();
      for (int i = 0; i < chunk.size(); i++) {
        CdnowSample.Purchase p = chunk.get(i);
        events.add(Events.byExternalId(Events.order("line-" + (from + i), p.dollars(), Instant.ofEpochMilli(p.at())),
            p.customer()));
      }
      JsonArray results = shop.sendBatch(events).getJsonArray("results");
      for (int i = 0; i < chunk.size(); i++) {
        customerIds.put(chunk.get(i).customer(), results.getJsonObject(i).getString("customer_id"));
      }
    }
    assertEquals(2357, customerIds.size());
    Poll.until("all 6,919 orders applied", Duration.ofSeconds(60),
        () -> shop.all(shop.path("/customers?limit=100")).stream().mapToInt(c -> c.getInteger("total_orders")).sum(),
        n -> n == 6919);

    // --- backtest as of the end of calibration: the published estimates ------------------------
    long started = System.nanoTime();
    JsonObject model = store.api().post(store.path("/metrics/model/refit"),
        new JsonObject().put("as_of", CdnowSample.CALIBRATION_END)).expect(200);
    System.out.printf("CDNOW sample backtest refit through the API: %d ms: %s%n",
        (System.nanoTime() - started) / 1_000_000, model.encode());
    assertEquals("metrics_model", model.getString("object"));
    assertEquals("backtest", model.getString("kind"));
    assertEquals("weeks", model.getString("time_unit"));
    assertEquals(2357, model.getInteger("customers"));
    assertEquals(946, model.getInteger("repeat_customers"));
    assertEquals("1997-09-30T23:59:59.999Z", model.getString("as_of"));
    within1Percent(0.243, model, "r");
    within1Percent(4.414, model, "alpha");
    within1Percent(0.793, model, "a");
    within1Percent(2.426, model, "b");
    within1Percent(6.25, model, "p");
    within1Percent(3.74, model, "q");
    within1Percent(15.44, model, "gamma");
    assertEquals(-9582.4, model.getDouble("log_likelihood"), 0.1);

    // --- the background refit puts a live model, on all orders, in force -----------------------
    JsonObject live = Poll.until("a live model fitted in the background on every customer", Duration.ofSeconds(90),
        () -> store.api().get(store.path("/metrics/model")).expect(200),
        m -> "fitted".equals(m.getString("status")) && m.getInteger("customers") == 2357);
    assertEquals("live", live.getString("kind"));
    BgNbd bg = new BgNbd(live.getDouble("r"), live.getDouble("alpha"), live.getDouble("a"), live.getDouble("b"));

    // Under BG/NBD a one-time buyer cannot have dropped out (P(alive) = 1, churn risk 0); every
    // repeat buyer silent since 1998 has some risk. The recompute after the refit moves the segment.
    Map<String, List<CdnowSample.Purchase>> byCustomer = new HashMap<>();
    purchases.forEach(p -> byCustomer.computeIfAbsent(p.customer(), k -> new ArrayList<>()).add(p));
    Set<String> repeaters = new TreeSet<>();
    byCustomer.forEach((cdnow, ps) -> {
      if (ps.stream().map(p -> PurchaseLog.day(p.at())).distinct().count() > 1) {
        repeaters.add(customerIds.get(cdnow));
      }
    });
    shop.awaitMembers(risky, repeaters);
    List<JsonObject> moved = shop.transitions(risky);
    assertTrue(moved.stream().anyMatch(t -> "metrics".equals(t.getString("cause"))), "left because the model came");

    // One customer's metrics are the model's numbers for its history.
    List<CdnowSample.Purchase> first = byCustomer.get("1");
    JsonObject m = shop.api().get(shop.customerPath(customerIds.get("1")) + "/metrics").expect(200);
    long now = Instant.parse(m.getString("computed_at")).toEpochMilli();
    RepeatHistory h = PurchaseLog.of(first.stream().mapToLong(CdnowSample.Purchase::at).toArray(),
        first.stream().mapToDouble(p -> Double.parseDouble(p.dollars())).toArray(), first.size()).asOf(now);
    assertEquals("fitted", m.getString("model_status"));
    assertEquals(1 - bg.pAlive(h), m.getDouble("churn_risk"), 0.00005);
    assertEquals(bg.conditionalExpectedPurchases(90 / 7.0, h), m.getDouble("expected_purchases_90d"), 0.00005);
  }
}
