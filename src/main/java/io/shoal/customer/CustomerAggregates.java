package io.shoal.customer;

import io.vertx.core.Future;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.math.BigDecimal;
import java.time.OffsetDateTime;
import java.util.List;

/**
 * The order aggregates of {@code customers} (total_orders, total_spent, first_order_at,
 * last_order_at), which the segment evaluator computes from the event log and writes in the
 * transaction of its batch (so they move with its checkpoint). The customer capability owns the
 * table; this is the one statement others may run on it.
 */
public final class CustomerAggregates {

  /**
   * One statement per slice over arrays (unnest), not one execution per row. Each row still
   * costs ~0.28 ms of PostgreSQL's time in bench/engine's ingest: the new totals change indexed
   * columns, so the update is not HOT and writes an entry in each of the table's indexes (search
   * trigrams, tags and metadata included).
   */
  private static final String SQL_UPDATE = "UPDATE customers c SET total_orders = u.n, total_spent = u.spent::numeric,"
      + " first_order_at = u.f, last_order_at = u.l"
      + " FROM unnest($1::text[], $2::text[], $3::int[], $4::text[], $5::timestamptz[], $6::timestamptz[])"
      + " AS u(s, id, n, spent, f, l) WHERE c.store_id = u.s AND c.id = u.id";
  private static final int CHUNK = 5_000;

  private CustomerAggregates() {}

  /**
   * Writes the aggregates on {@code conn}, inside the caller's transaction. Each tuple is
   * (store_id, customer_id, total_orders int, total_spent, first_order_at, last_order_at), at
   * most one per customer (a row is updated once per statement). The caller names each customer
   * to {@link ProfileCache#changing} (the evaluator's batch does, for every customer it writes).
   */
  public static Future<Void> write(SqlConnection conn, List<Tuple> rows) {
    Future<Void> f = Future.succeededFuture();
    for (int from = 0; from < rows.size(); from += CHUNK) {
      List<Tuple> slice = rows.subList(from, Math.min(rows.size(), from + CHUNK));
      f = f.compose(v -> conn.preparedQuery(SQL_UPDATE).execute(columns(slice)).mapEmpty());
    }
    return f;
  }

  private static Tuple columns(List<Tuple> rows) {
    int n = rows.size();
    String[] stores = new String[n];
    String[] ids = new String[n];
    Integer[] orders = new Integer[n];
    String[] spent = new String[n];
    OffsetDateTime[] first = new OffsetDateTime[n];
    OffsetDateTime[] last = new OffsetDateTime[n];
    for (int i = 0; i < n; i++) {
      Tuple t = rows.get(i);
      stores[i] = t.getString(0);
      ids[i] = t.getString(1);
      orders[i] = t.getInteger(2);
      BigDecimal total = t.getBigDecimal(3);
      spent[i] = total == null ? null : total.toPlainString();
      first[i] = t.getOffsetDateTime(4);
      last[i] = t.getOffsetDateTime(5);
    }
    return Tuple.tuple().addValue(stores).addValue(ids).addValue(orders).addValue(spent).addValue(first).addValue(last);
  }
}
