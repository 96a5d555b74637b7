package io.shoal.metrics.live;

import io.shoal.config.MetricsConfig;
import io.shoal.metrics.StoreModel;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Background refits, one store at a time. Every check interval, each store is looked at:
 *
 * <pre>
 *   enough customers, and (no model yet | customers grew by the growth fraction | refit interval passed)
 *       --> live refit (which also recomputes every metric)
 *   otherwise, refit interval passed since the last recompute
 *       --> recompute metrics (churn risk and recency move as time passes, without orders)
 * </pre>
 */
public final class ModelRefitVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(ModelRefitVerticle.class);

  private final LiveMetrics live;
  private final ModelRefit refit;
  private final MetricsConfig config;
  private long timer = -1;
  private boolean running;
  private boolean stopping;

  public ModelRefitVerticle(LiveMetrics live, ModelRefit refit, MetricsConfig config) {
    this.live = live;
    this.refit = refit;
    this.config = config;
  }

  @Override
  public Future<?> start() {
    timer = vertx.setPeriodic(config.checkIntervalMs(), id -> check());
    return Future.succeededFuture();
  }

  @Override
  public Future<?> stop() {
    stopping = true;
    vertx.cancelTimer(timer);
    return Future.succeededFuture();
  }

  private void check() {
    if (running) {
      return;
    }
    running = true;
    Future<Void> chain = Future.succeededFuture();
    for (LiveMetrics.Store s : live.stores()) {
      // each store alone: one whose refit fails (or throws) is recorded with the reason, shown by
      // GET .../metrics/model, and the next store is refitted all the same
      chain = chain.compose(v -> stopping ? Future.succeededFuture() : safely(s).otherwise(failure -> {
        LOG.warn("Store {}: background metrics refit failed; retried at the next check", s.storeId, failure);
        s.failureReason = "the background refit failed: " + failure;
        return null;
      }));
    }
    chain.onComplete(ar -> running = false);
  }

  private Future<Void> safely(LiveMetrics.Store s) {
    try {
      return work(s);
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
  }

  private Future<Void> work(LiveMetrics.Store s) {
    long now = System.currentTimeMillis();
    int buyers = s.buyers();
    boolean intervalPassed = now - s.lastAttemptAt >= config.refitIntervalMs();
    boolean grew = s.buyersAtLastAttempt < 0 || buyers >= s.buyersAtLastAttempt * (1 + config.refitGrowth());
    if (buyers >= StoreModel.MIN_CUSTOMERS && (grew || intervalPassed)) {
      return refit.refit(s.storeId, Instant.ofEpochMilli(now), true).mapEmpty();
    }
    if (intervalPassed) {
      return refit.recompute(s.storeId);
    }
    return Future.succeededFuture();
  }
}
