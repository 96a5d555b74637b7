package io.shoal.event;

import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.ZoneOffset;

/**
 * Questions other capabilities ask of the logged events, on their own connection (inside their
 * transaction): the event capability owns the {@code events} table.
 */
public final class LoggedEvents {

  private LoggedEvents() {}

  /**
   * Whether the customer performed an event of {@code type} since {@code since}, other than
   * {@code exceptEventId}, and (when {@code matchKey} is set) with {@code data[matchKey] = matchValue}.
   */
  public static Future<Boolean> happenedSince(SqlClient client, String storeId, String customerId, String type,
                                              Instant since, String exceptEventId, String matchKey, String matchValue) {
    return client.preparedQuery("SELECT 1 FROM events WHERE store_id = $1 AND customer_id = $2 AND type = $3"
            + " AND occurred_at >= $4 AND id <> $5 AND ($6::text IS NULL OR data->>$6 = $7) LIMIT 1")
        .execute(Tuple.of(storeId, customerId, type, since.atOffset(ZoneOffset.UTC),
            exceptEventId == null ? "" : exceptEventId, matchKey, matchValue))
        .map(rows -> rows.size() > 0);
  }
}
