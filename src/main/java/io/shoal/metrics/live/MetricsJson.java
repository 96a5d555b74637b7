package io.shoal.metrics.live;

import io.shoal.kernel.Wire;
import io.shoal.metrics.CustomerMetrics;
import io.shoal.metrics.MetricsSettings;
import io.shoal.metrics.StoreModel;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;

/**
 * Metrics on the wire, and as rule fields: one rounding for both, so that a segment rule on
 * {@code churn_risk} compares exactly the number the API shows. Probabilities and expected
 * counts carry four decimals, money two.
 */
public final class MetricsJson {

  private MetricsJson() {}

  public static BigDecimal decimal(Double v) {
    return v == null ? null : BigDecimal.valueOf(v).setScale(4, RoundingMode.HALF_EVEN);
  }

  public static BigDecimal money(Double v) {
    return v == null ? null : BigDecimal.valueOf(v).setScale(2, RoundingMode.HALF_EVEN);
  }

  /** The value of a metric rule field ({@link LiveMetrics#FIELDS}); null when the customer has none. */
  public static Object field(CustomerMetrics m, String field) {
    if (m == null) {
      return null;
    }
    return switch (field) {
      case "churn_risk" -> decimal(m.churnRisk());
      case "predicted_clv" -> money(m.predictedClv());
      case "expected_purchases_90d" -> decimal(m.expectedPurchases90d());
      case "rfm.recency_score" -> m.recencyScore() == null ? null : (Object) m.recencyScore().longValue();
      case "rfm.frequency_score" -> m.frequencyScore() == null ? null : (Object) m.frequencyScore().longValue();
      case "rfm.monetary_score" -> m.monetaryScore() == null ? null : (Object) m.monetaryScore().longValue();
      case "rfm.segment" -> m.segment() == null ? null : m.segment().wireName();
      default -> null;
    };
  }

  /** The customer_metrics object of {@code GET .../customers/{id}/metrics}. */
  public static JsonObject customer(String customerId, CustomerMetrics m, MetricsSettings settings) {
    JsonObject rfm = null;
    if (m.recencyScore() != null) {
      rfm = new JsonObject()
          .put("recency_score", m.recencyScore())
          .put("frequency_score", m.frequencyScore())
          .put("monetary_score", m.monetaryScore())
          .put("segment", m.segment().wireName());
    }
    return new JsonObject()
        .put("object", "customer_metrics")
        .put("customer_id", customerId)
        .put("rfm", rfm)
        .put("lifetime_value", money(m.totalSpent()))
        .put("predicted_clv", money(m.predictedClv()))
        .put("average_order_value", money(m.averageOrderValue()))
        .put("total_orders", m.totalOrders())
        .put("total_spent", money(m.totalSpent()))
        .put("purchase_days", m.purchaseDays())
        .put("purchase_frequency_days", m.purchaseFrequencyDays() == null ? null
            : BigDecimal.valueOf(m.purchaseFrequencyDays()).setScale(1, RoundingMode.HALF_EVEN))
        .put("churn_risk", decimal(m.churnRisk()))
        .put("expected_purchases_90d", decimal(m.expectedPurchases90d()))
        .put("model_status", m.status().wireName())
        .put("clv_horizon_weeks", settings.horizonWeeks())
        .put("annual_discount_rate", settings.annualDiscountRate())
        .put("first_order_at", m.firstOrderAt() == null ? null : Wire.time(Instant.ofEpochMilli(m.firstOrderAt())))
        .put("last_order_at", m.lastOrderAt() == null ? null : Wire.time(Instant.ofEpochMilli(m.lastOrderAt())))
        .put("computed_at", Wire.time(Instant.ofEpochMilli(m.computedAt())));
  }

  /**
   * The metrics_model object: BG/NBD r, alpha, a, b and Gamma-Gamma p, q, gamma with time in
   * weeks; {@code kind} says whether it is the store's live model or a backtest's answer.
   */
  public static JsonObject model(StoreModel model, String kind, int buyers, MetricsSettings settings) {
    JsonObject o = new JsonObject().put("object", "metrics_model").put("kind", kind);
    if (model == null) {
      return o.put("status", "insufficient_data").put("customers", buyers)
          .put("min_customers", StoreModel.MIN_CUSTOMERS).put("min_repeat_customers", StoreModel.MIN_REPEAT_CUSTOMERS)
          .put("time_unit", "weeks").put("clv_horizon_weeks", settings.horizonWeeks())
          .put("annual_discount_rate", settings.annualDiscountRate());
    }
    o.put("status", "fitted")
        .put("time_unit", "weeks")
        .put("r", model.purchases().r())
        .put("alpha", model.purchases().alpha())
        .put("a", model.purchases().a())
        .put("b", model.purchases().b())
        .put("log_likelihood", model.logLikelihood())
        .put("p", model.spend() == null ? null : model.spend().p())
        .put("q", model.spend() == null ? null : model.spend().q())
        .put("gamma", model.spend() == null ? null : model.spend().gamma())
        .put("spend_log_likelihood", model.spend() == null ? null : model.spendLogLikelihood())
        .put("customers", model.customers())
        .put("repeat_customers", model.repeatCustomers())
        .put("as_of", Wire.time(model.asOf()))
        .put("fitted_at", Wire.time(model.fittedAt()))
        .put("clv_horizon_weeks", settings.horizonWeeks())
        .put("annual_discount_rate", settings.annualDiscountRate());
    return o;
  }
}
