package io.shoal.segment.rule;

import java.time.Instant;
import java.util.List;

/**
 * What a segment rule can see of one customer: profile fields, aggregates and behaviour.
 * Implemented by the evaluator's per-customer state; rules never touch the database.
 *
 * <p>Value types returned by {@link #value(String)}: {@code String}, {@code java.math.BigDecimal}
 * (money and other decimals), {@code Long} (counts), {@code Boolean}, {@code Instant},
 * {@code List<String>} (tags, products_bought, categories_bought), or {@code null} when the
 * customer has no value for the field. The field names are those of {@link Fields}.
 */
public interface CustomerFacts {

  /** The value of a scalar or list field, e.g. {@code total_spent}, {@code address.city}, {@code metadata.source}. */
  Object value(String field);

  /**
   * When the customer bought the product (kind {@code product}) or category (kind
   * {@code category}) with this id: one instant per purchase (order line), ascending. Empty
   * if never. Only recent history may be kept (at least the last 256 purchases per id).
   */
  List<Instant> purchaseTimes(String kind, String id);

  /**
   * When the customer performed events of this type (e.g. {@code page.viewed},
   * {@code order.completed}, {@code custom.review_written}): one instant per event,
   * ascending. At least the last 256 per type are kept.
   */
  List<Instant> eventTimes(String type);
}
