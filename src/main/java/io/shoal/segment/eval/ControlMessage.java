package io.shoal.segment.eval;

import io.vertx.core.json.JsonArray;

/**
 * What {@link SegmentEngine} asks of one evaluator partition over the event bus (local only,
 * passed by reference). Each kind is a record; the partition answers each as its comment says.
 */
sealed interface ControlMessage {

  /**
   * A profile was created, edited or deleted through the API: re-read it and re-test every segment.
   * Replies null once written; like every message that changes a customer (Erase, Merge) or a
   * segment (SegmentChanged), it fails with {@link EvaluatorPartitions#MOVED} when another node
   * took the partition over before the change was written, and is then sent to that node.
   */
  record ProfileChanged(String storeId, String customerId) implements ControlMessage {}

  /**
   * A customer was created through the API: {@code row} is what its create's statement returned
   * (the customers row by column name, with {@code num}, {@code address_text} and
   * {@code metadata_text}), so the partition tests it against every segment without reading it
   * back, and writes its state row only when the tests left something to keep. Replies null once
   * written. A partition that already holds or is reading the customer takes it as a
   * {@link ProfileChanged}; so does another node (it goes there as one, {@link ControlJson}).
   */
  record Created(String storeId, String customerId, io.vertx.sqlclient.Row row) implements ControlMessage {}

  /**
   * A segment was created, edited or deleted: (re)install and backfill it, or drop it. Replies
   * {@code {done, version, customers}} once the backfill's changes are written (customers: how
   * many of the store's this partition holds), with {@code counts} (the funnel, as
   * {@link Preview} answers it) when the backfill ran to its end for this version.
   */
  record SegmentChanged(String storeId, String segmentId, boolean edited) implements ControlMessage {}

  /** The customer's data is being erased: leave every segment, never load it again. Replies once written. */
  record Erase(String storeId, String customerId) implements ControlMessage {}

  /**
   * An anonymous visitor was merged into {@code customerId}: its {@code moved} events (now the
   * customer's in the log) are applied to the customer and every segment is re-tested once.
   * Replies once written. (The anonymous profile's own partition drops it on a ProfileChanged.)
   */
  record Merge(String storeId, String customerId, java.util.List<io.shoal.event.LoggedEvent> moved)
      implements ControlMessage {}

  /** Rule by rule, why the customer is or is not in the segment. Replies {@code {found, member, explanation, aggregates}}. */
  record Explain(String storeId, String segmentId, String customerId, JsonArray rules) implements ControlMessage {}

  /** One customer's metrics as of now. Replies {@code {found, metrics}}. */
  record Metrics(String storeId, String customerId) implements ControlMessage {}

  /**
   * Several customers' metrics as of now (all of this partition). Replies a JsonObject
   * customer id -> metrics (customers not found left out).
   */
  record MetricsOf(String storeId, java.util.List<String> customerIds) implements ControlMessage {}

  /** This partition's purchase histories of a store as of an instant. Replies {@link PartitionHistories}. */
  record Histories(String storeId, long asOfMs) implements ControlMessage {}

  /** Recompute every metric of the store's customers and re-test segments reading them. Replies {@code {customers}}. */
  record Recompute(String storeId) implements ControlMessage {}

  /**
   * How many customers pass the first k top-level rules. Replies {@code {counts}}, and with
   * {@code members} also who passes every rule ({@code {counts, members}}: a static segment built
   * from rules).
   */
  record Preview(String storeId, JsonArray rules, boolean members) implements ControlMessage {}
}
