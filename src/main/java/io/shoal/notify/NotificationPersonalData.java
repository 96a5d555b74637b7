package io.shoal.notify;

import io.shoal.kernel.Wire;
import io.shoal.kernel.DataSubject;
import io.shoal.kernel.PersonalData;
import io.shoal.outbox.NotificationLog;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

/**
 * Shoal's own events about the person (customer.created/updated, order.completed, segment
 * enters and leaves, which carry profile fields) and their webhook deliveries. Erasing deletes
 * them, deliveries still pending included, so neither the event list,
 * a stream resumed with Last-Event-ID nor a redelivery can show them again. Kept: the leaves the
 * erasure itself announced (cause {@code customer_erased}, no profile) and the data-request
 * events, which tell receivers to erase their own copies.
 */
public final class NotificationPersonalData implements PersonalData {

  private static final String SQL_EXPORT =
      "SELECT seq, id, type, data, created_at FROM notification_log WHERE store_id = $1 AND customer_id = $2"
          + " ORDER BY seq";
  /** Kept deliveries, and the ones recorded as delivered (DeliveryStore, a row per request) that have no kept row. */
  private static final String SQL_DELIVERIES =
      "SELECT * FROM ("
          + " SELECT d.notification_seq, n.id AS event_id, d.endpoint_id, d.status, d.attempts, d.created_at, d.delivered_at"
          + " FROM notification_log n JOIN webhook_deliveries d ON d.notification_seq = n.seq"
          + " WHERE n.store_id = $1 AND n.customer_id = $2"
          + " UNION ALL"
          + " SELECT DISTINCT ON (n.seq, c.endpoint_id) n.seq, n.id, c.endpoint_id, 'succeeded', 1, l.delivered_at,"
          + "   l.delivered_at"
          + " FROM notification_log n JOIN webhook_cursors c ON c.store_id = n.store_id"
          + " JOIN webhook_delivered l ON " + DeliveryStore.deliveredHolds("c", "n.seq")
          + " WHERE n.store_id = $1 AND n.customer_id = $2 AND NOT EXISTS (SELECT 1 FROM webhook_deliveries d"
          + "   WHERE d.store_id = $1 AND d.endpoint_id = c.endpoint_id AND d.notification_seq = n.seq)"
          + ") x ORDER BY notification_seq, endpoint_id";
  /**
   * The deliveries of the notifications an erasure deleted: kept rows deleted; the requests that
   * carried them lose those seqs (other customers' stay), and go when none is left.
   */
  private static final String SQL_ERASE_DELIVERIES =
      "WITH kept AS (DELETE FROM webhook_deliveries WHERE store_id = $1 AND notification_seq = ANY($2::bigint[])),"
          + " hit AS (SELECT DISTINCT l.endpoint_id, l.first_seq, l.seqs <@ $2::bigint[] AS all_gone"
          + "   FROM unnest($2::bigint[]) AS g(seq) JOIN webhook_cursors c ON c.store_id = $1"
          + "   JOIN webhook_delivered l ON " + DeliveryStore.deliveredHolds("c", "g.seq") + "),"
          + " cut AS (UPDATE webhook_delivered l SET seqs = ARRAY(SELECT s FROM unnest(l.seqs) s"
          + "   WHERE s <> ALL($2::bigint[]) ORDER BY s) FROM hit"
          + "   WHERE l.endpoint_id = hit.endpoint_id AND l.first_seq = hit.first_seq AND NOT hit.all_gone)"
          + " DELETE FROM webhook_delivered l USING hit"
          + " WHERE l.endpoint_id = hit.endpoint_id AND l.first_seq = hit.first_seq AND hit.all_gone";
  private final Pool pool;

  public NotificationPersonalData(Pool pool) {
    this.pool = pool;
  }

  @Override
  public String name() {
    return "notifications";
  }

  @Override
  public Future<JsonObject> export(DataSubject s) {
    Tuple key = Tuple.of(s.storeId(), s.customerId());
    return pool.preparedQuery(SQL_EXPORT).execute(key).compose(rows -> {
      JsonArray events = new JsonArray();
      for (Row r : rows) {
        events.add(new JsonObject().put("id", r.getString("id")).put("type", r.getString("type"))
            .put("created_at", Wire.time(r.getOffsetDateTime("created_at"))).put("data", r.getJsonObject("data")));
      }
      return pool.preparedQuery(SQL_DELIVERIES).execute(key).map(deliveries -> {
        JsonArray out = new JsonArray();
        for (Row r : deliveries) {
          out.add(new JsonObject().put("event_id", r.getString("event_id")).put("endpoint_id", r.getString("endpoint_id"))
              .put("status", r.getString("status")).put("attempts", r.getInteger("attempts"))
              .put("created_at", Wire.time(r.getOffsetDateTime("created_at")))
              .put("delivered_at", Wire.time(r.getOffsetDateTime("delivered_at"))));
        }
        return new JsonObject().put("events", events).put("webhook_deliveries", out);
      });
    });
  }

  @Override
  public Future<JsonObject> erase(DataSubject s) {
    return pool.withTransaction(conn -> NotificationLog.erase(conn, s.storeId(), s.customerId())
        .compose(gone -> conn.preparedQuery(SQL_ERASE_DELIVERIES)
            .execute(Tuple.tuple().addValue(s.storeId()).addValue(gone.toArray(new Long[0])))
            .map(d -> new JsonObject().put("events_deleted", gone.size()))));
  }
}
