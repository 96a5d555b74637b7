package io.shoal.event;

import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;

/**
 * Moves a customer's logged events to another customer, in the caller's transaction: an
 * anonymous visitor merged into the person it turned out to be. The events keep their ids, seqs
 * and times; answers them as now logged (under the new customer), in log order, for the segment
 * engine to apply to the person.
 */
public final class HistoryTransfer {

  private static final String SQL_MOVE =
      "UPDATE events SET customer_id = $3 WHERE store_id = $1 AND customer_id = $2"
          + " RETURNING seq, id, type, occurred_at, received_at, data";

  public Future<List<LoggedEvent>> move(SqlConnection conn, String storeId, String fromCustomerId,
                                        String intoCustomerId) {
    return conn.preparedQuery(SQL_MOVE).execute(Tuple.of(storeId, fromCustomerId, intoCustomerId)).map(rows -> {
      List<LoggedEvent> moved = new ArrayList<>(rows.size());
      for (Row r : rows) {
        moved.add(new LoggedEvent(r.getLong("seq"), storeId, r.getString("id"), r.getString("type"), intoCustomerId,
            r.getOffsetDateTime("occurred_at").toInstant(), r.getOffsetDateTime("received_at").toInstant(),
            r.getJsonObject("data")));
      }
      moved.sort((a, b) -> Long.compare(a.seq(), b.seq()));
      return moved;
    });
  }
}
