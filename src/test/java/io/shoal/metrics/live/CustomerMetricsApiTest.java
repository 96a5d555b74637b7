package io.shoal.metrics.live;

import static io.shoal.engine.support.StoreDriver.cond;
import static io.shoal.engine.support.StoreDriver.rules;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shoal.engine.support.Events;
import io.shoal.engine.support.StoreDriver;
import io.shoal.testing.TestServer;
import io.shoal.testing.TestStore;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Customer metrics through the API on a small store (too small to fit models: the heuristic
 * answers): current right after an order's 202, usable in segment rules, one store's key never
 * sees another's, and bad input is a clear 4xx.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class CustomerMetricsApiTest {

  private static TestServer server;

  @BeforeAll
  static void start() {
    server = TestServer.start();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static JsonObject metrics(StoreDriver shop, String customerId) {
    return shop.api().get(shop.customerPath(customerId) + "/metrics").expect(200);
  }

  @Test
  void metricsAreCurrentWithinOneSecondOfTheOrdersAcceptance() {
    StoreDriver shop = new StoreDriver(server.createStore("Metrics now"));
    String id = shop.newCustomer("now@example.com");
    JsonObject none = metrics(shop, id);
    assertEquals("customer_metrics", none.getString("object"));
    assertEquals(0, none.getInteger("total_orders"));
    assertNull(none.getValue("rfm"), "no orders, no RFM");
    assertNull(none.getValue("churn_risk"));

    Instant first = Instant.now().minus(40, ChronoUnit.DAYS).truncatedTo(ChronoUnit.MILLIS);
    shop.send(Events.by(Events.order("o-1", "50.00", first), id));
    shop.send(Events.by(Events.order("o-2", "30.00", first.plus(20, ChronoUnit.DAYS)), id));
    // the third order's 202, then the very next read shows it: the event reaches the customer's
    // evaluator partition before the 202, and the metrics are answered by that partition after
    // everything queued before (stronger than "within a second", and not a timed assertion)
    shop.send(Events.by(Events.order("o-3", "40.00", first.plus(20, ChronoUnit.DAYS).plusSeconds(60)), id));
    JsonObject m = metrics(shop, id);
    assertEquals(3, m.getInteger("total_orders"), "the first read after the 202 shows the order");

    assertEquals(id, m.getString("customer_id"));
    assertEquals(120.0, m.getDouble("lifetime_value"));
    assertEquals(120.0, m.getDouble("total_spent"));
    assertEquals(40.0, m.getDouble("average_order_value"));
    assertEquals(2, m.getInteger("purchase_days"), "two orders on one day are one purchase day");
    assertEquals(20.0, m.getDouble("purchase_frequency_days"));
    assertEquals("insufficient_data", m.getString("model_status"));
    // heuristic: gap 20 days, silent for 20 days: 1 - e^-1
    assertEquals(0.63, m.getDouble("churn_risk"));
    assertEquals(52.0, m.getDouble("clv_horizon_weeks"));
    assertEquals(0.1, m.getDouble("annual_discount_rate"));
    JsonObject rfm = m.getJsonObject("rfm");
    assertTrue(rfm.getInteger("recency_score") >= 1 && rfm.getInteger("recency_score") <= 5, rfm::encode);
    assertTrue(Set.of("champion", "loyal", "potential_loyalist", "new", "promising", "need_attention",
        "about_to_sleep", "at_risk", "cannot_lose", "hibernating", "lost").contains(rfm.getString("segment")));
    assertEquals(io.shoal.kernel.Wire.time(first), m.getString("first_order_at"));
  }

  @Test
  void metricFieldsMoveDynamicSegmentsLikeAnyOtherField() {
    StoreDriver shop = new StoreDriver(server.createStore("Metrics segments"));
    String risky = shop.dynamicSegment("likely churned", rules(cond("churn_risk", "gte", 0.5)));
    String keen = shop.dynamicSegment("expected back", rules(cond("expected_purchases_90d", "gt", 2)));
    String id = shop.newCustomer("segments@example.com");
    Instant first = Instant.now().minus(40, ChronoUnit.DAYS);
    shop.send(Events.by(Events.order("s-1", "50.00", first), id));
    shop.send(Events.by(Events.order("s-2", "30.00", first.plus(20, ChronoUnit.DAYS)), id));
    shop.awaitMembers(risky, Set.of(id));
    shop.awaitMembers(keen, Set.of());

    // buying today: churn risk falls to 0 and the customer leaves, with the order as the cause
    JsonObject order = shop.send(Events.by(Events.order("s-3", "20.00", Instant.now()), id));
    shop.awaitMembers(risky, Set.of());
    shop.awaitMembers(keen, Set.of(id));
    List<JsonObject> left = shop.transitions(risky, id);
    JsonObject last = left.get(left.size() - 1);
    assertEquals("customer.segment.left", last.getString("type"), last::encode);
    assertEquals(order.getString("id"), last.getString("event_id"), last::encode);

    // a rule on the named RFM segment and the scores compiles and matches like a string and number field
    String rfm = shop.dynamicSegment("any rfm", rules(cond("rfm.segment", "in",
        new io.vertx.core.json.JsonArray().add("champion").add("loyal").add("new").add("potential_loyalist")
            .add("promising").add("need_attention")), cond("rfm.recency_score", "gte", 1)));
    shop.awaitMembers(rfm, Set.of(id));
    JsonObject bad = shop.api().post(shop.path("/segments"), new JsonObject().put("name", "bad")
        .put("rules", rules(cond("churn_risk", "contains", "x")))).expectError(400, null);
    assertTrue(bad.getString("message").contains("churn_risk"), bad::encode);
  }

  @Test
  void oneStoresKeyNeverSeesAnothersMetricsOrModel() {
    TestStore a = server.createStore("Metrics A");
    TestStore b = server.createStore("Metrics B");
    StoreDriver shopA = new StoreDriver(a);
    String id = shopA.newCustomer("a@example.com");
    shopA.send(Events.by(Events.order("a-1", "10.00", Instant.now()), id));
    metrics(shopA, id);
    // B's key on A's paths: the same 404 as a store that does not exist
    b.api().get(a.path("/customers/" + id + "/metrics")).expectError(404, "resource_missing");
    b.api().get(a.path("/metrics/model")).expectError(404, "resource_missing");
    b.api().post(a.path("/metrics/model/refit"), new JsonObject()).expectError(404, "resource_missing");
    // B's own path with A's customer id: no such customer in B
    b.api().get(b.path("/customers/" + id + "/metrics")).expectError(404, "resource_missing");
  }

  @Test
  void badInputIsAClear4xx() {
    TestStore store = server.createStore("Metrics errors");
    StoreDriver shop = new StoreDriver(store);
    store.api().get(store.path("/customers/cust_nope/metrics")).expectError(404, "resource_missing");
    JsonObject notADate = store.api().post(store.path("/metrics/model/refit"), new JsonObject().put("as_of", "yesterday"))
        .expectError(400, "parameter_invalid");
    assertEquals("as_of", notADate.getString("param"));
    JsonObject future = store.api().post(store.path("/metrics/model/refit"),
        new JsonObject().put("as_of", Instant.now().plus(1, ChronoUnit.DAYS).toString())).expectError(400, "parameter_invalid");
    assertTrue(future.getString("message").contains("future"), future::encode);
    store.api().post(store.path("/metrics/model/refit"), new JsonObject().put("since", "2026-01-01"))
        .expectError(400, null);
    // a few customers are too few to fit: 422 naming the counts; the model says insufficient_data
    String id = shop.newCustomer("few@example.com");
    shop.send(Events.by(Events.order("f-1", "10.00", Instant.now()), id));
    metrics(shop, id);
    JsonObject few = store.api().post(store.path("/metrics/model/refit"), new JsonObject())
        .expectError(422, "insufficient_data");
    assertTrue(few.getString("message").contains("1 customers"), few::encode);
    JsonObject model = store.api().get(store.path("/metrics/model")).expect(200);
    assertEquals("insufficient_data", model.getString("status"));
    assertEquals(50, model.getInteger("min_customers"));
  }
}
