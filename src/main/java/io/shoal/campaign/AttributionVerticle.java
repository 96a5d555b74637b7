package io.shoal.campaign;

import io.shoal.config.CampaignConfig;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.MessageConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Attributes orders to campaigns: one job. It reads {@code order.completed} events from the
 * event log after its durable checkpoint, page by page; each page's conversions and the new
 * checkpoint commit together, and a conversion is keyed by its order id, so a crash or a replay
 * never counts an order twice or skips one.
 *
 * <pre>
 *   ORDERS_LOGGED (after an order is logged) | tick
 *     --> orders after the checkpoint (page) --> last touch within the window? --> conversion
 *     --> checkpoint = last order read                                       (one tx per page)
 * </pre>
 *
 * Last touch: when several campaigns' messages were opened or clicked before an order, the
 * order belongs to the one touched last (within that campaign's window).
 */
public final class AttributionVerticle extends VerticleBase {

  /** Published (locally) when an order has been logged; the body is the store id. */
  /** After an order is logged (the event capability routes it here); the body is the store id. */
  public static final String ORDERS_LOGGED = io.shoal.event.LoggedEventRouter.ORDERS_LOGGED;

  private static final Logger LOG = LoggerFactory.getLogger(AttributionVerticle.class);
  private static final int PAGE = 500;

  private final CampaignStore store;
  private final CampaignConfig config;
  private MessageConsumer<String> consumer;
  private long tickTimer = -1;
  private long checkpoint = -1;
  private boolean draining;
  private boolean drainAgain;
  private boolean stopping;
  private Promise<Void> drained;

  public AttributionVerticle(CampaignStore store, CampaignConfig config) {
    this.store = store;
    this.config = config;
  }

  @Override
  public Future<?> start() {
    return store.attributionCheckpoint().onSuccess(seq -> {
      checkpoint = seq;
      consumer = vertx.eventBus().localConsumer(ORDERS_LOGGED, m -> drain());
      tickTimer = vertx.setPeriodic(config.pollIntervalMs(), id -> drain());
      drain();
    });
  }

  @Override
  public Future<?> stop() {
    stopping = true;
    vertx.cancelTimer(tickTimer);
    Future<Void> unregistered = consumer == null ? Future.succeededFuture() : consumer.unregister();
    if (!draining) {
      return unregistered;
    }
    drained = Promise.promise();
    return Future.all(unregistered, drained.future());
  }

  private void drain() {
    if (stopping) {
      return;
    }
    if (draining) {
      drainAgain = true;
      return;
    }
    draining = true;
    drainAgain = false;
    store.attributeOrdersAfter(checkpoint, PAGE, config.attributionWindowDays()).onComplete(ar -> {
      draining = false;
      if (drained != null) {
        drained.tryComplete();
        return;
      }
      if (ar.failed()) {
        LOG.warn("Attributing orders after {} failed; retrying at the next tick", checkpoint, ar.cause());
        return;
      }
      long[] r = ar.result();
      checkpoint = r[0];
      if (r[1] > 0) {
        LOG.debug("{} orders attributed to campaigns", r[1]);
      }
      if (r[2] == PAGE || drainAgain) {
        drain();
      }
    });
  }
}
