package io.shoal.segment.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.shoal.event.LoggedEvent;
import io.shoal.metrics.MetricsSettings;
import io.shoal.metrics.live.LiveMetrics;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * The store's buyer count (what the background refit compares with the buyers of its last fit,
 * {@code ModelRefitVerticle}) follows the customers that have a counted order: a cancelled only
 * order takes the customer out, the next order puts it back once, and a customer deleted, or
 * dropped at start for want of its profile, leaves it. Before, the count only grew: the
 * bench's probe customers (order, cancel, order ...) drifted it above the buyers, and every
 * check then refitted the store (bench/engine twenty-eighth pass).
 */
class BuyerCountTest {

  private static final String STORE = "store_b";
  private final Instant t0 = Instant.parse("2026-12-01T10:00:00Z");
  private final LiveMetrics metrics = new LiveMetrics(true, MetricsSettings.DEFAULT);
  private final PartitionCore core = new PartitionCore(0, 1, metrics, at -> { });
  private long seq;

  private LoggedEvent event(String customerId, String type, JsonObject data, Instant at) {
    seq++;
    return new LoggedEvent(seq, STORE, "evt_" + seq, type, customerId, at, at, data);
  }

  private int buyers() {
    return metrics.store(STORE).buyers();
  }

  private void order(CustomerState c, String orderId, int minutes) {
    c.apply(event(c.customerId, "order.completed", new JsonObject().put("order_id", orderId).put("total", "60000.00"),
        t0.plusSeconds(60L * minutes)));
  }

  private void cancel(CustomerState c, String orderId, int minutes) {
    c.apply(event(c.customerId, "order.cancelled", new JsonObject().put("order_id", orderId), t0.plusSeconds(60L * minutes)));
  }

  @Test
  void a_customer_whose_only_order_is_cancelled_is_no_buyer_and_counts_once_again_at_its_next_order() {
    CustomerState probe = core.newCustomer(STORE, "cust_probe", null);
    core.adoptLoaded(probe, false);
    assertEquals(0, buyers());
    for (int round = 0; round < 5; round++) { // the bench's probe: an order, then its cancellation, again and again
      order(probe, "probe-" + round, 2 * round);
      assertEquals(1, buyers(), "round " + round + ": a buyer once its order counts");
      cancel(probe, "probe-" + round, 2 * round + 1);
      assertEquals(0, buyers(), "round " + round + ": no buyer once its only order is cancelled");
    }

    CustomerState loyal = core.newCustomer(STORE, "cust_loyal", null);
    core.adoptLoaded(loyal, false);
    order(loyal, "o1", 1);
    order(loyal, "o2", 2);
    cancel(loyal, "o2", 3); // still has o1
    order(probe, "probe-last", 20);
    assertEquals(2, buyers());
    order(loyal, "o3", 4);
    assertEquals(2, buyers(), "a second order of a buyer adds no buyer");

    // a customer loaded with orders counts at once; deleted, it leaves the count (twice forgotten: once)
    CustomerState stored = core.newCustomer(STORE, "cust_stored", loyal.toBytes());
    core.adoptLoaded(stored, false);
    assertEquals(3, buyers());
    core.forget(stored, false, t0.plusSeconds(3600));
    core.forget(stored, false, t0.plusSeconds(3601));
    assertEquals(2, buyers());
    core.forget(probe, true, t0.plusSeconds(3602));
    assertEquals(1, buyers());
  }

  @Test
  void a_customer_dropped_at_start_for_want_of_its_profile_leaves_the_count() {
    CustomerState withOrders = new CustomerState(STORE, "cust_model", metrics);
    withOrders.apply(event("cust_model", "order.completed", new JsonObject().put("order_id", "o1").put("total", "10.00"), t0));
    int before = buyers();
    CustomerState loading = core.newCustomer(STORE, "cust_loading", withOrders.toBytes());
    core.putLoading(loading);
    assertEquals(before + 1, buyers());
    assertEquals(1, core.dropLoadedWithoutProfile());
    assertEquals(before, buyers());
  }
}
