package io.shoal.event;

import io.vertx.core.Vertx;
import java.util.function.Consumer;

/**
 * Where a logged event goes next: the one place of that routing. {@link PgEventLog} calls it for
 * each event it has made durable, in log order, on the log's event loop.
 *
 * <pre>
 *   every event      -> evaluators (the segment engine: the partition that owns the customer)
 *   order.completed  -> ORDERS_LOGGED  (campaign attribution and coupons read the orders from the log)
 *   every event      -> EVENTS_LOGGED  (automations read the log themselves from their checkpoint)
 * </pre>
 *
 * The two wake-ups carry nothing (their readers read the log from their own checkpoints), so one
 * of each is published per turn of the log's event loop, after the whole batch the log just
 * committed: one message per event was a hop to another event loop for each event and reader.
 */
public final class LoggedEventRouter implements Consumer<LoggedEvent> {

  /** Published (locally) after order.completed events are logged; no body. */
  public static final String ORDERS_LOGGED = "shoal.event.orders-logged";
  /** Published (locally) after events are logged; no body. */
  public static final String EVENTS_LOGGED = "shoal.event.logged";

  private final Vertx vertx;
  private final Consumer<LoggedEvent> evaluators;
  /** Wake-ups owed at the end of this turn of the log's loop (touched on that loop only). */
  private boolean eventsLogged;
  private boolean ordersLogged;

  public LoggedEventRouter(Vertx vertx, Consumer<LoggedEvent> evaluators) {
    this.vertx = vertx;
    this.evaluators = evaluators;
  }

  @Override
  public void accept(LoggedEvent logged) {
    evaluators.accept(logged);
    if (!eventsLogged) {
      eventsLogged = true;
      vertx.runOnContext(v -> wake());
    }
    if ("order.completed".equals(logged.type())) {
      ordersLogged = true;
    }
  }

  private void wake() {
    if (ordersLogged) {
      ordersLogged = false;
      vertx.eventBus().publish(ORDERS_LOGGED, null);
    }
    eventsLogged = false;
    vertx.eventBus().publish(EVENTS_LOGGED, null);
  }
}
