package io.shoal.metrics.live;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * Where customers' metrics are kept current: the evaluation state of every customer, held by the
 * segment engine's partitions (which implement this). The metrics API and the model refit ask
 * through it, so metrics does not depend on the segment capability; the evaluator depends on
 * metrics ({@link LiveMetrics}, {@link MetricsJson}), not the other way round.
 */
public interface MetricsSource {

  /** The customer's metrics as of now (the customer_metrics object); null if there is no such customer. */
  Future<JsonObject> customerMetrics(String storeId, String customerId);

  /** Every partition's histories of the store's customers as of {@code asOfMs}, for a model fit. */
  Future<List<PartitionHistories>> histories(String storeId, long asOfMs);

  /** Every partition recomputes the store's customers' metrics and re-tests segments reading them. */
  Future<Void> recomputeMetrics(String storeId);
}
