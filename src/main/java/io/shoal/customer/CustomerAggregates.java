package io.shoal.customer;

import io.vertx.core.Future;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.util.List;

/**
 * The order aggregates of {@code customers} (total_orders, total_spent, first_order_at,
 * last_order_at), which the segment evaluator computes from the event log and writes in the
 * transaction of its batch (so they move with its checkpoint). The customer capability owns the
 * table; this is the one statement others may run on it.
 */
public final class CustomerAggregates {

  private static final String SQL_UPDATE = "UPDATE customers SET total_orders = $3, total_spent = $4,"
      + " first_order_at = $5, last_order_at = $6 WHERE store_id = $1 AND id = $2";
  private static final int CHUNK = 2_000;

  private CustomerAggregates() {}

  /**
   * Writes the aggregates on {@code conn}, inside the caller's transaction. Each tuple is
   * (store_id, customer_id, total_orders int, total_spent, first_order_at, last_order_at).
   */
  public static Future<Void> write(SqlConnection conn, List<Tuple> rows) {
    Future<Void> f = Future.succeededFuture();
    for (int from = 0; from < rows.size(); from += CHUNK) {
      List<Tuple> slice = rows.subList(from, Math.min(rows.size(), from + CHUNK));
      f = f.compose(v -> conn.preparedQuery(SQL_UPDATE).executeBatch(slice).mapEmpty());
    }
    return f;
  }
}
