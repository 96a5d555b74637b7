package io.shoal.testing;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A node that stops for a while, as in a long pause: its one event loop blocked by a task until
 * {@link #close}. Tests of holds and leases use it for A -> B -> A (A stalls past its hold, B
 * takes over, A comes back).
 */
public final class Stall implements AutoCloseable {

  private final CountDownLatch resume = new CountDownLatch(1);

  private Stall() {
  }

  /**
   * A Vert.x of its own with one event loop, standing for one node: every context on it (timers,
   * pool, HTTP client) stops with a stall. Blocked-thread warnings are off for the stalls.
   */
  public static Vertx node() {
    return Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setBlockedThreadCheckInterval(60_000));
  }

  /** Blocks the event loop of {@code node} (see {@link #node}) until closed; returns once it is blocked. */
  public static Stall of(Vertx node) throws InterruptedException {
    Stall stall = new Stall();
    CountDownLatch stalled = new CountDownLatch(1);
    node.runOnContext(v -> {
      stalled.countDown();
      try {
        stall.resume.await(60, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    if (!stalled.await(10, TimeUnit.SECONDS)) {
      stall.close();
      throw new AssertionError("the node's event loop did not stall within 10 s");
    }
    return stall;
  }

  /** The node goes on (the tasks that came due meanwhile run). */
  @Override
  public void close() {
    resume.countDown();
  }
}
