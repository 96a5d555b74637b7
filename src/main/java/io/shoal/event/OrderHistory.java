package io.shoal.event;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The products each customer of a store bought, read from the logged {@code order.completed}
 * events (oldest first): what recommendations learn from. The event package owns the events
 * table; other packages read orders through this. Refunds and cancellations are not
 * subtracted: a product returned was still chosen.
 */
public final class OrderHistory {

  private static final int PAGE = 10_000;

  private final Pool pool;

  public OrderHistory(Pool pool) {
    this.pool = pool;
  }

  /** customer id -> product ids of its orders, in order; read in pages by log position. */
  public Future<Map<String, List<String>>> productsByCustomer(String storeId) {
    Map<String, List<String>> out = new HashMap<>();
    return page(storeId, 0, out).map(out);
  }

  private Future<Void> page(String storeId, long afterSeq, Map<String, List<String>> out) {
    return pool.preparedQuery("SELECT seq, customer_id, data -> 'items' AS items FROM events"
            + " WHERE store_id = $1 AND type = 'order.completed' AND seq > $2 ORDER BY seq LIMIT $3")
        .execute(Tuple.of(storeId, afterSeq, PAGE))
        .compose(rows -> {
          long last = afterSeq;
          for (Row r : rows) {
            last = r.getLong("seq");
            Object items = r.getValue("items");
            if (!(items instanceof JsonArray array)) {
              continue;
            }
            List<String> bought = out.computeIfAbsent(r.getString("customer_id"), c -> new ArrayList<>());
            for (Object item : array) {
              if (item instanceof JsonObject o && o.getValue("product_id") instanceof String id) {
                bought.add(id);
              }
            }
          }
          return rows.size() < PAGE ? Future.succeededFuture() : page(storeId, last, out);
        });
  }
}
