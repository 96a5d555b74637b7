package io.shoal.metrics.live;

import io.shoal.metrics.MetricsSettings;
import io.shoal.metrics.RfmQuintiles;
import io.shoal.metrics.StoreModel;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What every evaluator partition shares about each store's metrics: the fitted model in force,
 * the RFM quintile sketches, and a count of customers with an order (which tells the background
 * refit when the data has grown). Partitions read the model from a volatile field and update the
 * sketches under their own lock; nothing here blocks for long.
 */
public final class LiveMetrics {

  /**
   * The rule fields the metrics provide: a change of any of them re-tests the segments reading it.
   * The same names as the rule language's METRIC fields (LiveMetricsFieldsTest holds them equal);
   * listed here so that metrics does not depend on the segment capability that uses it.
   */
  public static final Set<String> FIELDS = Set.of("churn_risk", "predicted_clv", "expected_purchases_90d",
      "rfm.recency_score", "rfm.frequency_score", "rfm.monetary_score", "rfm.segment");

  /** One store's share. */
  public static final class Store {
    final String storeId;
    private volatile StoreModel model;
    private final RfmQuintiles quintiles = new RfmQuintiles();
    private final AtomicInteger buyers = new AtomicInteger();
    /** Buyers counted when the model was last fitted or a fit was last found impossible. */
    volatile int buyersAtLastAttempt = -1;
    volatile long lastAttemptAt;
    /** Why this store's saved model could not be used or its last background refit failed; null when neither. */
    volatile String failureReason;

    Store(String storeId) {
      this.storeId = storeId;
    }

    public StoreModel model() {
      return model;
    }

    public RfmQuintiles quintiles() {
      return quintiles;
    }

    /** A customer made its first counted order (or was loaded with orders at start). */
    public void buyerAdded() {
      buyers.incrementAndGet();
    }

    /**
     * A buyer is one no more: its last counted order was cancelled (or it was deleted, or dropped at
     * start). Without it the count only grew: a customer whose only order was cancelled counted
     * again at its next order, so the count drifted above the buyers, and once the drift passed the
     * growth fraction every check refitted the store (bench/engine twenty-eighth pass: a refit and a
     * recompute of every metric each minute under the bench's probes, ~1-4 s of a core each).
     */
    public void buyerRemoved() {
      buyers.decrementAndGet();
    }

    public int buyers() {
      return buyers.get();
    }

    public String failureReason() {
      return failureReason;
    }
  }

  private final boolean enabled;
  private final MetricsSettings settings;
  private final ConcurrentHashMap<String, Store> stores = new ConcurrentHashMap<>();

  public LiveMetrics(boolean enabled, MetricsSettings settings) {
    this.enabled = enabled;
    this.settings = settings;
  }

  /** False when SHOAL_METRICS_ENABLED=false: no metric is kept and metric fields stay null. */
  public boolean enabled() {
    return enabled;
  }

  public MetricsSettings settings() {
    return settings;
  }

  public Store store(String storeId) {
    return stores.computeIfAbsent(storeId, Store::new);
  }

  public List<Store> stores() {
    return List.copyOf(stores.values());
  }

  /** A model saved before this start: in force, and the basis for deciding the next background refit. */
  public void restore(String storeId, StoreModel model) {
    Store s = store(storeId);
    s.model = model;
    s.buyersAtLastAttempt = model.customers();
    s.lastAttemptAt = model.fittedAt().toEpochMilli();
  }

  /** The store's saved model cannot be used (see ModelRepository.all): shown with the store's model until a refit. */
  public void unusable(String storeId, String reason) {
    store(storeId).failureReason = reason;
  }

  /** Puts a fitted model in force for the store's live metrics. */
  public void install(String storeId, StoreModel model) {
    store(storeId).model = model;
  }
}
