package io.shoal.event;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The router hands every logged event to the evaluators, in order, and wakes the log's other
 * readers once per batch the log delivers in one turn of its loop: automations after any event,
 * attribution and coupons only when the batch held an order.
 */
class LoggedEventRouterTest {

  private Vertx vertx;
  private final AtomicInteger eventsWakes = new AtomicInteger();
  private final AtomicInteger ordersWakes = new AtomicInteger();

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    vertx.eventBus().localConsumer(LoggedEventRouter.EVENTS_LOGGED, m -> eventsWakes.incrementAndGet());
    vertx.eventBus().localConsumer(LoggedEventRouter.ORDERS_LOGGED, m -> ordersWakes.incrementAndGet());
  }

  @AfterEach
  void stop() {
    vertx.close().await();
  }

  @Test
  void oneWakeUpOfEachKindPerBatchAndEveryEventToTheEvaluators() throws Exception {
    List<Long> evaluated = new CopyOnWriteArrayList<>();
    LoggedEventRouter router = new LoggedEventRouter(vertx, e -> evaluated.add(e.seq()));
    io.vertx.core.Context log = vertx.getOrCreateContext();

    deliver(log, router, 1, "page.viewed", "order.completed", "cart.updated", "order.completed");
    assertEquals(List.of(1L, 2L, 3L, 4L), evaluated);
    awaitWakes(1, 1);

    deliver(log, router, 5, "page.viewed", "cart.updated");
    assertEquals(List.of(1L, 2L, 3L, 4L, 5L, 6L), evaluated);
    awaitWakes(2, 1); // no order in that batch: attribution and coupons are not woken

    deliver(log, router, 7, "order.completed");
    awaitWakes(3, 2);
  }

  /** Delivers one batch in one turn of the log's loop, as PgEventLog does after a commit. */
  private static void deliver(io.vertx.core.Context log, LoggedEventRouter router, long firstSeq, String... types)
      throws InterruptedException {
    CountDownLatch done = new CountDownLatch(1);
    log.runOnContext(v -> {
      long seq = firstSeq;
      for (String type : types) {
        router.accept(new LoggedEvent(seq++, "store", "evt_" + seq, type, "cus_1", Instant.EPOCH, Instant.EPOCH,
            new JsonObject()));
      }
      done.countDown();
    });
    done.await(5, TimeUnit.SECONDS);
  }

  private void awaitWakes(int events, int orders) throws InterruptedException {
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while ((eventsWakes.get() < events || ordersWakes.get() < orders) && System.nanoTime() < until) {
      Thread.sleep(10);
    }
    Thread.sleep(200); // and no more arrive
    assertEquals(events, eventsWakes.get(), "EVENTS_LOGGED wake-ups");
    assertEquals(orders, ordersWakes.get(), "ORDERS_LOGGED wake-ups");
  }
}
