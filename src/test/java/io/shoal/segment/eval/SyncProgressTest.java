package io.shoal.segment.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shoal.segment.SegmentDefinition;
import io.shoal.segment.StorefrontFields;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * sync_progress follows the partitions' backfills slice by slice, not only whole partitions:
 * two stand-in partitions report how far they got and answer when told to.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class SyncProgressTest {

  private final Vertx vertx = Vertx.vertx();
  private final Map<Integer, Message<ControlMessage>> waiting = new ConcurrentHashMap<>();

  @AfterEach
  void close() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private static void until(String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (!condition.getAsBoolean()) {
      assertTrue(System.nanoTime() < deadline, "timed out waiting for " + what);
      Thread.sleep(5);
    }
  }

  private void report(int partition, double fraction) {
    vertx.eventBus().send(SegmentEngine.PROGRESS_ADDRESS,
        new SegmentEngine.Progress("store_a", "seg_1", 1, partition, fraction), SegmentEngine.LOCAL_PROGRESS);
  }

  @Test
  void progress_is_the_mean_of_what_each_partition_has_backfilled() throws Exception {
    SegmentEngine engine = new SegmentEngine(vertx, new EvaluatorPartitions(vertx, 2, p -> null), null);
    for (int p = 0; p < 2; p++) {
      int partition = p;
      vertx.eventBus().<ControlMessage>localConsumer(SegmentEvaluatorVerticle.controlAddress(p),
          m -> waiting.put(partition, m));
    }
    // a static segment: nothing to mark synced in a repository at the end
    SegmentDefinition def = new SegmentDefinition("store_a", "seg_1", 1, "One", SegmentDefinition.STATIC, new JsonArray(),
        new JsonObject(), 0, "in_progress", 1, null, null, SegmentDefinition.CREATED, null, false, null, null,
        StorefrontFields.NONE);
    Future<long[]> synced = engine.segmentChanged(def, false);
    until("both partitions asked", () -> waiting.size() == 2);
    assertEquals(0.0, engine.syncProgress("store_a", "seg_1"));

    report(0, 0.5);
    until("a slice counted", () -> engine.syncProgress("store_a", "seg_1") > 0);
    assertEquals(0.25, engine.syncProgress("store_a", "seg_1"), 1e-9, "half of one partition of two");
    report(1, 0.2);
    until("the other's slice counted", () -> engine.syncProgress("store_a", "seg_1") > 0.25);
    assertEquals(0.35, engine.syncProgress("store_a", "seg_1"), 1e-9);
    report(0, 0.4); // late or reordered: progress never goes back
    waiting.get(0).reply(new JsonObject().put("done", true));
    until("partition 0 done", () -> engine.syncProgress("store_a", "seg_1") >= 0.6);
    assertEquals(0.6, engine.syncProgress("store_a", "seg_1"), 1e-9, "a partition that answered counts whole");

    waiting.get(1).reply(new JsonObject().put("done", true));
    synced.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    assertNull(engine.syncProgress("store_a", "seg_1"), "no sync runs any more");
    report(1, 0.9);
    Thread.sleep(50);
    assertNull(engine.syncProgress("store_a", "seg_1"), "a report after the end starts nothing");
  }

  @Test
  void a_sync_a_partition_could_not_answer_is_sent_again_until_it_is_done() throws Exception {
    SegmentEngine engine = new SegmentEngine(vertx, new EvaluatorPartitions(vertx, 2, p -> null), null);
    Map<Integer, Integer> asked = new ConcurrentHashMap<>();
    for (int p = 0; p < 2; p++) {
      int partition = p;
      vertx.eventBus().<ControlMessage>localConsumer(SegmentEvaluatorVerticle.controlAddress(p), m -> {
        int times = asked.merge(partition, 1, Integer::sum);
        if (partition == 0 && times == 1) {
          m.fail(500, "Timeout waiting for connection"); // what a partition answers when its read fails
        } else {
          m.reply(new JsonObject().put("done", true).put("customers", 10));
        }
      });
    }
    SegmentDefinition def = new SegmentDefinition("store_a", "seg_1", 1, "One", SegmentDefinition.STATIC, new JsonArray(),
        new JsonObject(), 0, "in_progress", 1, null, null, SegmentDefinition.CREATED, null, false, null, null,
        StorefrontFields.NONE);
    engine.segmentChanged(def, false).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    assertEquals(2, asked.get(0), "the partition that failed was asked again");
    assertEquals(20, engine.lastKnownCustomers("store_a"), "and the sync completed with every partition's answer");
  }
}
