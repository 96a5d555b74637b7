package io.shoal.segment;

import static io.shoal.engine.support.Events.by;
import static io.shoal.engine.support.Events.order;
import static io.shoal.engine.support.StoreDriver.cond;
import static io.shoal.engine.support.StoreDriver.rules;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.shoal.engine.support.StoreDriver;
import io.shoal.testing.TestServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Creating a segment waits for its backfill only in a small store: with
 * {@code SHOAL_SEGMENT_WAIT_CUSTOMERS=3}, a store of 6 customers is "large". The store's first
 * sync (size not yet known) is waited for; later ones answer at once, and the backfill still
 * brings the right members and stores the funnel its own pass counted.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SegmentSyncWaitTest {

  private static final Instant DAY = Instant.parse("2025-06-01T12:00:00Z");
  private static TestServer server;

  @BeforeAll
  static void start() {
    server = TestServer.start(Map.of("SHOAL_SEGMENT_WAIT_CUSTOMERS", "3"));
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void aLargeStoreAnswersAtOnceAndTheBackfillStillCountsMembersAndFunnel() {
    StoreDriver shop = new StoreDriver(server.createStore("Large enough"));
    // customer i spent 40 * i (0..5): at least 100 are i >= 3; at most 180 are i <= 4
    for (int i = 0; i < 6; i++) {
      String id = shop.newCustomer("w" + i + "@example.com");
      if (i > 0) {
        shop.send(by(order("w" + i, String.valueOf(40 * i), DAY), id));
        shop.awaitOrders(id, 1);
      }
    }
    JsonObject first = shop.createSegment(new JsonObject().put("name", "First").put("is_dynamic", true)
        .put("rules", rules(cond("total_spent", "gte", 100))));
    assertEquals("done", first.getString("sync_status"), "the store's size was not known yet: waited");
    assertEquals(3, first.getInteger("customer_count"), first::encode);

    JsonArray twoSteps = rules(cond("total_spent", "gte", 100), cond("total_spent", "lte", 180));
    JsonObject second = shop.createSegment(new JsonObject().put("name", "Second").put("is_dynamic", true)
        .put("rules", twoSteps));
    assertEquals("in_progress", second.getString("sync_status"), "6 customers > 3: not waited for");
    assertEquals(0, second.getInteger("customer_count"), second::encode);

    JsonObject synced = shop.awaitSynced(second.getString("id"));
    assertEquals(2, synced.getInteger("customer_count"), synced::encode);
    assertEquals(java.util.Set.of("w3@example.com", "w4@example.com"), emails(shop, second.getString("id")));
    JsonArray funnel = awaitFunnel(shop, second.getString("id"));
    assertEquals(6, funnel.getJsonObject(0).getInteger("count_before"), funnel::encode);
    assertEquals(3, funnel.getJsonObject(0).getInteger("count_now"), funnel::encode);
    assertEquals(3, funnel.getJsonObject(1).getInteger("count_before"), funnel::encode);
    assertEquals(2, funnel.getJsonObject(1).getInteger("count_now"), funnel::encode);
  }

  private static java.util.Set<String> emails(StoreDriver shop, String segmentId) {
    java.util.Set<String> out = new java.util.HashSet<>();
    for (String id : shop.members(segmentId)) {
      out.add(shop.customer(id).getString("email"));
    }
    return out;
  }

  /** The funnel is stored right after the sync is marked done. */
  private static JsonArray awaitFunnel(StoreDriver shop, String id) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (true) {
      JsonArray funnel = shop.segment(id).getJsonArray("funnel");
      if (funnel != null && !funnel.isEmpty() || System.nanoTime() > deadline) {
        return funnel == null ? new JsonArray() : funnel;
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        throw new IllegalStateException(e);
      }
    }
  }
}
