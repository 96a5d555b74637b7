package io.shoal.metrics.live;

import io.shoal.metrics.MaximumLikelihood;
import io.shoal.metrics.RepeatHistory;
import io.shoal.metrics.StoreModel;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fits a store's models on the histories its evaluator partitions hold in memory, as of an
 * instant:
 *
 * <pre>
 *   partitions --histories as of T--> gather --(worker thread)--> BG/NBD + Gamma-Gamma MLE
 *   live fit:  save --> put in force --> rebuild RFM sketches --> partitions recompute metrics
 *              --> segments reading metric fields move (cause "metrics")
 *   backtest:  answered only; the live model stays
 * </pre>
 */
public final class ModelRefit {

  private static final Logger LOG = LoggerFactory.getLogger(ModelRefit.class);

  /** A fit's answer: the model, or null when the data were too few (with the counts that were). */
  public record Outcome(StoreModel model, int customers, int repeatCustomers, long fitMillis) {}

  private final Vertx vertx;
  private final MetricsSource engine;
  private final LiveMetrics live;
  private final ModelRepository repository;

  public ModelRefit(Vertx vertx, MetricsSource engine, LiveMetrics live, ModelRepository repository) {
    this.vertx = vertx;
    this.engine = engine;
    this.live = live;
    this.repository = repository;
  }

  /**
   * Fits as of {@code asOf}. A live fit (asOf = now) replaces the store's model in force when the
   * data suffice; in any case it rebuilds the RFM sketches and recomputes every customer's metrics.
   */
  public Future<Outcome> refit(String storeId, Instant asOf, boolean liveFit) {
    LiveMetrics.Store store = live.store(storeId);
    return engine.histories(storeId, asOf.toEpochMilli()).compose(parts -> {
      List<RepeatHistory> histories = new ArrayList<>();
      parts.forEach(p -> histories.addAll(p.histories()));
      int repeat = (int) histories.stream().filter(MaximumLikelihood::spends).count();
      Future<Outcome> fitted;
      if (!StoreModel.enoughData(histories.size(), repeat)) {
        fitted = Future.succeededFuture(new Outcome(null, histories.size(), repeat, 0));
      } else {
        // the likelihood search is CPU work of a second or more on large stores: a worker thread
        fitted = vertx.executeBlocking(() -> {
          long started = System.nanoTime();
          StoreModel m = StoreModel.fit(histories, asOf, Instant.now());
          return new Outcome(m, histories.size(), repeat, (System.nanoTime() - started) / 1_000_000);
        }, false);
      }
      if (!liveFit) {
        return fitted;
      }
      return fitted.compose(o -> {
        store.buyersAtLastAttempt = o.customers();
        store.lastAttemptAt = System.currentTimeMillis();
        Future<Void> saved = o.model() == null ? Future.succeededFuture() : repository.save(storeId, o.model());
        return saved.compose(v -> {
          if (o.model() != null) {
            live.install(storeId, o.model());
            store.failureReason = null;
            LOG.info("Store {}: models refitted on {} customers in {} ms: {} / {}", storeId, o.customers(),
                o.fitMillis(), o.model().purchases(), o.model().spend());
          }
          rebuildQuintiles(store, parts);
          return engine.recomputeMetrics(storeId);
        }).map(o);
      });
    });
  }

  /** Recomputes every customer's metrics (time has passed) without refitting. */
  public Future<Void> recompute(String storeId) {
    live.store(storeId).lastAttemptAt = System.currentTimeMillis();
    return engine.recomputeMetrics(storeId);
  }

  private static void rebuildQuintiles(LiveMetrics.Store store, List<PartitionHistories> parts) {
    int n = parts.stream().mapToInt(p -> p.lastDays().length).sum();
    long[] lastDays = new long[n];
    int[] days = new int[n];
    double[] totals = new double[n];
    int at = 0;
    for (PartitionHistories p : parts) {
      int k = p.lastDays().length;
      System.arraycopy(p.lastDays(), 0, lastDays, at, k);
      System.arraycopy(p.purchaseDays(), 0, days, at, k);
      System.arraycopy(p.totals(), 0, totals, at, k);
      at += k;
    }
    store.quintiles().rebuild(lastDays, days, totals);
  }
}
