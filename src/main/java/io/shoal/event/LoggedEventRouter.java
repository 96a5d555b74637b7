package io.shoal.event;

import io.vertx.core.Vertx;
import java.util.function.Consumer;

/**
 * Where a logged event goes next: the one place of that routing. {@link PgEventLog} calls it for
 * each event it has made durable, in log order, on the log's event loop.
 *
 * <pre>
 *   every event      -> evaluators (the segment engine: the partition that owns the customer)
 *   order.completed  -> ORDERS_LOGGED  (campaign attribution reads the orders from the log)
 *   every event      -> EVENTS_LOGGED  (automations read the log themselves from their checkpoint)
 * </pre>
 */
public final class LoggedEventRouter implements Consumer<LoggedEvent> {

  /** Published (locally) after an order.completed is logged; the body is the store id. */
  public static final String ORDERS_LOGGED = "shoal.event.orders-logged";
  /** Published (locally) after any event is logged; no body. */
  public static final String EVENTS_LOGGED = "shoal.event.logged";

  private final Vertx vertx;
  private final Consumer<LoggedEvent> evaluators;

  public LoggedEventRouter(Vertx vertx, Consumer<LoggedEvent> evaluators) {
    this.vertx = vertx;
    this.evaluators = evaluators;
  }

  @Override
  public void accept(LoggedEvent logged) {
    evaluators.accept(logged);
    if ("order.completed".equals(logged.type())) {
      vertx.eventBus().publish(ORDERS_LOGGED, logged.storeId());
    }
    vertx.eventBus().publish(EVENTS_LOGGED, null);
  }
}
